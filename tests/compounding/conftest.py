"""Fixtures of the compounding tests: the UFA's people and a FOLFOX-4 order sent to it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.testing.accounts import MakeUser, role_user
from corsia.testing.compounding import Folfox, folfox_sent_to_pharmacy

physician = role_user(Role.PHYSICIAN, "dr_prescrittore")
pharmacist = role_user(Role.PHARMACIST, "farm_ufa")
technician = role_user(Role.TECHNICIAN, "tec_cappa")


@pytest.fixture
def folfox(make_user: MakeUser, physician: User) -> Folfox:
    """FOLFOX-4 from today, prescribed by ``physician``, validated by two others, sent."""
    return folfox_sent_to_pharmacy(
        physician=physician,
        approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)),
        registrar=make_user(Role.COORDINATOR),
        start=timezone.localdate(),
    )
