"""Outgoing messages end to end: an administration ended at the bedside and a bag checked
out at the UFA become RAS^O17 and RDS^O13 for the subscribers, sent over MLLP to a real
(asyncio) receiver; the ACK decides (AA sent, AE failed with its reason, silence retried
with backoff); the dead letter is resent by IT staff; an act never makes two messages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message

from corsia.accounts.models import User
from corsia.administration.bedside.infusion import administration_interrupt
from corsia.administration.given import administrations_of_patient
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import InvalidTransition, PermissionRefused, ValidationFailed
from corsia.interop.models import OutboundMessage, Subscriber
from corsia.interop.services import (
    SubscriberInput,
    administration_announced,
    outbound_resend,
    outbound_send,
    subscriber_save,
)
from corsia.testing import compounding as ufa_flow
from corsia.testing.administration import Folfox, give, verify
from corsia.testing.mllp_receiver import ack, receiving

pytestmark = pytest.mark.django_db

MRN_OID = "2.16.840.1.113883.2.9.2.999.4.2"


@pytest.fixture(autouse=True)
def _hl7_settings(settings) -> None:  # type: ignore[no-untyped-def]  # pytest-django fixture
    settings.CORSIA_HL7_FACILITY = "OSP_SAN_MATTEO"
    settings.CORSIA_HL7_MRN_AUTHORITIES = ["CORSIA"]
    settings.CORSIA_HL7_MRN_OID = MRN_OID
    settings.CORSIA_HL7_OUT_TIMEOUT_SECONDS = 1
    settings.CORSIA_HL7_OUT_MAX_ATTEMPTS = 3


def _subscriber(it_staff: User, port: int, *types: str, active: bool = True) -> Subscriber:
    return subscriber_save(
        actor=it_staff,
        workstation="SI-01",
        data=SubscriberInput(
            name=f"Farmacia {port} {len(types)} {active}",
            receiving_application="SIO_FARMACIA",
            receiving_facility="OSP_SAN_MATTEO",
            host="127.0.0.1",
            port=port,
            message_types=types or ("RAS^O17",),
            active=active,
        ),
    )


def _premedicated(f: Folfox) -> None:
    """The two antiemetics given first (FOLFOX-4's sequence), before any subscriber exists:
    the messages under test are the oxaliplatin's."""
    give(f, f.items["ondansetron"])
    give(f, f.items["dexamethasone"])


def _pid(f: Folfox) -> str:
    p = f.patient
    return (
        f"PID|1||{p.codice_fiscale}^^^&2.16.840.1.113883.2.9.4.3.2&ISO^NNITA"
        f"~{p.mrn}^^^CORSIA&{MRN_OID}&ISO^MR||{p.surname}^{p.given_names}^^^^^L||19610504|M"
    )


def test_an_oxaliplatin_infusion_ended_reaches_the_subscriber_as_ras_o17(
    folfox: Folfox, it_staff: User
) -> None:
    _premedicated(folfox)
    with receiving(lambda m: ack(m, "AA")) as (receiver, port):
        _subscriber(it_staff, port, "RAS^O17")
        _subscriber(it_staff, port + 1 if port < 65535 else 1, "RDS^O13")  # not for RAS
        # when the nurse gives the oxaliplatin bag and ends the infusion
        given = give(folfox, folfox.items["oxaliplatin"])
        # then one RAS^O17 is stored for the RAS subscriber only, in the same transaction
        row = OutboundMessage.objects.get()
        assert (row.message_type, row.state, row.attempts) == ("RAS^O17", "pending", 0)
        assert row.event_key == f"administration:{given.pk}:completed"
        assert row.patient_id == folfox.patient.pk
        # and the worker sends it: the receiver gets exactly the stored text, answers AA
        sent = outbound_send(message_id=row.pk)
    assert sent is not None
    assert (sent.state, sent.attempts, sent.ack_code, sent.error_text) == ("sent", 1, "AA", "")
    assert receiver.received == [row.raw]
    segments = receiver.received[0].split("\r")
    assert segments[0].startswith("MSH|^~\\&|CORSIA|OSP_SAN_MATTEO|SIO_FARMACIA|OSP_SAN_MATTEO|")
    assert segments[0].split("|")[8:12] == ["RAS^O17^RAS_O17", row.control_id, "P", "2.5"]
    assert segments[1] == _pid(folfox)
    started = timezone.localtime(given.started_at).strftime("%Y%m%d%H%M%S%z")
    ended = timezone.localtime(given.ended_at).strftime("%Y%m%d%H%M%S%z")
    label = folfox.label("oxaliplatin")
    assert segments[2] == f"ORC|RE|{folfox.order.pk}^CORSIA|{label}^CORSIA||CM||||{ended}"
    nurse = folfox.nurse
    # FOLFOX-4 for 2.00 m²: oxaliplatin 85 mg/m² = 170 mg, the whole bag
    assert segments[3] == (
        f"RXA|0|1|{started}|{ended}|L01XA03^Oxaliplatino^WC^oxaliplatin^Oxaliplatino^99CORSIA"
        f"|170|mg^mg^UCUM|||{nurse.username}^{nurse.last_name}^{nurse.first_name}^^^^^^"
        "OSP_SAN_MATTEO||||||||||CP|A"
    )
    assert segments[4] == "RXR|IV^Intravenous^HL70162"
    parsed = parse_message(receiver.received[0], validation_level=VALIDATION_LEVEL.STRICT)
    assert parsed.validate() is True
    # sending again, or the hook announcing the same end again, makes nothing new
    assert outbound_send(message_id=row.pk) is None
    administration_announced(
        administrations_of_patient(user=folfox.nurse, patient_id=folfox.patient.pk)[0]
    )
    assert OutboundMessage.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="interop.message_sent").count() == 1


