"""Whether a delegation lets its delegate collect on a day."""

from __future__ import annotations

from datetime import date


def delegation_valid_on(
    *, valid_from: date, valid_to: date | None, day: date, revoked_on: date | None = None
) -> bool:
    """Valid from ``valid_from`` through ``valid_to`` (both included; ``None``: open), and
    not on or after the day it was revoked."""
    if day < valid_from:
        return False
    if valid_to is not None and day > valid_to:
        return False
    return revoked_on is None or day < revoked_on
