"""The generated days of the day planner's bench (``bench/agenda.py``): the regimens, the
scales of the synthetic day hospital, the booking office that accepts a day's requests,
and the day's saturation. Nothing here looks at a plan."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from corsia.agenda.domain.planning import (
    DayProblem,
    Nurse,
    Phase,
    Place,
    PlaceKind,
    Pump,
    Visit,
    lower_bound,
)

DAY = 24 * 60
OFFICE_MARGIN = 30  # minutes before closing the booked day must be able to end by


@dataclass(frozen=True)
class Regimen:
    name: str
    weight: int
    phases: tuple[tuple[str, int, int, bool], ...]  # drug, minutes, wait after, cytotoxic
    observation: int = 0
    portable: int = 0  # minutes of a portable pump after the phases (patient goes home)
    bed: bool = False


REGIMENS = (
    Regimen(
        "FOLFOX-4",
        12,
        (
            ("premedicazione", 15, 0, False),
            ("oxaliplatino+acido folinico", 120, 0, True),
            ("5-fluorouracile bolo", 5, 5, True),
        ),
        portable=1320,
    ),
    Regimen(
        "FOLFIRI",
        8,
        (
            ("premedicazione", 15, 0, False),
            ("irinotecan+acido folinico", 90, 0, True),
            ("5-fluorouracile bolo", 5, 5, True),
        ),
        portable=1320,
    ),
    Regimen(
        "paclitaxel settimanale",
        10,
        (("premedicazione", 30, 30, False), ("paclitaxel", 60, 0, True)),
        observation=30,
    ),
    Regimen(
        "carboplatino-paclitaxel",
        6,
        (
            ("premedicazione", 30, 30, False),
            ("paclitaxel", 180, 0, True),
            ("carboplatino", 60, 0, True),
        ),
        observation=30,
    ),
    Regimen(
        "docetaxel",
        5,
        (("premedicazione", 15, 0, False), ("docetaxel", 60, 0, True)),
        observation=15,
    ),
    Regimen("trastuzumab", 8, (("trastuzumab", 30, 0, True),), observation=15),
    Regimen("pembrolizumab", 10, (("pembrolizumab", 30, 0, True),)),
    Regimen("nivolumab", 6, (("nivolumab", 30, 0, True),)),
    Regimen("gemcitabina", 6, (("premedicazione", 15, 0, False), ("gemcitabina", 30, 0, True))),
    Regimen("acido zoledronico", 5, (("acido zoledronico", 15, 0, True),)),
    Regimen(
        "R-CHOP",
        5,
        (
            ("premedicazione", 30, 30, False),
            ("rituximab", 90, 0, True),
            ("doxorubicina", 15, 0, True),
            ("vincristina", 10, 0, True),
            ("ciclofosfamide", 60, 0, True),
        ),
        observation=30,
    ),
    Regimen(
        "ABVD",
        4,
        (
            ("premedicazione", 15, 0, False),
            ("doxorubicina", 15, 0, True),
            ("bleomicina", 15, 0, True),
            ("vinblastina", 10, 0, True),
            ("dacarbazina", 60, 0, True),
        ),
        observation=15,
    ),
    Regimen(
        "cisplatino con idratazione",
        4,
        (
            ("idratazione", 60, 0, False),
            ("cisplatino", 60, 0, True),
            ("idratazione post", 120, 0, False),
        ),
        bed=True,
    ),
    Regimen("azacitidina", 5, (("azacitidina s.c.", 10, 0, True),), observation=15),
    Regimen("bortezomib", 4, (("bortezomib s.c.", 5, 0, True),), observation=30),
)


@dataclass(frozen=True)
class Scale:
    patients: tuple[int, int]
    chairs: int
    beds: int
    nurses: int
    opens: int
    closes: int
    shifts: tuple[tuple[int, int], tuple[int, int]]  # morning, afternoon
    breaks: tuple[tuple[int, int], tuple[int, int]]  # a 30-minute meal break in each


SCALES = {
    "S": Scale(
        (60, 70),
        12,
        3,
        4,
        8 * 60,
        18 * 60,
        ((450, 900), (600, 1080)),
        ((750, 780), (810, 840)),
    ),
    "M": Scale(
        (200, 215),
        32,
        8,
        12,
        7 * 60 + 30,
        19 * 60 + 30,
        ((420, 870), (630, 1170)),
        ((720, 750), (840, 870)),
    ),
}


class BookingOffice:
    """What the office accepts: the booking table of the day, filled in booking order.
    Each patient is booked at the earliest times their window allows (the therapy at the
    start of the window plus the blood test and its results, once the preparations are
    ready): every nurse start in a half hour with room (``cap`` per nurse on duty for the
    whole half hour, breaks excluded), a place free over the stay (a bed for a bed
    patient), and the day's lower bound still half an hour before closing. A full slot moves the patient's window 30 minutes later (the office offers
    the next slot); a day with no slot for them does not take them. No plan is looked at:
    the table is the office's, a capacity count, not a schedule of places or nurses; the
    bound is the same relaxation the benchmark compares the plans with."""

    def __init__(self, problem: DayProblem) -> None:
        self.problem = problem
        cap = problem.starts_per_half_hour
        self.starts = {
            h: cap
            * sum(
                1 for n in problem.nurses if any(lo <= h and h + 30 <= hi for lo, hi in n.available)
            )
            for h in range(problem.opens, problem.closes, 30)
        }
        self.beds = sum(1 for p in problem.places if p.kind is PlaceKind.BED)
        self.places = [len(problem.places)] * DAY
        self.bed_room = [self.beds] * DAY
        self.booked: list[Visit] = []

    def book(self, visit: Visit) -> bool:
        problem = self.problem
        start = max(
            visit.arrival_earliest + visit.results_after, visit.ready_offset_start, problem.opens
        )
        if start + visit.span_minutes > problem.closes:
            return False
        slots = [
            problem.opens + (start + o - problem.opens) // 30 * 30 for o in visit.nurse_offsets
        ]
        stay = range(start, min(DAY, start + visit.chair_minutes + problem.turnover_minutes))
        wanted: dict[int, int] = {}
        for h in slots:
            wanted[h] = wanted.get(h, 0) + 1
        if any(self.starts.get(h, 0) < k for h, k in wanted.items()):
            return False
        room = self.bed_room if visit.needs is PlaceKind.BED else self.places
        if any(room[m] < 1 or self.places[m] < 1 for m in stay):
            return False
        # the day's capacity calculator (``lower_bound``: places, nurses' starts) must still
        # see the day end half an hour before closing (kept for delays and urgent additions)
        with_visit = replace(problem, visits=(*self.booked, visit))
        if lower_bound(with_visit) > problem.closes - problem.opens - OFFICE_MARGIN:
            return False
        self.booked.append(visit)
        for h, k in wanted.items():
            self.starts[h] -= k
        for m in stay:
            self.places[m] -= 1
            if visit.needs is PlaceKind.BED:
                self.bed_room[m] -= 1
        return True


def _visit(
    rng: random.Random, n: int, regimen: Regimen, earliest: int, *, blood: bool, results: int
) -> Visit:
    """Patient ``n`` on ``regimen``, called from ``earliest``; the preparations ready 0–60
    minutes after the earliest results (each cytotoxic 0–30 minutes after the previous)."""
    latest = earliest + rng.choice((120, 180, 240))
    ready = earliest + results + rng.randrange(0, 61, 5)
    phases = []
    for drug, minutes, wait, cytotoxic in regimen.phases:
        phases.append(Phase(drug, minutes, wait, ready if cytotoxic else None))
        if cytotoxic:
            ready += rng.randrange(0, 31, 5)
    if regimen.portable:
        phases.append(Phase("5-fluorouracile infusore", regimen.portable, 0, ready, Pump.PORTABLE))
    return Visit(
        id=f"V{n + 1:03d}",
        patient=f"PZ{n + 1:04d}",
        arrival_earliest=earliest,
        arrival_latest=latest,
        phases=tuple(phases),
        needs=PlaceKind.BED if regimen.bed else PlaceKind.CHAIR,
        blood_test_minutes=10 if blood else 0,
        blood_test_gap=results - 10 if blood else 0,
        observation_minutes=regimen.observation,
    )


def synthetic_day(
    rng: random.Random, scale: Scale, *, time_limit_s: float, cap: int = 3
) -> DayProblem:
    """A day the booking office accepted (``BookingOffice``): requests in booking order
    until the scale's number of patients is booked or 5 times as many were asked."""
    places = tuple(Place(f"P{i + 1:02d}", PlaceKind.CHAIR) for i in range(scale.chairs)) + tuple(
        Place(f"L{i + 1:02d}", PlaceKind.BED, frozenset({PlaceKind.BED, PlaceKind.CHAIR}))
        for i in range(scale.beds)
    )
    half = scale.nurses // 2
    nurses = tuple(
        Nurse(f"INF{i + 1:02d}", *scale.shifts[i >= half], breaks=(scale.breaks[i >= half],))
        for i in range(scale.nurses)
    )
    empty = DayProblem(
        opens=scale.opens,
        closes=scale.closes,
        places=places,
        nurses=nurses,
        visits=(),
        starts_per_half_hour=cap,
        turnover_minutes=10,
        time_limit_s=time_limit_s,
    )
    office = BookingOffice(empty)
    weights = [r.weight for r in REGIMENS]
    target = rng.randint(*scale.patients)
    visits: list[Visit] = []
    for _request in range(5 * target):
        if len(visits) == target:
            break
        regimen = rng.choices(REGIMENS, weights)[0]
        blood = rng.random() < 0.7
        results = (10 + rng.choice((60, 75, 90))) if blood else 0
        stay = results + sum(m + w for _, m, w, _ in regimen.phases) + regimen.observation
        afternoon = 12 * 60 + rng.choice((0, 30, 60))
        # a long regimen is called in the morning only
        if rng.random() < 0.7 or afternoon + stay + 60 > scale.closes:
            earliest = scale.opens + rng.choice((0, 0, 30, 60))
        else:
            earliest = afternoon
        seed = rng.random()
        while earliest < scale.closes:
            # the same patient's draw at every slot offered (only the times move)
            visit = _visit(
                random.Random(seed), len(visits), regimen, earliest, blood=blood, results=results
            )
            if office.book(visit):
                visits.append(visit)
                break
            earliest += 30
    return replace(empty, visits=tuple(visits))


def saturation(problem: DayProblem) -> float:
    """Place demand over the places' capacity in the opening hours."""
    demand = sum(v.chair_minutes + problem.turnover_minutes for v in problem.visits)
    return demand / (len(problem.places) * (problem.closes - problem.opens))


def nurse_saturation(problem: DayProblem) -> float:
    """Nurse starts asked over the starts the nurses can make (``nurse_capacity``)."""
    capacity = nurse_capacity(problem)
    asked = sum(len(v.nurse_offsets) for v in problem.visits)
    return asked / capacity if capacity else float("inf")


def nurse_capacity(problem: DayProblem) -> int:
    """Starts the nurses can make within the opening hours at the cap (each nurse's
    whole half hours on duty and off a break inside the opening, times the cap)."""
    total = 0
    for nurse in problem.nurses:
        for lo, hi in nurse.available:
            minutes = min(hi, problem.closes) - max(lo, problem.opens)
            total += max(0, minutes) // 30 * problem.starts_per_half_hour
    return total
