"""Fixtures of the patient registry tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients.models import BedOrChair, Patient, Ward
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser, role_user
from corsia.testing.patients import MakePatient, patient_registered
from corsia.testing.prescribing import library_order

coordinator = role_user(Role.COORDINATOR)
physician = role_user(Role.PHYSICIAN)


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


@pytest.fixture
def folfox_today(make_user: MakeUser, coordinator: User) -> Callable[..., TherapyOrder]:
    """An order of FOLFOX-4 starting today, prescribed by ``prescriber`` (who then fires
    ``events``), for a patient the coordinator registers."""

    def _make(prescriber: User, events: tuple[str, ...] = ()) -> TherapyOrder:
        return library_order(
            "FOLFOX-4",
            physician=prescriber,
            approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)),
            registrar=coordinator,
            start=timezone.localdate(),
            events=events,
        )

    return _make
