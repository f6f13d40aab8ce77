"""The first-come-first-served baseline: the day as it is placed by hand today.

Every patient is called at the start of their arrival window (the opening at the latest);
in order of arrival (ties: the visit's id, i.e. booking order) each takes the first place
that is free for the whole of their stay, at the earliest minute the blood-test results,
the preparations and a nurse within the cap allow. Nobody is moved once placed, nobody
is kept back for a later, longer patient. Fixed assignments are kept as given.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from corsia.agenda.domain.planning.build import (
    NurseLoad,
    Timeline,
    assignment_for,
    compatible,
    figures,
    pinned_assignment,
    shift_cover,
    starts_of,
    static_refusal,
    visit_bounds,
    with_nurses,
)
from corsia.agenda.domain.planning.plan import Assignment, DayPlan, PlanStatus, Unplaced
from corsia.agenda.domain.planning.problem import DayProblem, Visit, hhmm


class SlotLoad:
    """The call-ins per slot (the agenda's capacity per slot; 0: not limited)."""

    def __init__(self, problem: DayProblem, pinned: tuple[Assignment, ...]) -> None:
        self.problem = problem
        self.count: dict[int, int] = {}
        for a in pinned:
            self.add(a)

    def has_room(self, minute: int) -> bool:
        cap = self.problem.arrivals_per_slot
        return not cap or self.count.get(self.problem.slot_of(minute), 0) < cap

    def call_in(self, lo: int, hi: int, *, latest_first: bool) -> int | None:
        """A call-in in ``[lo, hi]`` in a slot with room: the earliest, or the latest."""
        width = self.problem.slot_minutes
        if latest_first:
            t = hi
            while t >= lo:
                if self.has_room(t):
                    return t
                t = t - t % width - 1  # the previous slot's last minute
            return None
        t = lo
        while t <= hi:
            if self.has_room(t):
                return t
            t = t - t % width + width  # the next slot's first minute
        return None

    def add(self, a: Assignment) -> None:
        if self.problem.visit(a.visit_id).counts_arrival:
            slot = self.problem.slot_of(a.arrival)
            self.count[slot] = self.count.get(slot, 0) + 1


def fcfs_plan(problem: DayProblem) -> DayPlan:
    """The baseline plan (module docstring); always valid, never optimised."""
    started = time.perf_counter()
    pinned = tuple(pinned_assignment(problem, f) for f in problem.fixed)
    placed, unplaced = fcfs_assign(problem, now=problem.opens, pinned=pinned)
    numbers = figures(problem, placed)
    return DayPlan(
        assignments=tuple(placed),
        makespan=numbers.makespan,
        total_wait=numbers.total_wait,
        chair_balance=numbers.chair_balance,
        status=PlanStatus.FEASIBLE,
        unplaced=tuple(unplaced),
        solver="fcfs",
        wall_s=round(time.perf_counter() - started, 3),
    )


def fcfs_assign(
    problem: DayProblem,
    *,
    now: int,
    pinned: tuple[Assignment, ...] = (),
    arrivals: dict[str, int] | None = None,
    order: Callable[[Visit], tuple[int | str, ...]] | None = None,
    call_at_start: bool = False,
) -> tuple[list[Assignment], list[Unplaced]]:
    """First come, first served after ``pinned`` (kept as they are, nurses included);
    ``arrivals``: call-ins already made (replanning). The solver also uses it as a list
    scheduler for its starting point: another ``order`` (default: arrival, then id), and
    ``call_at_start``: each patient called for the start found (within the window)."""
    arrivals = arrivals or {}
    turnover = problem.turnover_minutes
    timelines = {p.id: Timeline() for p in problem.places}
    nurses = NurseLoad(problem)
    slots = SlotLoad(problem, pinned)
    placed: list[Assignment] = []
    done = set()
    # the pins: their nurses first, then a nurse for each start they leave open
    for a in pinned:
        timelines[a.place_id].add(a.start, a.end + turnover)
        for minute, nurse in a.nurse_starts:
            if nurse is not None:
                nurses.add(nurse, minute)
    for a in pinned:
        visit = problem.visit(a.visit_id)
        own = list(starts_of(visit, a))
        for k, (minute, nurse) in enumerate(own):
            if nurse is None:
                picked = nurses.choose([minute])
                own[k] = (minute, picked[0] if picked else None)
        placed.append(with_nurses(problem, a, [n for _, n in own]))
        done.add(a.visit_id)
    cover = shift_cover(problem)
    unplaced: list[Unplaced] = []
    queue = sorted(
        (v for v in problem.visits if v.id not in done),
        key=order or (lambda v: (max(v.arrival_earliest, problem.opens), v.id)),
    )
    for visit in queue:
        bounds = visit_bounds(problem, visit, now=now, cover=cover, arrival=arrivals.get(visit.id))
        refusal = static_refusal(problem, visit, bounds)
        if refusal is not None:
            unplaced.append(refusal)
            continue
        arrival = bounds.arrival_lo
        called = visit.id in arrivals or not visit.counts_arrival
        if not called:
            first = slots.call_in(bounds.arrival_lo, bounds.arrival_hi, latest_first=False)
            if first is None:
                unplaced.append(_slots_full(visit, bounds.arrival_lo, bounds.arrival_hi))
                continue
            arrival = first
        places = [p for p in problem.places if compatible(p, visit)]
        length = visit.chair_minutes + turnover
        t = max(bounds.earliest, arrival + visit.results_after)
        result = None
        offsets = visit.nurse_offsets
        fits = [timelines[p.id].earliest_fit(t, length) for p in places]
        while t <= bounds.latest:
            # a place's earliest fit from t stays valid while it is not before t
            for i, p in enumerate(places):
                if fits[i] < t:
                    fits[i] = timelines[p.id].earliest_fit(t, length)
            t = min(fits)
            index = fits.index(t)
            if t > bounds.latest:
                break
            chosen = nurses.choose([t + o for o in offsets])
            if chosen is None:
                t += 1
                continue
            if call_at_start and not called:
                latest = min(bounds.arrival_hi, max(bounds.arrival_lo, t - visit.results_after))
                at = slots.call_in(bounds.arrival_lo, latest, latest_first=True)
                arrival = arrival if at is None else at  # else the first call-in with room
            result = assignment_for(
                problem,
                visit.id,
                place_id=places[index].id,
                start=t,
                arrival=arrival,
                nurses=chosen,
            )
            break
        if result is None:
            unplaced.append(
                Unplaced(
                    visit.id,
                    "day_full",
                    f"Nessun posto compatibile libero con un infermiere disponibile entro le "
                    f"{hhmm(bounds.latest)} (ultimo inizio utile).",
                )
            )
            continue
        timelines[result.place_id].add(result.start, result.end + turnover)
        slots.add(result)
        placed.append(result)
    return placed, unplaced


def _slots_full(visit: Visit, lo: int, hi: int) -> Unplaced:
    return Unplaced(
        visit.id,
        "slot_full",
        f"Ogni slot di convocazione tra le {hhmm(lo)} e le {hhmm(hi)} è al completo "
        "(capacità per slot dell'agenda).",
    )
