"""Fixtures of the galenic laboratory's tests: two pharmacists, a technician, the lab."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.galenics.models import Formula
from corsia.testing.accounts import role_user
from corsia.testing.galenics import SUSPENSION, Lab, lab_ready, published

pharmacist = role_user(Role.PHARMACIST)
releaser = role_user(Role.PHARMACIST)
technician = role_user(Role.TECHNICIAN)


@pytest.fixture
def lab(pharmacist: User) -> Lab:
    return lab_ready(pharmacist)


@pytest.fixture
def suspension(lab: Lab) -> Formula:
    return published(lab.pharmacist, SUSPENSION)
