from __future__ import annotations

import pytest

from corsia.testing.accounts import MakeUser
from corsia.testing.dispensing import Desk, desk_ready


@pytest.fixture
def desk(make_user: MakeUser) -> Desk:
    return desk_ready(make_user)
