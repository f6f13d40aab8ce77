"""The tablets an oral line of a cycle needs in all: what the pharmacy dispenses.

Each oral order line is one day of the cycle at one dose PER ADMINISTRATION, taken
``per_day`` times that day (regimens' ``Component.administrations_per_day``); its tablets per
administration are chosen from the archive's strengths (``order_lines.tablets_for``). The
cycle's supply of a strength is the sum, over the active lines of the ingredient, of the
tablets of that strength per administration × administrations a day. E.g. capecitabine
2,500 mg twice a day on days 1-14 as 5 × 500 mg: 5 × 2 × 14 = 140 tablets of 500 mg.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class OralLine:
    """One active oral line of the order (one day of the cycle)."""

    ingredient: str  # ingredient code
    day: date
    per_day: int
    per_dose: tuple[tuple[Decimal, int], ...]  # (strength mg, tablets) per administration


@dataclass(frozen=True)
class TabletSupply:
    ingredient: str
    strength_mg: Decimal
    tablets: int  # for the whole cycle
    first_day: date
    last_day: date
    days: int  # the days of the cycle on which this strength is taken
    most_per_day: int  # the most tablets of this strength on one day


def cycle_supply(lines: Iterable[OralLine]) -> list[TabletSupply]:
    """Per ingredient and strength (ingredient, then the larger strength first)."""
    totals: dict[tuple[str, Decimal], list[tuple[date, int]]] = {}
    for line in lines:
        if line.per_day < 1:
            raise ValueError(f"administrations a day must be at least 1, not {line.per_day}")
        for strength, count in line.per_dose:
            if count > 0:
                totals.setdefault((line.ingredient, strength), []).append(
                    (line.day, count * line.per_day)
                )
    supply = []
    for (ingredient, strength), days in totals.items():
        by_day: dict[date, int] = {}
        for day, count in days:
            by_day[day] = by_day.get(day, 0) + count
        supply.append(
            TabletSupply(
                ingredient=ingredient,
                strength_mg=strength,
                tablets=sum(by_day.values()),
                first_day=min(by_day),
                last_day=max(by_day),
                days=len(by_day),
                most_per_day=max(by_day.values()),
            )
        )
    return sorted(supply, key=lambda s: (s.ingredient, -s.strength_mg))
