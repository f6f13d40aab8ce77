"""A patient merge moves the duplicate's ward prescriptions and dose records to the
survivor, their signed content untouched, and its undoing moves exactly those back
(``corsia/therapy/merge.py``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from corsia.accounts.domain.roles import Role
from corsia.patients.models import PatientMerge, PatientMergeMove
from corsia.patients.services import patient_merge, patient_unmerge
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered
from corsia.testing.therapy import inpatient_in_bed, paracetamol, prescribed
from corsia.therapy import services
from corsia.therapy.models import CabinetMove, DoseRecord, WardPrescription

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 3, 10, 7, 0, tzinfo=ZoneInfo("Europe/Rome"))


@time_machine.travel(MORNING, tick=False)
def test_a_merge_moves_the_ward_therapy_and_its_undoing_brings_it_back(
    make_user: MakeUser,
) -> None:
    # given the ward's inpatient with a prescription and a dose given, registered twice
    ward = inpatient_in_bed(make_user)
    drug = paracetamol()
    rx = prescribed(ward.physician, ward.patient, drug)
    dose = services.dose_record(
        actor=ward.nurse,
        workstation=None,
        prescription_id=rx.pk,
        data=services.DoseInput(outcome="given", due_at=MORNING.replace(hour=8), barcode=drug.scan),
    )
    coordinator = make_user(Role.COORDINATOR)
    survivor = patient_registered(
        coordinator,
        surname="Rossi",
        given_names="Mario Secondo",
        date_of_birth=date(1950, 1, 1),
        codice_fiscale="",
        stp_eni_code="STP1200001234567",
    )

    # when the coordinator merges the ward's registration into the other
    patient_merge(
        actor=coordinator,
        workstation="ANAG-PC02",
        survivor_id=survivor.pk,
        duplicate_id=ward.patient.pk,
        reason="Stessa persona registrata due volte",
    )

    # then both rows are the survivor's, the signed dose as it was written
    rx.refresh_from_db()
    dose.refresh_from_db()
    assert (rx.patient_id, dose.patient_id) == (survivor.pk, survivor.pk)
    assert (rx.dose, rx.dose_unit, rx.signed_at) == (Decimal(1), "g", MORNING)
    merge = PatientMerge.objects.get(duplicate=ward.patient, state="merged")
    moved = {
        m.model: m.row_ids for m in PatientMergeMove.objects.filter(merge=merge, module="therapy")
    }
    # the dose given in a ward without a cabinet: its unload flagged, moved along
    flagged = CabinetMove.objects.get(dose=dose)
    assert moved == {
        "therapy.WardPrescription": [rx.pk],
        "therapy.DoseRecord": [dose.pk],
        "therapy.CabinetMove": [flagged.pk],
    }

    # and undoing the merge gives them back to the ward's registration
    patient_unmerge(
        actor=coordinator, workstation=None, merge_id=merge.pk, reason="Persone diverse"
    )
    assert WardPrescription.objects.filter(patient=ward.patient).count() == 1
    assert DoseRecord.objects.filter(patient=ward.patient).count() == 1
    assert not WardPrescription.objects.filter(patient=survivor).exists()
