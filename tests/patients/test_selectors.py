"""Reads other modules make of the registry."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.core.domain.errors import PermissionRefused
from corsia.patients import selectors, services
from corsia.patients.models import Patient, Ward
from corsia.testing.accounts import MakeUser

pytestmark = pytest.mark.django_db

MakePatient = Callable[..., Patient]


def test_ward_inpatients_are_those_with_an_active_encounter_there(
    make_patient: MakePatient, coordinator: User, ward: Ward
) -> None:
    # given three patients: one in the ward, one discharged from it, one in another ward
    other = Ward.objects.create(code="EMA", name="Ematologia", kind="inpatient")
    inside = make_patient()
    discharged = make_patient(codice_fiscale="", stp_eni_code="STP0300000012345")
    elsewhere = make_patient(codice_fiscale="", stp_eni_code="ENI1234567890123")
    for patient, place in ((inside, ward), (discharged, ward), (elsewhere, other)):
        encounter = services.encounter_admit(
            actor=coordinator,
            workstation=None,
            patient_id=patient.pk,
            kind="day_hospital",
            ward_id=place.pk,
        )
        if patient is discharged:
            services.encounter_discharge(
                actor=coordinator,
                workstation=None,
                encounter_id=encounter.pk,
                expected_version=encounter.version,
            )
    # when the ward's inpatients are read, then only the first one is there
    assert selectors.ward_inpatients(user=coordinator, ward_code="DHONC") == [inside]
    assert selectors.ward_inpatients(user=coordinator, ward_code="EMA") == [elsewhere]


def test_ward_inpatients_need_the_permission_to_see_patients(make_user: MakeUser) -> None:
    with pytest.raises(PermissionRefused):
        selectors.ward_inpatients(user=make_user(Role.ADMINISTRATOR), ward_code="DHONC")
