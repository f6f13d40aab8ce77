"""Fixtures of the medical-record tests: one user per role and a weighed patient."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser
from corsia.testing.prescribing import measured_patient


@pytest.fixture
def physician(make_user: MakeUser) -> User:
    return make_user(Role.PHYSICIAN, username="dr_verdi")


@pytest.fixture
def nurse(make_user: MakeUser) -> User:
    return make_user(Role.NURSE, username="inf_neri")


@pytest.fixture
def pharmacist(make_user: MakeUser) -> User:
    return make_user(Role.PHARMACIST, username="farm_bruni")


@pytest.fixture
def it_staff(make_user: MakeUser) -> User:
    return make_user(Role.IT_STAFF, username="si_gialli")


@pytest.fixture
def patient(make_user: MakeUser, physician: User) -> Patient:
    """M, born 1961-05-04, 180 cm, 80 kg (BSA 2.00 m²)."""
    return measured_patient(registrar=make_user(Role.COORDINATOR), physician=physician)
