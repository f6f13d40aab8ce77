"""End to end on loopback: the gateway listener (a thread of this process, on the test
database), the pump simulator (a subprocess), a programme computed from order data, and an
occlusion alarm that reaches PumpAlarm and the dashboard. Free ports, timeouts, kill."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from corsia.accounts.domain.roles import Role
from corsia.administration.domain.hl7_pcd import AckReport, build_pcd03, parse_pcd
from corsia.administration.domain.pump_program import pump_program_compute
from corsia.administration.models import ProgramOutcome, Pump, PumpAlarm, PumpMessage
from corsia.administration.pumps.mllp import mllp_exchange_sync
from corsia.administration.pumps.services import pump_program_send, pump_register
from corsia.audit.models import AuditEvent
from corsia.testing.administration import oxaliplatin_packet, running_gateway, running_simulator
from corsia.testing.administration import wait_for as _wait_for

pytestmark = pytest.mark.xdist_group("pump_end_to_end")


def test_programme_reaches_the_pump_and_its_occlusion_reaches_the_dashboard(  # type: ignore[no-untyped-def]  # factory fixtures
    transactional_db: None, make_user, client_for
) -> None:
    # given an order: oxaliplatin 85 mg/m2 x 1.80 m2 = 153 mg in 250 mL glucose 5 % over 2 h
    packet = oxaliplatin_packet()
    assert packet.rate_ml_h == Decimal("125.0")  # 250 mL / 2 h
    nurse = make_user(Role.NURSE)
    with (
        running_gateway() as gateway_port,
        running_simulator(
            gateway_port, "--status-interval", "0.2", "--speed", "60", "--occlusion-after", "1.0"
        ) as (simulator, pump_port),
    ):
        pump = pump_register(
            serial="PMP-E2E", ward_code="DH-ONCO", location_label="Poltrona 3",
            host="127.0.0.1", port=pump_port, actor=make_user(Role.COORDINATOR), workstation="t",
        )  # fmt: skip
        # a programme whose rate does not match volume and duration is refused by the pump
        tampered = build_pcd03(
            packet, control_id="BAD1", sent_at=datetime.now().astimezone(),
            device_id="PMP-E2E", placer_id="1",
        ).replace("|125.0|", "|150.0|")  # fmt: skip
        refused = parse_pcd(
            mllp_exchange_sync("127.0.0.1", pump_port, tampered.encode(), timeout=5).decode()
        )
        assert isinstance(refused, AckReport)
        assert (refused.ack_code.value, refused.error_code) == ("AE", "rate_volume_mismatch")

        # when the nurse sends the computed programme
        program = pump_program_send(
            pump=pump, packet=packet, actor=nurse, workstation="t", order_id=42, timeout=5
        )

        # then the pump accepted it (AA) and it is recorded
        assert (program.outcome, program.ack_code) == (ProgramOutcome.ACCEPTED, "AA")
        assert program.rate_ml_h == Decimal("125.0")
        assert program.order_id == 42
        # and its occlusion alarm arrives over MLLP and is stored with its time
        assert _wait_for(lambda: PumpAlarm.objects.filter(pump=pump).exists()), (
            simulator.stderr.read() if simulator.poll() is not None and simulator.stderr else ""
        )
        assert _wait_for(lambda: Pump.objects.get(pk=pump.pk).state == "alarm")

    alarm = PumpAlarm.objects.get(pump=pump)
    assert (alarm.name, alarm.text, alarm.priority) == (
        "MDC_EVT_FLUID_LINE_OCCL",
        "Occlusione a valle",
        "PH",
    )
    assert alarm.cleared_at is None
    assert AuditEvent.objects.filter(event_type="administration.pump_alarm_raised").count() == 1
    pump.refresh_from_db()
    assert pump.volume_infused_ml is not None and pump.volume_infused_ml > 0
    assert PumpMessage.objects.filter(pump=pump, message_type="ORU^R01", ack_code="AA").exists()
    answered_no = PumpMessage.objects.filter(pump=pump, ack_code__in=["AE", "AR"])
    assert list(answered_no.values_list("control_id", "ack_error", "ack_text")) == []
    page = client_for(Role.NURSE).get("/administration/pumps/")
    html = page.content.decode()
    assert 'data-pump="PMP-E2E" data-state="alarm"' in html
    assert "Occlusione a valle" in html


def test_no_answer_from_the_pump_is_a_clear_error_and_recorded(pump: Pump, make_user) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    import socket

    from corsia.administration.pumps.mllp import MllpNoAnswer

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        Pump.objects.filter(pk=pump.pk).update(port=silent.getsockname()[1])
        pump.refresh_from_db()
        packet = pump_program_compute(
            drug_code="x",
            drug_name="X",
            dose_unit="mg",
            dose_mg=Decimal(1),
            volume_ml=Decimal(60),
            duration_min=60,
        )
        with pytest.raises(MllpNoAnswer) as no_answer:
            pump_program_send(
                pump=pump, packet=packet, actor=make_user(Role.NURSE), workstation="t", timeout=0.5
            )
    assert "entro 0.5 secondi" in no_answer.value.message
    program = pump.programs.get()
    assert program.outcome == ProgramOutcome.NO_ANSWER
    pump.refresh_from_db()
    assert pump.state == "idle"
