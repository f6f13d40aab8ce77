"""Fixtures of the prescribing tests: the prescriber, the validating pharmacist, FOLFOX-4
from the library and the reference patient (``corsia.testing.prescribing``)."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients.models import Patient
from corsia.regimens.models import RegimenVersion
from corsia.testing.accounts import MakeUser
from corsia.testing.prescribing import library_version, measured_patient


@pytest.fixture
def physician(make_user: MakeUser) -> User:
    return make_user(Role.PHYSICIAN, username="dr_prescrittore")


@pytest.fixture
def pharmacist(make_user: MakeUser) -> User:
    return make_user(Role.PHARMACIST, username="farm_validatore")


@pytest.fixture
def folfox(make_user: MakeUser) -> RegimenVersion:
    return library_version(
        "FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )


@pytest.fixture
def patient(make_user: MakeUser, physician: User) -> Patient:
    return measured_patient(registrar=make_user(Role.COORDINATOR), physician=physician)
