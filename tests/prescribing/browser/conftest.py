"""The first page a browser session loads is the slowest (the live server's first request,
the design kit's fonts and scripts into the cache): on a loaded machine it can pass the
helpers' 10-second timeout. Load it once, with time to spare, before each test."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

WARM_UP_TIMEOUT_MS = 90_000


@pytest.fixture(autouse=True)
def _warm_page(page: Page) -> None:
    page.goto("/login/", timeout=WARM_UP_TIMEOUT_MS)
