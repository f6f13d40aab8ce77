"""The inventory tests' fixed clock and the type of their ``load`` fixture
(``tests/inventory/conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")
# "Now" in every service test: 15 October 2026, 10:00 in Rome.
NOW = datetime(2026, 10, 15, 10, 0, tzinfo=ROME)
TODAY = date(2026, 10, 15)

Load = Callable[..., None]
