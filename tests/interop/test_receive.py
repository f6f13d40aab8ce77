"""Inbound messages through the service: stored, applied, answered; refusals change
nothing; the same message twice is one; out-of-order messages parked and retried."""

from __future__ import annotations

import pytest

from corsia.audit.models import AuditEvent
from corsia.interop.models import InboundMessage
from corsia.interop.services import message_receive
from corsia.patients.models import Encounter, Patient
from corsia.testing.interop import GIULIA_CF, adt, mrg, msh, oru, pid, pv1

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wards")]


def _msa(ack: str) -> list[str]:
    return next(s for s in ack.split("\r") if s.startswith("MSA|")).split("|")


def _err(ack: str) -> list[str]:
    return next(s for s in ack.split("\r") if s.startswith("ERR|")).split("|")


def _counts() -> tuple[int, int]:
    return Patient.objects.count(), Encounter.objects.count()


def test_admission_registers_the_patient_and_opens_the_encounter_in_the_bed() -> None:
    ack = message_receive(raw=adt("A01", "MSG0001", pid(), pv1("ONCO", "L01")))

    assert _msa(ack)[:3] == ["MSA", "AA", "MSG0001"]
    patient = Patient.objects.get(codice_fiscale=GIULIA_CF)
    assert (patient.surname, patient.given_names, patient.sex) == ("BIANCHI", "GIULIA", "F")
    assert str(patient.date_of_birth) == "1962-03-14"
    assert patient.place_of_birth == "G388"  # Pavia, from the codice fiscale
    assert list(patient.identifiers.values_list("system", "value")) == [
        ("2.16.840.1.113883.2.9.2.30.4.1:PI", "7788123")
    ]
    encounter = Encounter.objects.get(patient=patient)
    assert encounter.place is not None
    assert (encounter.kind, encounter.ward.code, encounter.place.code, encounter.state) == (
        "inpatient",
        "ONCO",
        "L01",
        "active",
    )
    row = InboundMessage.objects.get(control_id="MSG0001")
    assert (row.state, row.ack_code, row.message_type, row.patient_id) == (
        "processed",
        "AA",
        "ADT^A01",
        patient.pk,
    )
    assert (row.sending_application, row.sending_facility) == ("SIO_ADT", "OSP_SAN_MATTEO")
    events = AuditEvent.objects.filter(event_type="interop.message_received")
    assert events.count() == 1
    admitted = AuditEvent.objects.get(event_type="patients.encounter_admitted")
    assert admitted.actor is not None and admitted.actor.username == "hl7-interface"
    assert admitted.workstation == "SIO_ADT"


def test_same_control_id_twice_changes_nothing_and_gets_the_same_ack() -> None:
    message = adt("A01", "MSG0002", pid(), pv1())
    first = message_receive(raw=message)
    before = (_counts(), AuditEvent.objects.count(), InboundMessage.objects.count())

    second = message_receive(raw=message)

    assert second == first
    assert (_counts(), AuditEvent.objects.count(), InboundMessage.objects.count()) == before


def test_same_control_id_with_other_content_is_rejected_and_changes_nothing() -> None:
    message_receive(raw=adt("A01", "MSG0003", pid(), pv1()))
    before = (_counts(), InboundMessage.objects.count())

    ack = message_receive(raw=adt("A03", "MSG0003", pid(), pv1()))

    assert _msa(ack)[1] == "AR"
    assert _err(ack)[2] == "MSH^1^10"
    assert (_counts(), InboundMessage.objects.count()) == before


def test_codice_fiscale_with_wrong_check_character_is_an_error_naming_pid_3() -> None:
    bad = GIULIA_CF[:-1] + "A"  # the check character of BNCGLI62C54G388 is I

    ack = message_receive(raw=adt("A01", "MSG0004", pid(bad), pv1()))

    assert _msa(ack)[1] == "AE"
    err = _err(ack)
    assert err[2] == "PID^1^3"
    assert err[5].startswith("fiscal_code")
    assert _counts() == (0, 0)
    row = InboundMessage.objects.get(control_id="MSG0004")
    assert (row.state, row.error_location) == ("error", "PID^1^3")


def test_broken_segment_is_an_error_naming_it_and_nothing_is_applied() -> None:
    broken = "P1D|1||" + GIULIA_CF  # a PID whose name was garbled on the way

    ack = message_receive(raw=adt("A01", "MSG0005", broken, pv1()))

    assert _msa(ack)[1] == "AE"
    assert _err(ack)[2] == "P1D^1"
    assert _counts() == (0, 0)


def test_a_bad_date_of_birth_names_pid_7() -> None:
    ack = message_receive(raw=adt("A01", "MSG0006", pid(born="19621345"), pv1()))

    assert _msa(ack)[1] == "AE"
    assert _err(ack)[2] == "PID^1^7"
    assert _counts() == (0, 0)


