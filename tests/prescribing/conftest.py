"""Fixtures of the prescribing tests: the prescriber, the validating pharmacist, FOLFOX-4
from the library and the reference patient (``corsia.testing.prescribing``)."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.regimens.models import RegimenVersion
from corsia.testing.accounts import MakeUser, role_user
from corsia.testing.prescribing import library_version, measured_patient_fixture

physician = role_user(Role.PHYSICIAN, "dr_prescrittore")
pharmacist = role_user(Role.PHARMACIST, "farm_validatore")
patient = measured_patient_fixture()


@pytest.fixture
def folfox(make_user: MakeUser) -> RegimenVersion:
    return library_version(
        "FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
