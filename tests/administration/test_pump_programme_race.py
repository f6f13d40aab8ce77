"""A pump that starts before its ACK is recorded.

``pump_program_send`` commits the programme, talks to the pump, then records the answer in
a second transaction. A pump that starts at once sends its first «running» status on its
own connection, and the gateway may apply it in between: that report must be accepted (the
ward must see the infusion) and the answer recorded afterwards must not undo it. Here the
"pump" is a stand-in for the network exchange that applies the running report through the
gateway's service before it answers; the last test does it over loopback MLLP, the report
applied by another thread on its own database connection.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.administration.domain.hl7_pcd import AckCode, build_ack, read_header
from corsia.administration.models import ProgramOutcome, Pump, PumpMessage, PumpProgram
from corsia.administration.pumps import services
from corsia.administration.pumps.mllp import FrameReader, frame
from corsia.administration.pumps.services import pump_message_receive, pump_program_send
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import InvalidTransition
from corsia.testing.administration import PCD01_RUNNING, PCD04_OCCLUSION, oxaliplatin_packet

pytestmark = pytest.mark.xdist_group("pump_end_to_end")


def _ack_for(payload: bytes, code: AckCode = AckCode.ACCEPT) -> bytes:
    header = read_header(payload.decode())
    assert header is not None
    return build_ack(
        control_id="PUMP-ACK-1",
        sent_at=timezone.now(),
        ack_code=code,
        ref_control_id=header.control_id,
        trigger=header.trigger,
        sender="PUMP^PMP-0001^L",
        receiver=header.sender,
    ).encode()


def _msa(answer: str) -> tuple[str, str]:
    msa = next(s for s in answer.split("\r") if s.startswith("MSA|")).split("|")
    err = next((s for s in answer.split("\r") if s.startswith("ERR|")), "")
    return msa[1], err.split("|")[5].split("^")[0] if err else ""


def _pump_that(
    monkeypatch: pytest.MonkeyPatch, before_answering: Callable[[], object], code: AckCode
) -> list[object]:
    """The network exchange: ``before_answering`` runs while the programme awaits its answer
    (what reached the gateway meanwhile), then the pump answers ``code``."""
    seen: list[object] = []

    def exchange(host: str, port: int, payload: bytes, *, timeout: float) -> bytes:
        seen.append(Pump.objects.get(serial="PMP-0001").state)
        seen.append(before_answering())
        return _ack_for(payload, code)

    monkeypatch.setattr(services, "mllp_exchange_sync", exchange)
    return seen


def _send(pump: Pump, nurse: User) -> PumpProgram:
    return pump_program_send(
        pump=pump, packet=oxaliplatin_packet(), actor=nurse, workstation="t", order_id=42
    )


def test_a_running_report_before_the_ack_is_accepted_and_the_ack_does_not_undo_it(  # type: ignore[no-untyped-def]  # factory fixture
    pump: Pump, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the pump starts at once: its first status reaches the gateway before its ACK is recorded
    seen = _pump_that(
        monkeypatch, lambda: _msa(pump_message_receive(raw=PCD01_RUNNING)), AckCode.ACCEPT
    )
    program = _send(pump, make_user(Role.NURSE))

    # the report was accepted (AA) while the pump awaited its answer, not refused
    assert seen == ["awaiting_ack", ("AA", "")]
    assert (program.outcome, program.ack_code) == (ProgramOutcome.ACCEPTED, "AA")
    pump.refresh_from_db()
    # the pump infuses, with the figures it reported (31.3 mL infused, not reset to 0)
    assert (pump.state, pump.rate_ml_h, pump.volume_infused_ml) == (
        "running",
        Decimal("125.0"),
        Decimal("31.30"),
    )
    # the trail says what happened, in order: sent, the running report, the answer
    messages = PumpMessage.objects.filter(pump=pump).order_by("pk")
    assert [(m.direction, m.message_type, m.ack_code) for m in messages] == [
        ("out", "RGV^O15", "AA"),
        ("in", "ORU^R01", "AA"),
        ("in", "ACK", ""),
    ]
    events = AuditEvent.objects.filter(event_type__startswith="administration.pump_program")
    trail = [(e.event_type, e.after["pump_state"]) for e in events.order_by("pk")]  # type: ignore[index]  # after is set
    assert trail == [
        ("administration.pump_program_sent", "awaiting_ack"),
        ("administration.pump_program_answered", "running"),
    ]
    answered = events.get(event_type="administration.pump_program_answered").after
    assert answered is not None and answered["reported_first"] is True
    assert answered["outcome"] == "accepted"


def test_an_ack_recorded_first_programs_the_pump_and_the_report_then_starts_it(  # type: ignore[no-untyped-def]  # factory fixture
    pump: Pump, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pump_that(monkeypatch, lambda: None, AckCode.ACCEPT)
    _send(pump, make_user(Role.NURSE))
    pump.refresh_from_db()
    assert (pump.state, pump.volume_infused_ml, pump.vtbi_ml) == (
        "programmed",
        Decimal("0.00"),
        Decimal("250.00"),
    )
    answered = AuditEvent.objects.get(event_type="administration.pump_program_answered").after
    assert answered is not None and answered["reported_first"] is False
    assert _msa(pump_message_receive(raw=PCD01_RUNNING)) == ("AA", "")
    pump.refresh_from_db()
    assert pump.state == "running"


def test_a_refused_programme_gives_the_pump_back_its_state(  # type: ignore[no-untyped-def]  # factory fixture
    pump: Pump, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    Pump.objects.filter(pk=pump.pk).update(state="paused")
    seen = _pump_that(monkeypatch, lambda: None, AckCode.ERROR)
    program = _send(pump, make_user(Role.NURSE))
    assert seen == ["awaiting_ack", None]
    assert program.outcome == ProgramOutcome.REFUSED
    pump.refresh_from_db()
    assert pump.state == "paused"


def test_an_alarm_while_the_answer_is_awaited_stands(  # type: ignore[no-untyped-def]  # factory fixture
    pump: Pump, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pump_that(monkeypatch, lambda: _msa(pump_message_receive(raw=PCD04_OCCLUSION)), AckCode.ACCEPT)
    _send(pump, make_user(Role.NURSE))
    pump.refresh_from_db()
    assert pump.state == "alarm"


def test_a_second_programme_while_the_first_awaits_its_answer_is_refused(  # type: ignore[no-untyped-def]  # factory fixture
    pump: Pump, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    nurse = make_user(Role.NURSE)

    def second() -> str:
        with pytest.raises(InvalidTransition) as refused:
            _send(pump, nurse)
        return refused.value.details["state"]  # type: ignore[no-any-return]  # a str

    seen = _pump_that(monkeypatch, second, AckCode.ACCEPT)
    _send(pump, nurse)
    assert seen == ["awaiting_ack", "awaiting_ack"]
    assert PumpProgram.objects.filter(pump=pump).count() == 1


def test_a_programme_whose_sending_was_interrupted_does_not_block_the_pump(  # type: ignore[no-untyped-def]  # factory fixture
    pump: Pump, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a programme sent ten minutes ago whose answer was never recorded (process stopped)
    nurse = make_user(Role.NURSE)
    _pump_that(monkeypatch, lambda: None, AckCode.ACCEPT)
    first = _send(pump, nurse)
    PumpProgram.objects.filter(pk=first.pk).update(
        outcome=ProgramOutcome.SENT, sent_at=timezone.now() - timedelta(minutes=10)
    )
    Pump.objects.filter(pk=pump.pk).update(state="awaiting_ack")
    # when a new programme is sent, the stale one is closed as unanswered first
    second = _send(pump, nurse)
    first.refresh_from_db()
    assert first.outcome == ProgramOutcome.NO_ANSWER
    assert first.ack_text == "Invio interrotto: nessuna risposta della pompa registrata."
    assert second.outcome == ProgramOutcome.ACCEPTED
    pump.refresh_from_db()
    assert pump.state == "programmed"


def test_a_recent_programme_awaiting_its_answer_still_blocks_a_new_one(  # type: ignore[no-untyped-def]  # factory fixture
    pump: Pump, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    nurse = make_user(Role.NURSE)
    _pump_that(monkeypatch, lambda: None, AckCode.ACCEPT)
    first = _send(pump, nurse)
    PumpProgram.objects.filter(pk=first.pk).update(outcome=ProgramOutcome.SENT)
    Pump.objects.filter(pk=pump.pk).update(state="awaiting_ack")
    with pytest.raises(InvalidTransition):
        _send(pump, nurse)


def test_over_loopback_the_report_applied_by_another_connection_before_the_ack(  # type: ignore[no-untyped-def]  # factory fixture
    transactional_db: None, pump: Pump, make_user
) -> None:
    """A pump on a loopback socket: on the programme, it has its running status applied by
    the gateway's service in its own thread (its own database connection, committed) and
    only then answers AA — the order that made the end-to-end test fail now and then."""
    applied: list[tuple[str, str]] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(10)

    def fake_pump() -> None:
        try:
            conn, _ = server.accept()
            with conn:
                conn.settimeout(10)
                reader = FrameReader()
                frames: list[bytes] = []
                while not frames:
                    frames = reader.feed(conn.recv(65536))
                applied.append(_msa(pump_message_receive(raw=PCD01_RUNNING)))
                conn.sendall(frame(_ack_for(frames[0])))
        finally:
            connection.close()

    thread = threading.Thread(target=fake_pump, daemon=True)
    thread.start()
    Pump.objects.filter(pk=pump.pk).update(port=server.getsockname()[1])
    pump.refresh_from_db()
    try:
        program = pump_program_send(
            pump=pump, packet=oxaliplatin_packet(), actor=make_user(Role.NURSE),
            workstation="t", timeout=10,
        )  # fmt: skip
    finally:
        thread.join(15)
        server.close()
    assert applied == [("AA", "")]
    assert program.outcome == ProgramOutcome.ACCEPTED
    pump.refresh_from_db()
    assert (pump.state, pump.volume_infused_ml) == ("running", Decimal("31.30"))
    refused = PumpMessage.objects.filter(pump=pump, ack_code__in=["AE", "AR"])
    assert list(refused.values_list("ack_error", flat=True)) == []