def test_a_ward_unknown_to_corsia_names_pv1_3_and_registers_nobody() -> None:
    ack = message_receive(raw=adt("A01", "MSG0007", pid(), pv1("CARDIO", "L01")))

    assert _msa(ack)[1] == "AE"
    assert _err(ack)[2] == "PV1^1^3"
    assert _counts() == (0, 0)  # the patient created before the refusal is rolled back


@pytest.mark.parametrize(
    ("header", "location"),
    [
        (msh("A01", "MSG0008", version="2.3"), "MSH^1^12"),
        (msh("A01", "MSG0008").replace("|P|2.5|", "|T|2.5|"), "MSH^1^11"),
        (msh("ADT^A99^ADT_A01", "MSG0008"), "MSH^1^9"),
        (msh("ORM^O01^ORM_O01", "MSG0008"), "MSH^1^9"),
    ],
)
def test_what_corsia_cannot_take_is_rejected(header: str, location: str) -> None:
    ack = message_receive(raw="\r".join([header, pid(), pv1()]))

    assert _msa(ack)[1] == "AR"
    assert _err(ack)[2] == location
    assert _counts() == (0, 0)


def test_not_hl7_at_all_is_rejected_and_kept() -> None:
    ack = message_receive(raw="GET / HTTP/1.1")

    assert _msa(ack)[1] == "AR"
    assert InboundMessage.objects.get().state == "error"


def test_transfer_before_the_admission_is_parked_then_applied_when_it_comes() -> None:
    transfer = adt("A02", "MSG0010", pid(), pv1("DHONC", "P01", patient_class="D"))
    ack = message_receive(raw=transfer)

    assert _msa(ack)[1] == "AA"
    assert InboundMessage.objects.get(control_id="MSG0010").state == "parked"
    assert _counts() == (0, 0)

    message_receive(raw=adt("A01", "MSG0011", pid(), pv1("ONCO", "L01")))

    encounter = Encounter.objects.get()
    assert encounter.place is not None
    assert (encounter.ward.code, encounter.place.code) == ("DHONC", "P01")
    assert InboundMessage.objects.get(control_id="MSG0010").state == "processed"


def test_update_of_an_unknown_patient_is_parked() -> None:
    ack = message_receive(raw=adt("A08", "MSG0012", pid(), pv1()))

    assert _msa(ack)[1] == "AA"
    assert "In attesa" in _msa(ack)[3]
    assert InboundMessage.objects.get().state == "parked"
    assert _counts() == (0, 0)


def test_lab_report_for_an_unknown_patient_is_parked_then_recorded() -> None:
    message_receive(raw=oru("LAB0001"))
    assert InboundMessage.objects.get(control_id="LAB0001").state == "parked"

    message_receive(raw=adt("A04", "MSG0013", pid(), pv1("DHONC", "P01", patient_class="O")))

    row = InboundMessage.objects.get(control_id="LAB0001")
    assert row.state == "processed"
    assert row.results.count() == 3


def test_cancellations_undo_transfer_discharge_and_admission() -> None:
    message_receive(raw=adt("A01", "MSG0020", pid(), pv1("ONCO", "L01", visit="V9")))
    message_receive(raw=adt("A02", "MSG0021", pid(), pv1("ONCO", "L02", visit="V9")))

    message_receive(raw=adt("A12", "MSG0022", pid(), pv1("ONCO", "L01", visit="V9")))
    encounter = Encounter.objects.get()
    assert encounter.place is not None and encounter.place.code == "L01"

    message_receive(raw=adt("A03", "MSG0023", pid(), pv1("ONCO", "L01", visit="V9")))
    message_receive(raw=adt("A13", "MSG0024", pid(), pv1("ONCO", "L01", visit="V9")))
    encounter.refresh_from_db()
    assert (encounter.state, encounter.discharged_at) == ("active", None)
    reopened = AuditEvent.objects.get(event_type="patients.encounter_discharge_cancelled")
    assert "MSG0024" in reopened.reason

    message_receive(raw=adt("A11", "MSG0025", pid(), pv1("ONCO", "L01", visit="V9")))
    encounter.refresh_from_db()
    assert encounter.state == "cancelled"
    assert set(InboundMessage.objects.values_list("state", flat=True)) == {"processed"}


def test_identifier_change_gives_the_patient_the_new_adt_id() -> None:
    message_receive(raw=adt("A28", "MSG0030", pid()))
    patient = Patient.objects.get()

    change = adt(
        "A47",
        "MSG0031",
        pid(adt_id="7788999"),
        mrg(adt_id="7788123"),
    )
    ack = message_receive(raw=change)

    assert _msa(ack)[1] == "AA"
    assert set(patient.identifiers.values_list("value", flat=True)) == {"7788123", "7788999"}


def test_a_second_admission_while_one_is_active_is_an_error() -> None:
    message_receive(raw=adt("A01", "MSG0040", pid(), pv1("ONCO", "L01", visit="V1")))

    ack = message_receive(raw=adt("A01", "MSG0041", pid(), pv1("ONCO", "L02", visit="V2")))

    assert _msa(ack)[1] == "AE"
    assert _err(ack)[5].startswith("encounter_already_active")
    assert Encounter.objects.count() == 1
