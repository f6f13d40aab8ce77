from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.administration.models import Pump
from corsia.administration.pumps import services
from corsia.testing.administration import folfox, make_folfox


@pytest.fixture
def pump(make_user) -> Pump:  # type: ignore[no-untyped-def]  # factory fixture
    return services.pump_register(
        serial="PMP-0001",
        ward_code="DH-ONCO",
        location_label="Poltrona 7",
        host="127.0.0.1",
        port=1,
        actor=make_user(Role.COORDINATOR),
        workstation="test",
    )


# FOLFOX-4 at the bedside: the fixtures live in corsia.testing.administration (the FHIR
# server's tests use them too).

__all__ = ["folfox", "make_folfox"]
