"""Fixtures of the pathway's tests: a physician, a nurse, a coordinator, a recipient."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered


@pytest.fixture
def physician(make_user: MakeUser) -> User:
    return make_user(Role.PHYSICIAN)


@pytest.fixture
def nurse(make_user: MakeUser) -> User:
    return make_user(Role.NURSE)


@pytest.fixture
def coordinator(make_user: MakeUser) -> User:
    return make_user(Role.COORDINATOR)


@pytest.fixture
def recipient(coordinator: User) -> Patient:
    return patient_registered(coordinator)
