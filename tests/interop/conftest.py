"""Fixtures of the HL7 interface tests: the wards the messages name, IT staff, a physician."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.testing.accounts import role_user
from corsia.testing.interop import wards_ready


@pytest.fixture
def wards(roles: None) -> None:
    wards_ready()


it_staff = role_user(Role.IT_STAFF, "si_gialli")
physician = role_user(Role.PHYSICIAN, "dr_verdi")


# FOLFOX-4 at the bedside (corsia.testing.administration): the outgoing messages' tests
# give and dispense its drugs.
from corsia.testing.administration import folfox, make_folfox  # noqa: E402

__all__ = ["folfox", "make_folfox"]
