"""What the two passes of :func:`bench.unit.generate.generate_unit` share: the centre's
lookups read once, the next id of every table, the counts, the reads to log and the rows
to COPY; and the hood sessions of the days."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dtime
from typing import Any

import psycopg

from bench.records import Staff, UnitOrder
from bench.unit.archive import Archive, load_archive
from bench.unit.constants import TOXICITY_TERMS, UNIT_TRACKED
from bench.unit.preps import _next
from bench.unit.stock import Stock

Read = tuple[datetime, int, int, str, str]


@dataclass
class UnitRun:
    """One run of the unit over its orders."""

    rng: random.Random
    staff: Staff
    today: date
    now: datetime
    archive: Archive
    ids: dict[str, int]
    stock: Stock
    hoods: list[int]
    chairs: list[str]
    cost_centers: dict[int | None, int]
    mrn: dict[int, str]
    terms: dict[str, tuple[int, set[int]]]
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reads: list[Read] = field(default_factory=list)
    rows: dict[str, list[Sequence[Any]]] = field(default_factory=lambda: defaultdict(list))
    sessions: dict[tuple[date, int], tuple[int, int, int]] = field(default_factory=dict)

    def next_id(self, table: str) -> int:
        """The id the next row of ``table`` takes."""
        new = self.ids[table]
        self.ids[table] += 1
        return new

    def session_of(self, day: date, slot: int) -> tuple[int, int, int, int]:
        """The hood of the ``slot``-th preparation of ``day``, with its session (opened on
        the first use: 07:00 to 15:30, still open today), technician and pharmacist."""
        hood = self.hoods[slot % len(self.hoods)]
        key = (day, hood)
        if key not in self.sessions:
            k = day.toordinal() + slot
            technician = self.staff.technicians[k % len(self.staff.technicians)]
            pharmacist = self.staff.pharmacists[k % len(self.staff.pharmacists)]
            sid = self.next_id("compounding_worksession")
            started = datetime.combine(day, dtime(7, 0), tzinfo=UTC)
            ended = None if day >= self.today else datetime.combine(day, dtime(15, 30), tzinfo=UTC)
            self.rows["compounding_worksession"].append(
                (sid, started, ended or started, day, started, ended, "{}", hood, pharmacist, technician)
            )  # fmt: skip
            self.sessions[key] = (sid, technician, pharmacist)
        sid, technician, pharmacist = self.sessions[key]
        return hood, sid, technician, pharmacist


def load_run(
    cur: psycopg.Cursor[Any],
    orders: list[UnitOrder],
    staff: Staff,
    rng: random.Random,
    clock: tuple[date, datetime],
) -> UnitRun:
    """The archive, the tables' next ids and the centre's hoods, chairs, cost centres, MRNs
    and CTCAE terms; ``clock``: the run's day and moment."""
    today, now = clock
    archive = load_archive(cur)
    ids = {t: _next(cur, t) for t in UNIT_TRACKED}
    hoods = [
        r[0] for r in cur.execute("SELECT id FROM compounding_hood WHERE active ORDER BY code")
    ]
    chairs = [
        r[0]
        for r in cur.execute(
            "SELECT name FROM accounts_workstation WHERE name LIKE 'DHONC-POLTRONA-%%' ORDER BY name"
        )
    ] or ["DHONC"]
    cost_centers = dict(
        cur.execute(
            "SELECT ward_id, id FROM inventory_costcenter WHERE ward_id IS NOT NULL ORDER BY code DESC"
        )
    )
    mrn = dict(
        cur.execute(
            "SELECT id, mrn FROM patients_patient WHERE id = ANY(%s)",
            (list({o.patient_id for o in orders}),),
        ).fetchall()
    )
    terms = {
        r[1]: (r[0], {g for g, text in enumerate(r[2:], start=1) if text})
        for r in cur.execute(
            "SELECT id, term, grade_1, grade_2, grade_3, grade_4, grade_5 FROM toxicity_ctcaeterm "
            "WHERE term = ANY(%s)",
            (list(TOXICITY_TERMS),),
        )
    }
    return UnitRun(
        rng=rng,
        staff=staff,
        today=today,
        now=now,
        archive=archive,
        ids=ids,
        stock=Stock(rng, staff, ids["inventory_stocklot"]),
        hoods=hoods,
        chairs=chairs,
        cost_centers=cost_centers,
        mrn=mrn,
        terms=terms,
    )
