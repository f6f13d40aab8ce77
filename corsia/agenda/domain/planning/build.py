"""Shared pieces: an assignment from a start, the plan's figures, interchangeable places,
what a visit can never get today, and placing fixed-time items on identical resources."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from corsia.agenda.domain.planning.plan import Assignment, PhaseTime, Unplaced
from corsia.agenda.domain.planning.problem import (
    PLACE_LABEL,
    DayProblem,
    Nurse,
    Place,
    Visit,
    hhmm,
)


def compatible(place: Place, visit: Visit) -> bool:
    return visit.needs in place.hosts


def place_groups(problem: DayProblem) -> list[tuple[Place, ...]]:
    """Places that are interchangeable (same kind, same visits hosted), in input order."""
    groups: dict[tuple[str, frozenset[str]], list[Place]] = {}
    for place in problem.places:
        groups.setdefault((place.kind, frozenset(place.hosts)), []).append(place)
    return [tuple(g) for g in groups.values()]


def assignment_for(
    problem: DayProblem,
    visit_id: str,
    *,
    place_id: str,
    start: int,
    arrival: int | None = None,
    nurses: Sequence[str | None] = (),
) -> Assignment:
    """The assignment of ``visit_id`` starting its therapy at ``start`` in ``place_id``:
    phase times from the protocol; ``arrival`` defaults to the latest call-in that leaves
    the blood test and its results before the start (within the arrival window);
    ``nurses``: one per nurse start (``Visit.nurse_offsets``), or empty. For manual moves:
    build the moved assignment, then ``check_plan``."""
    visit = problem.visit(visit_id)
    if arrival is None:
        arrival = min(
            visit.arrival_latest, max(visit.arrival_earliest, start - visit.results_after)
        )
    chosen = list(nurses) + [None] * (len(visit.nurse_offsets) - len(nurses))
    phases = []
    k = 0
    for phase, (off_start, off_end) in zip(visit.phases, visit.phase_offsets, strict=True):
        nurse = None
        if phase.nurse_start:
            nurse = chosen[k]
            k += 1
        phases.append(PhaseTime(phase.drug, start + off_start, start + off_end, nurse))
    detach = visit.detach_offset
    return Assignment(
        visit_id=visit_id,
        place_id=place_id,
        arrival=arrival,
        start=start,
        end=start + visit.chair_minutes,
        phases=tuple(phases),
        detach_at=None if detach is None else start + detach,
        detach_nurse=None if detach is None else chosen[k],
    )


def starts_of(visit: Visit, a: Assignment) -> list[tuple[int, str | None]]:
    """(minute, nurse) of each nurse start of ``a``, in ``Visit.nurse_offsets`` order."""
    out = [
        (t.start, t.nurse) for t, ph in zip(a.phases, visit.phases, strict=True) if ph.nurse_start
    ]
    if a.detach_at is not None:
        out.append((a.detach_at, a.detach_nurse))
    return out


class PinLike(Protocol):
    @property
    def visit_id(self) -> str: ...
    @property
    def place_id(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def arrival(self) -> int | None: ...
    @property
    def nurses(self) -> Sequence[str | None]: ...


def pinned_assignment(problem: DayProblem, pin: PinLike) -> Assignment:
    """The assignment a fixed (or started) visit keeps."""
    return assignment_for(
        problem,
        pin.visit_id,
        place_id=pin.place_id,
        start=pin.start,
        arrival=pin.arrival,
        nurses=pin.nurses,
    )


def with_nurses(problem: DayProblem, a: Assignment, nurses: Sequence[str | None]) -> Assignment:
    """``a`` with one nurse per start (in ``Visit.nurse_offsets`` order)."""
    return assignment_for(
        problem, a.visit_id, place_id=a.place_id, start=a.start, arrival=a.arrival, nurses=nurses
    )


def visit_end(problem: DayProblem, a: Assignment) -> int:
    visit = problem.visit(a.visit_id)
    end = a.end
    if a.detach_at is not None:
        end = max(end, a.detach_at + visit.phases[-1].detach_minutes)
    return end


@dataclass(frozen=True)
class Figures:
    makespan: int
    total_wait: int
    chair_balance: int


def figures(problem: DayProblem, assignments: Iterable[Assignment]) -> Figures:
    """Makespan from the opening, total wait after the blood-test results, chair balance
    (per group of interchangeable places, busiest minus idlest busy minutes; the worst group)."""
    placed = list(assignments)
    if not placed:
        return Figures(0, 0, 0)
    makespan = max(visit_end(problem, a) for a in placed) - problem.opens
    wait = sum(a.start - a.arrival - problem.visit(a.visit_id).results_after for a in placed)
    busy: dict[str, int] = defaultdict(int)
    for a in placed:
        busy[a.place_id] += a.end - a.start
    balance = 0
    for group in place_groups(problem):
        loads = [busy.get(p.id, 0) for p in group]
        balance = max(balance, max(loads) - min(loads))
    return Figures(max(0, makespan), max(0, wait), balance)


@dataclass(frozen=True)
class Bounds:
    """What a visit allows on its own: call-in between ``arrival_lo`` and ``arrival_hi``,
    therapy start between ``earliest`` and ``latest`` at one of ``starts`` (intervals of
    minutes where every nurse start falls in some nurse's shift)."""

    arrival_lo: int
    arrival_hi: int
    earliest: int
    latest: int
    starts: tuple[tuple[int, int], ...]


Stretches = tuple[tuple[int, int], ...]  # [start, end) minutes, sorted, disjoint


def shift_cover(problem: DayProblem) -> Stretches:
    """The minutes in which some nurse can start (on shift, off a break), merged."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(s for n in problem.nurses for s in n.available):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def _intersect(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Intersection of two sorted lists of disjoint inclusive intervals."""
    out = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def visit_bounds(
    problem: DayProblem,
    visit: Visit,
    *,
    now: int,
    cover: Stretches,
    arrival: int | None = None,
) -> Bounds:
    """The call-in and start bounds of ``visit`` (``arrival``: already fixed)."""
    if arrival is None:
        lo = max(visit.arrival_earliest, problem.opens, now)
        hi = visit.arrival_latest
    else:
        lo = hi = arrival
    earliest = max(lo + visit.results_after, visit.ready_offset_start, now, problem.opens)
    latest = problem.closes - visit.span_minutes
    # the starts S with every nurse start S + offset in some nurse's stretch
    runs = [(earliest, latest)] if earliest <= latest else []
    for offset in visit.nurse_offsets:
        runs = _intersect(runs, [(a - offset, z - 1 - offset) for a, z in cover])
    return Bounds(lo, hi, earliest, latest, tuple(runs))


def static_refusal(problem: DayProblem, visit: Visit, bounds: Bounds) -> Unplaced | None:
    """Why ``visit`` cannot be placed today whatever else happens, or None."""
    if problem.closed:
        return Unplaced(visit.id, "closed_day", "Giornata di chiusura: nessun accesso possibile.")
    if not any(compatible(p, visit) for p in problem.places):
        return Unplaced(
            visit.id,
            "no_compatible_place",
            f"Nessun posto può ospitare l'accesso (serve un {PLACE_LABEL[visit.needs]}).",
        )
    if bounds.arrival_lo > bounds.arrival_hi:
        return Unplaced(
            visit.id,
            "arrival_window_passed",
            f"La finestra di arrivo ({hhmm(visit.arrival_earliest)}–"
            f"{hhmm(visit.arrival_latest)}) è fuori dall'orario ancora disponibile.",
        )
    if bounds.earliest > bounds.latest:
        return Unplaced(
            visit.id,
            "does_not_fit_opening_hours",
            f"L'accesso non entra nell'orario: la terapia potrebbe iniziare alle "
            f"{hhmm(bounds.earliest)} al più presto, ma deve iniziare entro le "
            f"{hhmm(max(0, bounds.latest))} per finire alla chiusura ({hhmm(problem.closes)}).",
        )
    if not bounds.starts:
        if not problem.nurses:
            return Unplaced(visit.id, "no_nurse", "Nessun infermiere in servizio per gli avvii.")
        return Unplaced(
            visit.id,
            "no_nurse_on_shift",
            "Nessun orario d'inizio ha un infermiere in turno per ogni avvio.",
        )
    return None


class Timeline:
    """Busy intervals of one resource, kept sorted: [start, end) pairs."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)

    def free(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)  # intervals starting before `end`
        return not any(self.ends[j] > start for j in range(i))

    def earliest_fit(self, start: int, length: int) -> int:
        t = start
        for s, e in zip(self.starts, self.ends, strict=True):
            if e <= t:
                continue
            if s >= t + length:
                break
            t = max(t, e)
        return t


class NurseLoad:
    """Nurse starts so far, to keep every nurse within the cap in any 30 minutes (the rule
    ``check_plan`` applies, and the solver's model), within the shift and out of the
    breaks."""

    def __init__(self, problem: DayProblem) -> None:
        self.cap = problem.starts_per_half_hour
        self.nurses = problem.nurses
        self.times: dict[str, list[int]] = {n.id: [] for n in problem.nurses}

    def fits(self, nurse: Nurse, minute: int) -> bool:
        if not nurse.can_start(minute):
            return False
        times = self.times[nurse.id]
        lo = bisect.bisect_right(times, minute - 30)
        hi = bisect.bisect_left(times, minute + 30)
        window = sorted([*times[lo:hi], minute])
        # every 30-minute window containing `minute` holds at most `cap` starts
        for i in range(len(window)):
            j = bisect.bisect_left(window, window[i] + 30)
            if j - i > self.cap:
                return False
        return True

    def choose(self, minutes: Sequence[int]) -> list[str] | None:
        """A nurse for each of ``minutes`` (one visit's starts), least loaded first, or None."""
        chosen: list[str] = []
        added: list[tuple[str, int]] = []
        for minute in minutes:
            options = [n for n in self.nurses if self.fits(n, minute)]
            if not options:
                for nurse_id, m in added:
                    self.times[nurse_id].remove(m)
                return None
            best = min(options, key=lambda n: (len(self.times[n.id]), n.id))
            bisect.insort(self.times[best.id], minute)
            added.append((best.id, minute))
            chosen.append(best.id)
        return chosen

    def add(self, nurse_id: str, minute: int) -> None:
        bisect.insort(self.times[nurse_id], minute)


def place_on_identical(
    items: Sequence[tuple[str, int, int]],
    resources: Sequence[str],
    pinned: Mapping[str, str],
    busy_until: Mapping[str, int],
    load: Mapping[str, int],
) -> dict[str, str] | None:
    """Interval colouring: items (id, start, end) onto identical ``resources`` each free
    from ``busy_until``; ``pinned`` items keep their resource. In start order, each item takes
    the free resource with the least load so far (balance). Exact when pinned items start no
    later than the free ones (the solver's model guarantees it); None if it fails."""
    free_at = {r: busy_until.get(r, -1) for r in resources}
    loads = {r: load.get(r, 0) for r in resources}
    out: dict[str, str] = {}
    for item_id, start, end in sorted(items, key=lambda it: (it[1], it[0] not in pinned, it[0])):
        if item_id in pinned:
            resource = pinned[item_id]
        else:
            options = [r for r in resources if free_at[r] <= start]
            if not options:
                return None
            resource = min(options, key=lambda r: (loads[r], resources.index(r)))
        free_at[resource] = max(free_at[resource], end)
        loads[resource] += end - start
        out[item_id] = resource
    return out
