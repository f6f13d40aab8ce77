"""Fixtures of the pathway's tests: a physician, a nurse, a coordinator, a recipient."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients.models import Patient
from corsia.testing.accounts import role_user
from corsia.testing.patients import patient_registered

physician = role_user(Role.PHYSICIAN)
nurse = role_user(Role.NURSE)
coordinator = role_user(Role.COORDINATOR)


@pytest.fixture
def recipient(coordinator: User) -> Patient:
    return patient_registered(coordinator)
