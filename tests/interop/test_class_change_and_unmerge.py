"""A06/A07 (a stay changing class) and the registry's correction of a merge (A37), on
messages as an Italian ADT sends them; and an A40 then an A37 over a real MLLP socket,
with the duplicate's chart and measurements going to the survivor and back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.administration.pumps.mllp import mllp_exchange_sync
from corsia.audit.models import AuditEvent
from corsia.interop.models import InboundMessage, VisitLink
from corsia.interop.services import message_receive
from corsia.patients.models import Encounter, Patient, PatientMerge
from corsia.prescribing.models import Measurement
from corsia.prescribing.services import measurement_record
from corsia.records.models import DiaryEntry
from corsia.records.services import DiaryInput, diary_entry_sign
from corsia.testing.accounts import MakeUser
from corsia.testing.interop import (
    GIULIA_CF,
    evn,
    msh,
    pid,
    pv1,
    running_hl7_listener,
    stp,
    wards_ready,
)

STP = "STP0300001234567"  # Lombardia (030), given in the emergency room
ER_ADT_ID = "9900001"  # the ADT's id of the emergency registration


def _message(event: str, control_id: str, when: str, *segments: str) -> str:
    return "\r".join([msh(event, control_id), evn(event, when), *segments])


def _msa(ack: str) -> list[str]:
    return next(s for s in ack.split("\r") if s.startswith("MSA|")).split("|")


def _err(ack: str) -> list[str]:
    return next(s for s in ack.split("\r") if s.startswith("ERR|")).split("|")


def _stranger(set_id: str = "1") -> str:
    """PID of the emergency registration: an STP code and the ADT's own id."""
    segment = pid("", adt_id=ER_ADT_ID, surname="SCONOSCIUTA", given="DONNA")
    return segment.replace("PID|1||", f"PID|{set_id}||{stp(STP)}~", 1)


