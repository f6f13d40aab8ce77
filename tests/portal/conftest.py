from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from corsia.testing.portal import SENDER, OutboxSender


@pytest.fixture(autouse=True)
def outbox() -> Iterator[list[object]]:
    """Sign-in codes go to an in-memory outbox."""
    OutboxSender.sent.clear()
    with override_settings(CORSIA_PORTAL_CODE_SENDER=SENDER):
        yield OutboxSender.sent  # type: ignore[misc]  # the outbox's messages
    OutboxSender.sent.clear()
