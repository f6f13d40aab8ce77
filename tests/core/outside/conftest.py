"""Fixtures of the outside probes: the scenarios, built through the services."""

from __future__ import annotations

import pytest

from corsia.testing.accounts import MakeUser
from corsia.testing.outside import MaskedChart, masked_chart


@pytest.fixture
def masked(make_user: MakeUser) -> MaskedChart:
    """A patient with a masked encounter (and what was written during it) and a masked
    consent: ``corsia.testing.outside.masked_chart``."""
    return masked_chart(make_user)
