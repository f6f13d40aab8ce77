"""Days covered by a dispensing, its next due date and the proportion of days covered.

Units are whole units (tablets, capsules, pens); the daily dose in units may be a fraction
(half a tablet a day). A dispensing covers the whole days its units last: a remainder that
does not make a full day covers nothing more (floor), so the patient is never told to come
back later than the drug lasts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from corsia.core.domain.errors import ValidationFailed

MAX_DAYS = 3660  # ten years: beyond it a dispensing is a typing error, not a therapy


class CoverageInvalid(ValidationFailed):
    code = "coverage_invalid"


def days_covered(units: int, daily_units: Decimal) -> int:
    """Whole days ``units`` last at ``daily_units`` a day (floor)."""
    if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
        raise CoverageInvalid("Le unità dispensate devono essere un intero positivo.")
    if not isinstance(daily_units, Decimal) or not daily_units.is_finite() or daily_units <= 0:
        raise CoverageInvalid("Le unità al giorno devono essere un numero positivo.")
    days = int((Decimal(units) / daily_units).to_integral_value(rounding=ROUND_FLOOR))
    if days > MAX_DAYS:
        raise CoverageInvalid(
            f"La dispensazione coprirebbe {days} giorni (al massimo {MAX_DAYS}).",
            details={"days": days},
        )
    return days


def next_due_date(day: date, days: int) -> date:
    """The day the patient should come back: the first day not covered (day + days)."""
    return day + timedelta(days=days)


@dataclass(frozen=True)
class Fill:
    day: date
    days: int


@dataclass(frozen=True)
class Adherence:
    covered_days: int
    window_days: int
    pdc: Decimal  # 0..1, four decimals half up


def proportion_of_days_covered(fills: Iterable[Fill], start: date, end: date) -> Adherence:
    """PDC over ``[start, end]`` (both included).

    Method: Pharmacy Quality Alliance (PQA), "Proportion of Days Covered" (also in Nau DP,
    PQA 2012, and in the CMS Part D adherence measures): each dispensing covers the days
    from its date for its days' supply; a dispensing made while the previous supply lasts
    starts the day after that supply ends (overlaps shifted forward, the carry-over); the
    covered days that fall inside the window are counted once and divided by the window's
    days. Supply spilling past ``end`` is not counted.
    """
    if end < start:
        raise CoverageInvalid("Il periodo termina prima di cominciare.")
    window = (end - start).days + 1
    covered: set[date] = set()
    supply_end: date | None = None  # the first day not yet covered
    for fill in sorted(fills, key=lambda f: f.day):
        if fill.days <= 0:
            continue
        begin = fill.day if supply_end is None or fill.day >= supply_end else supply_end
        stop = begin + timedelta(days=fill.days)
        supply_end = stop
        first = max(begin, start)
        last = min(stop - timedelta(days=1), end)
        day = first
        while day <= last:
            covered.add(day)
            day += timedelta(days=1)
    ratio = (Decimal(len(covered)) / Decimal(window)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )
    return Adherence(covered_days=len(covered), window_days=window, pdc=ratio)
