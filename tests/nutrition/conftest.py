"""Fixtures of the orders' tests: a physician, a second physician, a pharmacist, a nurse,
an adult and a preterm neonate with their weights in the chart."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, role_user
from corsia.testing.nutrition import adult_patient, neonate_patient

physician = role_user(Role.PHYSICIAN)
pharmacist = role_user(Role.PHARMACIST)
nurse = role_user(Role.NURSE)


@pytest.fixture
def adult(make_user: MakeUser, nurse: User) -> Patient:
    return adult_patient(make_user(Role.COORDINATOR), nurse)


@pytest.fixture
def neonate(make_user: MakeUser, nurse: User) -> Patient:
    return neonate_patient(make_user(Role.COORDINATOR), nurse)
