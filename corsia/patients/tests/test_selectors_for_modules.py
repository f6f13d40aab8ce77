"""The reads other modules make of the registry under their own permission (bedside
administration): a patient by id or MRN as recorded, where patients sit, beds and chairs,
the wards of care."""

from __future__ import annotations

import pytest

from corsia.accounts.models import User
from corsia.core.domain.errors import NotFound
from corsia.patients import selectors, services
from corsia.patients.models import BedOrChair, Ward
from corsia.testing.patients import MakePatient

pytestmark = pytest.mark.django_db


def test_a_patient_by_id_and_by_mrn_is_the_one_recorded_even_when_merged(
    make_patient: MakePatient, coordinator: User
) -> None:
    # given a survivor and a duplicate merged into it
    survivor = make_patient()
    duplicate = make_patient(codice_fiscale="", stp_eni_code="STP0300000012345")
    services.patient_merge(
        actor=coordinator,
        workstation=None,
        survivor_id=survivor.pk,
        duplicate_id=duplicate.pk,
        reason="stessa persona",
    )
    # when / then: the duplicate is returned as itself, its survivor loaded with it
    by_mrn = selectors.patient_by_mrn(duplicate.mrn)
    assert by_mrn is not None and by_mrn.pk == duplicate.pk
    assert by_mrn.merged_into == survivor
    by_id = selectors.patient_record(patient_id=duplicate.pk)
    assert by_id.pk == duplicate.pk
    assert selectors.patient_by_mrn("NO-SUCH-MRN") is None
    with pytest.raises(NotFound):
        selectors.patient_record(patient_id=duplicate.pk + survivor.pk + 1000)


def test_current_places_are_those_of_active_encounters_with_a_place(
    make_patient: MakePatient, coordinator: User, ward: Ward
) -> None:
    # given one patient seated in a chair, one admitted without a place, one discharged
    chair = BedOrChair.objects.get(ward=ward, code="P02")
    seated = make_patient()
    unseated = make_patient(codice_fiscale="", stp_eni_code="STP0300000012345")
    gone = make_patient(codice_fiscale="", stp_eni_code="STP0300000054321")
    for patient, place in ((seated, chair.pk), (unseated, None), (gone, None)):
        services.encounter_admit(
            actor=coordinator,
            workstation=None,
            patient_id=patient.pk,
            kind="day_hospital",
            ward_id=ward.pk,
            place_id=place,
        )
    encounter = gone.encounters.get()
    services.encounter_discharge(
        actor=coordinator, workstation=None, encounter_id=encounter.pk, expected_version=1
    )
    # when
    found = selectors.current_places([seated.pk, unseated.pk, gone.pk])
    # then only the seated patient has a place
    assert found == {seated.pk: chair}


def test_places_are_by_ward_code_kind_and_code_and_the_wards_of_care_leave_out_the_pharmacy(
    ward: Ward,
) -> None:
    # given a second ward with a bed and a chair, and the pharmacy
    inpatients = Ward.objects.create(code="AONC", name="Oncologia degenza", kind="inpatient")
    BedOrChair.objects.create(ward=inpatients, code="L01", kind="bed")
    BedOrChair.objects.create(ward=inpatients, code="C01", kind="chair")
    Ward.objects.create(code="UFA", name="Farmacia UFA", kind="pharmacy")
    # when / then
    assert [(p.ward.code, p.kind, p.code) for p in selectors.places()] == [
        ("AONC", "bed", "L01"),
        ("AONC", "chair", "C01"),
        ("DHONC", "chair", "P01"),
        ("DHONC", "chair", "P02"),
        ("DHONC", "chair", "P03"),
    ]
    chair = BedOrChair.objects.get(ward=inpatients, code="C01")
    assert selectors.place_by_id(chair.pk) == chair
    assert selectors.place_by_id(chair.pk + 1000) is None
    assert [w.code for w in selectors.care_wards()] == ["DHONC", "AONC"]