def test_no_answer_is_retried_with_backoff_then_an_ae_fails_then_it_staff_resend(
    folfox: Folfox, it_staff: User
) -> None:
    answers = iter([None, "AE", "AA"])

    def answer(message: str) -> str | None:
        code = next(answers)
        if code is None:
            return None  # silence: the sender times out
        return ack(message, code, error="Paziente sconosciuto" if code == "AE" else "")

    _premedicated(folfox)
    with receiving(answer) as (receiver, port):
        _subscriber(it_staff, port, "RAS^O17")
        give(folfox, folfox.items["oxaliplatin"])
        row = OutboundMessage.objects.get()
        # first attempt: no answer within the timeout → still pending, retried in 30 s
        first = outbound_send(message_id=row.pk)
        assert first is not None
        assert (first.state, first.attempts, first.ack_code) == ("pending", 1, "")
        assert "Nessuna risposta" in first.error_text
        wait = first.next_attempt_at - first.last_attempt_at  # type: ignore[operator]
        assert timedelta(seconds=29) < wait < timedelta(seconds=32)
        # not due yet: nothing sent
        assert outbound_send(message_id=row.pk) is None
        # when due, the same text is sent again; the subscriber refuses it (AE)
        second = outbound_send(message_id=row.pk, now=first.next_attempt_at)
        assert second is not None
        assert (second.state, second.attempts, second.ack_code) == ("failed", 2, "AE")
        assert second.error_text == "AE: Paziente sconosciuto"
        assert receiver.received == [row.raw, row.raw]
        # a failed message is not sent again by the worker
        assert outbound_send(message_id=row.pk, now=timezone.now() + timedelta(days=1)) is None
        # IT staff resend it with a reason: pending again, then accepted
        with pytest.raises(ValidationFailed):
            outbound_resend(actor=it_staff, workstation="SI-01", message_id=row.pk, reason=" ")
        outbound_resend(
            actor=it_staff, workstation="SI-01", message_id=row.pk, reason="anagrafe allineata"
        )
        third = outbound_send(message_id=row.pk)
    assert third is not None
    assert (third.state, third.attempts, third.ack_code) == ("sent", 1, "AA")
    assert receiver.received == [row.raw] * 3
    assert OutboundMessage.objects.count() == 1  # one message for one act, whatever happened
    resent = AuditEvent.objects.get(event_type="interop.message_resent")
    assert (resent.reason, resent.actor_id) == ("anagrafe allineata", it_staff.pk)
    with pytest.raises(InvalidTransition):
        outbound_resend(actor=it_staff, workstation="SI-01", message_id=row.pk, reason="di nuovo")


