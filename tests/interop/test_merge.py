"""A patient merge moves the message logs that named the duplicate (inbound and outbound) to
the survivor, and its undoing exactly those back; a message parked for the duplicate's
stay, retried after the merge, finds the survivor."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AuditEvent
from corsia.interop.models import InboundMessage
from corsia.interop.services import message_receive
from corsia.patients import services as patients
from corsia.patients.models import Encounter, Patient, PatientMerge, PatientMergeMove
from corsia.testing.accounts import MakeUser
from corsia.testing.interop import GIULIA_CF, adt, pid, pv1, stp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wards")]

STP = "STP0300001234567"  # given in the emergency room
ER_ADT_ID = "9900001"


def _er_pid(surname: str = "SCONOSCIUTA", given: str = "DONNA") -> str:
    """The emergency registration's PID: an STP code and the ADT's own id."""
    segment = pid("", adt_id=ER_ADT_ID, surname=surname, given=given)
    return segment.replace("PID|1||", f"PID|1||{stp(STP)}~", 1)


def _state(control_id: str) -> tuple[str, int | None]:
    row = InboundMessage.objects.get(control_id=control_id)
    return row.state, row.patient_id


def test_the_message_logs_follow_the_merge_and_a_parked_message_finds_the_survivor(
    make_user: MakeUser,
) -> None:
    # given Giulia registered, and «an unknown woman» registered at night by the ER
    message_receive(raw=adt("A28", "MSG0001", pid()))
    message_receive(raw=adt("A28", "MSG0002", _er_pid()))
    giulia = Patient.objects.get(codice_fiscale=GIULIA_CF)
    stranger = Patient.objects.get(stp_eni_code=STP)
    assert _state("MSG0002") == ("processed", stranger.pk)
    # and the ER's transfer of her stay arriving before its admission: parked, no patient
    message_receive(raw=adt("A02", "MSG0003", _er_pid(), pv1("ONCO", "L02", visit="PS-77")))
    assert _state("MSG0003") == ("parked", None)

    # when the coordinator merges the two registrations
    coordinator = make_user(Role.COORDINATOR)
    patients.patient_merge(
        actor=coordinator,
        workstation="ANAG-PC02",
        survivor_id=giulia.pk,
        duplicate_id=stranger.pk,
        reason="La donna del pronto soccorso è Giulia Bianchi",
    )
    merge = PatientMerge.objects.get(duplicate=stranger, state="merged")

    # then the message that named the duplicate is the survivor's; the parked one has none
    assert _state("MSG0002") == ("processed", giulia.pk)
    assert _state("MSG0003") == ("parked", None)
    moves = {
        m.model: m.row_ids for m in PatientMergeMove.objects.filter(merge=merge, module="interop")
    }
    assert moves == {
        "interop.InboundMessage": [InboundMessage.objects.get(control_id="MSG0002").pk],
        "interop.OutboundMessage": [],
    }
    assert AuditEvent.objects.filter(
        event_type="patients.merge_rows_moved", after__module="interop", patient_id=giulia.pk
    ).exists()

    # when the ER's admission comes, naming the emergency registration's ADT id
    er_id_only = pid("", adt_id=ER_ADT_ID, surname="BIANCHI", given="GIULIA")
    message_receive(raw=adt("A01", "MSG0004", er_id_only, pv1("ONCO", "L01", visit="PS-77")))

    # then it reaches the survivor, and the parked transfer, retried, finds her stay
    assert _state("MSG0004") == ("processed", giulia.pk)
    assert _state("MSG0003") == ("processed", giulia.pk)
    stay = Encounter.objects.get(patient=giulia)
    assert stay.place is not None and stay.place.code == "L02"

    # when the merge is undone
    patients.patient_unmerge(
        actor=coordinator, workstation=None, merge_id=merge.pk, reason="Persone diverse"
    )

    # then exactly the moved message is the duplicate's again; the later ones stay
    assert _state("MSG0002") == ("processed", stranger.pk)
    assert _state("MSG0003") == ("processed", giulia.pk)
    assert _state("MSG0004") == ("processed", giulia.pk)
    assert _state("MSG0001") == ("processed", giulia.pk)