def _stays(patient: Patient) -> list[tuple[str, str, str]]:
    return [
        (e.kind, e.ward.code, e.state)
        for e in Encounter.objects.filter(patient=patient).order_by("admitted_at", "pk")
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("wards")
def test_a06_turns_the_day_hospital_visit_into_an_admission_under_the_same_visit_number() -> None:
    # given Giulia seen as an outpatient in the day hospital at 08:00, visit RIC2026000555
    visit = "RIC2026000555"
    ack = message_receive(
        raw=_message(
            "A04",
            "CLS0001",
            "20261201080000",
            pid(),
            pv1("DHONC", "P01", patient_class="O", visit=visit),
        )
    )
    assert _msa(ack)[1] == "AA"
    giulia = Patient.objects.get(codice_fiscale=GIULIA_CF)
    # when at 11:30 the ADT turns the visit into an admission to oncology, bed L02 (A06)
    a06 = _message(
        "A06",
        "CLS0002",
        "20261201113000",
        pid(),
        pv1("ONCO", "L02", patient_class="I", visit=visit),
    )
    ack = message_receive(raw=a06)
    # then the outpatient visit is closed at 11:30 and the admission opens at 11:30
    assert _msa(ack)[1] == "AA"
    assert _stays(giulia) == [
        ("outpatient", "DHONC", "discharged"),
        ("inpatient", "ONCO", "active"),
    ]
    visit_, stay = Encounter.objects.filter(patient=giulia).order_by("admitted_at", "pk")
    assert visit_.discharged_at == stay.admitted_at
    assert timezone.localtime(stay.admitted_at).strftime("%d/%m/%Y %H:%M") == "01/12/2026 11:30"
    assert stay.place is not None and stay.place.code == "L02"
    # and the visit number now names the admission: a discharge by it closes the stay
    assert VisitLink.objects.get(visit_number=visit).encounter_id == stay.pk
    row = InboundMessage.objects.get(control_id="CLS0002")
    assert "da ambulatoriale a ricovero" in row.outcome
    # the same change again (a new control id) changes nothing
    again = a06.replace("CLS0002", "CLS0003")
    assert _msa(message_receive(raw=again))[1] == "AA"
    assert InboundMessage.objects.get(control_id="CLS0003").state == "ignored"
    discharge = _message("A03", "CLS0004", "20261202100000", pid(), pv1("ONCO", "L02", visit=visit))
    assert _msa(message_receive(raw=discharge))[1] == "AA"
    assert _stays(giulia)[-1] == ("inpatient", "ONCO", "discharged")


@pytest.mark.django_db
@pytest.mark.usefixtures("wards")
def test_a07_turns_an_admission_into_an_outpatient_visit() -> None:
    assert (
        _msa(
            message_receive(
                raw=_message(
                    "A01", "CLS0101", "20261201080000", pid(), pv1("ONCO", "L01", visit="V77")
                )
            )
        )[1]
        == "AA"
    )
    giulia = Patient.objects.get(codice_fiscale=GIULIA_CF)
    ack = message_receive(
        raw=_message(
            "A07",
            "CLS0102",
            "20261201150000",
            pid(),
            pv1("DHONC", "P02", patient_class="O", visit="V77"),
        )
    )
    assert _msa(ack)[1] == "AA"
    assert _stays(giulia) == [
        ("inpatient", "ONCO", "discharged"),
        ("outpatient", "DHONC", "active"),
    ]
    assert AuditEvent.objects.filter(event_type="patients.encounter_discharged").count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("wards")
def test_a_class_change_contradicting_its_event_is_an_error_naming_pv1_2() -> None:
    message_receive(
        raw=_message(
            "A04",
            "CLS0201",
            "20261201080000",
            pid(),
            pv1("DHONC", "P01", patient_class="O", visit="V88"),
        )
    )
    giulia = Patient.objects.get(codice_fiscale=GIULIA_CF)
    # an A06 (to inpatient) whose PV1-2 says outpatient
    ack = message_receive(
        raw=_message(
            "A06",
            "CLS0202",
            "20261201113000",
            pid(),
            pv1("ONCO", "L01", patient_class="O", visit="V88"),
        )
    )
    assert _msa(ack)[1] == "AE"
    assert _err(ack)[2] == "PV1^1^2"
    assert _err(ack)[5].split("^")[0] == "patient_class_conflict"
    assert _stays(giulia) == [("outpatient", "DHONC", "active")]


@pytest.mark.django_db
@pytest.mark.usefixtures("wards")
def test_an_a37_without_its_second_pid_is_an_error_and_one_with_no_merge_is_ignored() -> None:
    message_receive(raw=_message("A28", "UNL0001", "20261201080000", pid()))
    one_pid = _message("A37", "UNL0002", "20261201090000", pid(), pv1("ONCO", "L01"))
    ack = message_receive(raw=one_pid)
    assert (_msa(ack)[1], _err(ack)[2]) == ("AE", "PID^2")
    # two registrations never merged: nothing to undo
    message_receive(raw=_message("A28", "UNL0003", "20261201080000", _stranger()))
    both = _message("A37", "UNL0004", "20261201090000", pid(), _stranger("2"))
    assert _msa(message_receive(raw=both))[1] == "AA"
    assert InboundMessage.objects.get(control_id="UNL0004").state == "ignored"


def _send(port: int, message: str) -> str:
    ack = mllp_exchange_sync("127.0.0.1", port, message.encode(), timeout=30).decode()
    return _msa(ack)[1]


def test_an_a40_then_its_correction_a37_over_mllp_move_the_chart_and_back(
    transactional_db: None, make_user: MakeUser
) -> None:
    wards_ready()
    physician = make_user(Role.PHYSICIAN)
    with running_hl7_listener() as port:
        # Giulia is registered; at night the emergency room registers «an unknown woman»
        assert _send(port, _message("A28", "SEQ0001", "20261201080000", pid())) == "AA"
        assert _send(port, _message("A28", "SEQ0002", "20261201230000", _stranger())) == "AA"
        giulia = Patient.objects.get(codice_fiscale=GIULIA_CF)
        stranger = Patient.objects.get(stp_eni_code=STP)
        # who is weighed and gets a signed diary entry
        measurement_record(
            actor=physician,
            workstation=None,
            patient_id=stranger.pk,
            kind="weight_kg",
            value=Decimal("61.5"),
            measured_at=timezone.now(),
        )
        entry = diary_entry_sign(
            actor=physician,
            workstation=None,
            patient_id=stranger.pk,
            data=DiaryInput(kind="visit", text="Donna non identificata, vigile, orientata."),
        )
        # the registry decides they are one person (A40): the chart goes to Giulia
        merge = "\r".join(
            [
                msh("A40", "SEQ0003", structure="ADT_A39"),
                evn("A40", "20261202090000"),
                pid(),
                f"MRG|{stp(STP)}~{ER_ADT_ID}^^^OSP_SAN_MATTEO&2.16.840.1.113883.2.9.2.30.4.1&ISO^PI",
            ]
        )
        assert _send(port, merge) == "AA"
        entry.refresh_from_db()
        assert entry.patient_id == giulia.pk
        assert Measurement.objects.filter(patient=stranger).count() == 0
        # then corrects itself (A37: Giulia stays, the emergency registration set apart)
        unlink = _message("A37", "SEQ0004", "20261202120000", pid(), _stranger("2"))
        assert _send(port, unlink) == "AA"
        # and the same correction again changes nothing
        assert _send(port, unlink.replace("SEQ0004", "SEQ0005")) == "AA"

    stranger.refresh_from_db()
    assert (stranger.merged_into_id, stranger.is_active) == (None, True)
    assert DiaryEntry.objects.get(pk=entry.pk).patient_id == stranger.pk
    assert list(Measurement.objects.filter(patient=stranger).values_list("value", flat=True)) == [
        Decimal("61.5")
    ]
    assert set(stranger.identifiers.values_list("value", flat=True)) == {ER_ADT_ID}
    assert PatientMerge.objects.get().state == "unmerged"
    # the four applied, the repeated correction ignored
    states = InboundMessage.objects.order_by("control_id").values_list("state", flat=True)
    assert list(states) == ["processed"] * 4 + ["ignored"]
    undone = AuditEvent.objects.get(event_type="patients.patient_unmerged")
    assert undone.actor is not None and undone.actor.username == "hl7-interface"
    assert "SEQ0004" in undone.reason
