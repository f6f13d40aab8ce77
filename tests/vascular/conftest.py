"""Fixtures of the register's tests: the shipped scales (VIP), a nurse, a patient."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.nursing.services import scales_reference_load
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered


@pytest.fixture
def scales(db: None) -> None:
    scales_reference_load()


@pytest.fixture
def nurse(make_user: MakeUser) -> User:
    return make_user(Role.NURSE)


@pytest.fixture
def patient(make_user: MakeUser) -> Patient:
    return patient_registered(make_user(Role.COORDINATOR))
