"""Fixtures of the patient registry tests."""

from __future__ import annotations

from typing import Any

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients.models import BedOrChair, Patient, Ward
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import MakePatient, patient_registered


@pytest.fixture
def coordinator(make_user: MakeUser) -> User:
    return make_user(Role.COORDINATOR)


@pytest.fixture
def physician(make_user: MakeUser) -> User:
    return make_user(Role.PHYSICIAN)


@pytest.fixture
def ward(db: None) -> Ward:
    ward = Ward.objects.create(code="DHONC", name="Day Hospital oncologico", kind="day_hospital")
    for n in range(1, 4):
        BedOrChair.objects.create(ward=ward, code=f"P{n:02d}", kind="chair")
    return ward


@pytest.fixture
def make_patient(coordinator: User) -> MakePatient:
    def _make(**fields: Any) -> Patient:
        return patient_registered(coordinator, **fields)

    return _make
