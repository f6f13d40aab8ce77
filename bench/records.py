"""The records :mod:`bench.centre` generates and :mod:`bench.unit` continues (the staff,
each order's days at the UFA and in the chair, the orders taken in charge), and the bulk
COPY both write with. Its own module so that ``unit`` needs nothing of ``centre``: centre
calls unit, never the other way round."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import psycopg


@dataclass
class Staff:
    physicians: tuple[int, ...]
    pharmacists: tuple[int, ...]
    technicians: tuple[int, ...]
    nurses: tuple[int, ...]
    names: dict[int, str]

    def pick(self, rng: random.Random, role: str) -> int:
        chosen: int = rng.choice(getattr(self, role + "s"))
        return chosen


@dataclass(frozen=True)
class DayPlan:
    """One day of an order at the UFA and in the chair: when its preparations are made,
    the patient bag leaves the UFA, the patient sits and the last infusion ends."""

    prep_start: datetime
    prep_end: datetime
    deliver: datetime
    chair_start: datetime
    chair_end: datetime


LONG_INFUSION_MINUTES = 360  # longer infusions run on a portable pump, at home


@dataclass(frozen=True)
class UnitItem:
    id: int
    sequence: int
    day: date
    ingredient_id: int
    competence: str
    route: str
    duration_minutes: int | None
    interval_after_minutes: int | None
    preparation: str
    final_dose: Decimal
    amount_unit: str


@dataclass(frozen=True)
class UnitOrder:
    """What the UFA, the chair and the stock need of an order taken in charge."""

    id: int
    patient_id: int
    ward_id: int | None
    state: str
    cycle: int
    first: date
    last: date
    prescriber: int
    stamps: dict[str, tuple[int, datetime]]
    days: dict[date, DayPlan]
    items: tuple[UnitItem, ...]


COPY_SECONDS: dict[str, float] = defaultdict(float)


def _copy(
    cur: psycopg.Cursor[Any], table: str, columns: str, rows: Sequence[Sequence[Any]]
) -> None:
    if not rows:
        return
    started = time.perf_counter()
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    COPY_SECONDS[table] += time.perf_counter() - started
