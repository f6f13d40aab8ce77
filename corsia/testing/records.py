"""Test helpers of the medical record: a signed-in client, an admission."""

from __future__ import annotations

from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients import services as patient_services
from corsia.patients.models import Patient, Ward
from corsia.testing.accounts import MakeUser


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def admit(make_user: MakeUser, patient: Patient, *, kind: str = "inpatient") -> int:
    """Admit the patient to the "Oncologia" ward (made the first time; by a coordinator);
    the encounter id."""
    ward, _ = Ward.objects.get_or_create(
        code="ONC", defaults={"name": "Oncologia", "kind": "inpatient"}
    )
    encounter = patient_services.encounter_admit(
        actor=make_user(Role.COORDINATOR),
        workstation=None,
        patient_id=patient.pk,
        kind=kind,
        ward_id=ward.pk,
    )
    return encounter.pk