def test_an_interrupted_infusion_never_answered_expires_and_says_how_much_and_why(
    folfox: Folfox, it_staff: User
) -> None:
    _premedicated(folfox)
    with receiving(lambda m: None) as (receiver, port):  # the subscriber never answers
        _subscriber(it_staff, port, "RAS^O17")
        started = verify(folfox, "oxaliplatin").administration
        administration_interrupt(
            actor=folfox.nurse,
            workstation="t",
            administration_id=started.pk,
            volume_given_ml=Decimal("125"),
            reason="Reazione infusionale",
        )
        row = OutboundMessage.objects.get()
        assert row.event_key == f"administration:{started.pk}:interrupted"
        moment = timezone.now()
        states = []
        for _ in range(3):  # CORSIA_HL7_OUT_MAX_ATTEMPTS
            done = outbound_send(message_id=row.pk, now=moment)
            assert done is not None
            states.append((done.state, done.attempts))
            moment = done.next_attempt_at
    assert states == [("pending", 1), ("pending", 2), ("expired", 3)]
    # three attempts, each unanswered: expired, a dead letter, audited once
    assert receiver.received == [row.raw] * 3
    assert AuditEvent.objects.filter(event_type="interop.message_not_delivered").count() == 1
    rxa = receiver.received[0].split("\r")[3].split("|")
    bag = started.volume_ml
    # 125 mL of the bag: 170 mg × 125 / bag volume
    expected = (Decimal(170) * Decimal(125) / bag).normalize()
    assert (rxa[6], rxa[9], rxa[20]) == (format(expected, "f"), "^Reazione infusionale", "PA")


def test_a_bag_checked_out_reaches_the_pharmacy_system_as_rds_o13(
    folfox: Folfox, it_staff: User
) -> None:
    with receiving(ack) as (receiver, port):
        _subscriber(it_staff, port, "RDS^O13")
        _subscriber(it_staff, port, "RAS^O17", active=False)
        # when the UFA checks the day's bag out to the ward
        labels = ufa_flow.check_out(
            folfox.ufa, technician=folfox.technician, day=timezone.localdate()
        )
        row = OutboundMessage.objects.get()
        assert row.message_type == "RDS^O13"
        outbound_send(message_id=row.pk)
    segments = receiver.received[0].split("\r")
    assert segments[1] == _pid(folfox)
    rxd = [s for s in segments if s.startswith("RXD|")]
    orc = [s for s in segments if s.startswith("ORC|")]
    # one ORC/RXD/RXR per preparation, numbered, each naming its bag
    assert [s.split("|")[1] for s in rxd] == [str(n) for n in range(1, len(labels) + 1)]
    assert sorted(s.split("|")[3].split("^")[0] for s in orc) == sorted(labels)
    technician = folfox.technician
    for segment in rxd:
        fields = segment.split("|")
        assert fields[10] == (
            f"{technician.username}^{technician.last_name}^{technician.first_name}^^^^^^"
            "OSP_SAN_MATTEO"
        )
        assert fields[7].startswith(f"{folfox.order.pk}-")
    oxaliplatin = next(s for s in rxd if "^Oxaliplatino^" in s).split("|")
    assert (oxaliplatin[4], oxaliplatin[5]) == ("170", "mg^mg^UCUM")
    assert oxaliplatin[2].startswith("L01XA03^Oxaliplatino^WC^")
    parsed = parse_message(receiver.received[0], validation_level=VALIDATION_LEVEL.STRICT)
    assert parsed.validate() is True


def test_subscribers_are_validated_and_only_it_staff_manage_them(
    it_staff: User, physician: User
) -> None:
    good = SubscriberInput(
        name="Motore di integrazione",
        receiving_application="ENSEMBLE",
        receiving_facility="OSP_SAN_MATTEO",
        host="10.0.3.7",
        port=6661,
        message_types=["RAS^O17", "RDS^O13"],
    )
    with pytest.raises(PermissionRefused):
        subscriber_save(actor=physician, workstation=None, data=good)
    for field, value, code in (
        ("port", 0, "port_invalid"),
        ("port", "1e308", "port_invalid"),
        ("host", "evil host", "host_invalid"),
        ("name", "a\x00b", "name_invalid"),
        ("receiving_application", "A|B", "receiving_application_invalid"),
        ("message_types", ["ADT^A01"], "message_types_invalid"),
        ("message_types", [], "message_types_invalid"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            subscriber_save(
                actor=it_staff,
                workstation=None,
                data=SubscriberInput(**{**good.__dict__, field: value}),
            )
        assert refused.value.code == code
    assert Subscriber.objects.count() == 0
    row = subscriber_save(actor=it_staff, workstation=None, data=good)
    changed = subscriber_save(
        actor=it_staff,
        workstation=None,
        data=SubscriberInput(**{**good.__dict__, "active": False}),
        subscriber_id=row.pk,
        expected_version=1,
    )
    assert (changed.active, changed.version) == (False, 2)
    with pytest.raises(Exception) as stale:
        subscriber_save(
            actor=it_staff, workstation=None, data=good, subscriber_id=row.pk, expected_version=1
        )
    assert stale.value.status == 409  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(event_type="interop.subscriber_saved").count() == 2
