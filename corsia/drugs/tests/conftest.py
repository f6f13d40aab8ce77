from __future__ import annotations

import pytest

from corsia.drugs import services


@pytest.fixture
def reference(db: None) -> None:
    """The shipped reference archive, loaded through the import service."""
    services.drugs_reference_load()
