"""Fixtures of telemonitoring's tests: two patients with portal accounts, the team."""

from __future__ import annotations

from typing import Any

import pytest

from corsia.accounts.domain.roles import Role
from corsia.patients.models import Patient
from corsia.portal.models import PortalAccount
from corsia.testing.accounts import role_user
from corsia.testing.patients import ANNA_BIANCHI
from corsia.testing.portal import patient_with_account

physician = role_user(Role.PHYSICIAN)
nurse = role_user(Role.NURSE)


@pytest.fixture
def mario(make_user: Any) -> tuple[Patient, PortalAccount]:
    return patient_with_account(make_user)


@pytest.fixture
def anna(make_user: Any) -> tuple[Patient, PortalAccount]:
    return patient_with_account(make_user, email="anna@example.org", **ANNA_BIANCHI)
