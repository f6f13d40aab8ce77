"""Day-relative arithmetic around day 0, the day of the stem-cell infusion.

Days before the infusion are negative (conditioning from day −7), the infusion day is 0
and the follow-up counts up: day +100 is the hundredth day after day 0, the calendar date
``day_zero + 100 days`` (EBMT/CIBMTR usage: no "day −0", no skipped zero).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from corsia.core.domain.errors import ValidationFailed

MAX_DAYS = 36_500  # a century either way: beyond it a date is a typing error
_LABEL = re.compile(r"^\s*(?:(?:day|giorno|g|d)\s*)?([+\-−]?)\s*(\d{1,5})\s*$", re.IGNORECASE)


def _bounded(day: int) -> int:
    if isinstance(day, bool) or not isinstance(day, int) or abs(day) > MAX_DAYS:
        raise ValidationFailed(
            f"Giorno di trapianto non valido (tra −{MAX_DAYS} e +{MAX_DAYS}).",
            code="transplant_day_out_of_range",
            field="day",
        )
    return day


def transplant_day(day_zero: date, on: date) -> int:
    """The day number of ``on`` relative to ``day_zero`` (0 on the infusion day)."""
    return _bounded((on - day_zero).days)


def date_of_day(day_zero: date, day: int) -> date:
    """The calendar date of day ``day`` (``+100`` → ``day_zero`` + 100 days)."""
    return day_zero + timedelta(days=_bounded(day))


def day_label(day: int) -> str:
    """``+100``, ``0``, ``-7``: the sign always written except for day 0."""
    day = _bounded(day)
    return f"{day:+d}" if day else "0"


def parse_day(text: str) -> int:
    """A day typed as ``+100``, ``100``, ``-7``, ``day +100``, ``giorno +30``, ``G+30``."""
    match = _LABEL.match(text) if isinstance(text, str) and len(text) <= 20 else None
    if match is None:
        raise ValidationFailed(
            "Giorno di trapianto non riconosciuto: scrivi ad esempio +100 o -7.",
            code="transplant_day_invalid",
            field="day",
        )
    sign, digits = match.groups()
    value = int(digits)
    return _bounded(-value if sign in ("-", "−") else value)


def ensure_not_before_day_zero(day: int, *, field: str, what: str) -> int:
    """Refuse an event (an engraftment) dated before the infusion."""
    if _bounded(day) < 0:
        raise ValidationFailed(
            f"{what}: la data è precedente al giorno 0 (infusione).",
            code=f"{field}_before_day_zero",
            field=field,
        )
    return day
