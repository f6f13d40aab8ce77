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


# --- for the demo loader -------------------------------------------------------------------------


def test_a_ward_is_ensured_with_its_places_once_and_found_by_code(db: None) -> None:
    # when a ward is ensured with two chairs and a bed
    created = services.ward_ensure(
        code="DHX",
        name="Day Hospital X",
        kind="day_hospital",
        places=[("P01", "chair"), ("P02", "chair"), ("L01", "bed")],
    )
    # then the ward and its three places exist, and a second run creates nothing
    ward = Ward.objects.get(code="DHX")
    assert created == 4
    assert sorted(ward.places.values_list("code", "kind")) == [
        ("L01", "bed"),
        ("P01", "chair"),
        ("P02", "chair"),
    ]
    again = services.ward_ensure(
        code="DHX", name="Altro nome", kind="inpatient", places=[("P01", "bed"), ("P03", "chair")]
    )
    ward.refresh_from_db()
    assert again == 1  # only the new chair P03
    assert (ward.name, ward.kind) == ("Day Hospital X", "day_hospital")
    assert ward.places.get(code="P01").kind == "chair"
    assert selectors.ward_id_by_code(code="DHX") == ward.pk
    with pytest.raises(NotFound):
        selectors.ward_id_by_code(code="NOPE")


def test_free_places_leave_out_the_occupied_ones_by_kind_and_code(
    make_patient: MakePatient, coordinator: User, ward: Ward
) -> None:
    # given a ward of three chairs plus a bed, a patient seated in P02, and an empty ward
    BedOrChair.objects.create(ward=ward, code="L01", kind="bed")
    Ward.objects.create(code="EMPTY", name="Vuoto", kind="inpatient")
    services.encounter_admit(
        actor=coordinator,
        workstation=None,
        patient_id=make_patient().pk,
        kind="day_hospital",
        ward_id=ward.pk,
        place_id=BedOrChair.objects.get(ward=ward, code="P02").pk,
    )
    # when / then: the free places, beds before chairs, and the empty ward's none
    free = selectors.free_places_by_ward()
    assert {code: [p.code for p in places] for code, places in free.items()} == {
        "DHONC": ["L01", "P01", "P03"],
        "EMPTY": [],
    }


def test_patients_registered_by_codice_fiscale_or_stp_code_and_ids_with_a_codice_fiscale(
    make_patient: MakePatient,
) -> None:
    # given a patient with a codice fiscale and one with an STP code only
    with_cf = make_patient()
    make_patient(codice_fiscale="", stp_eni_code="STP0300000012345")
    # when / then
    assert selectors.patient_registered(codice_fiscale=with_cf.codice_fiscale) is True
    assert selectors.patient_registered(codice_fiscale="BNCLRA80A41H501X") is False
    assert selectors.patient_registered(stp_eni_code="STP0300000012345") is True
    assert selectors.patient_registered(stp_eni_code="ENI0300000000001") is False
    assert selectors.patient_registered() is False
    assert selectors.patient_ids_with_codice_fiscale(limit=5) == [with_cf.pk]
    assert selectors.patient_ids_with_codice_fiscale(limit=0) == []
