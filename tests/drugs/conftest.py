from __future__ import annotations

import pytest


@pytest.fixture
def reference(drugs_reference: None) -> None:
    """The shipped reference archive, loaded through the import service (once per run of
    tests asking for it: corsia.testing.reference)."""
