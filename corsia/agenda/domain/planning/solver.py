"""``plan_day`` and ``replan``: the day optimised with OR-Tools CP-SAT.

The steps of one call, all within the problem's time limit: what is fixed (or started) is
checked first; list schedules give the fallback and the hint (``lists``); the visits that
can never be placed today are left out with their reason; the model (``cpmodel``) is
solved in two lexicographic stages (``stages``) and decoded into places and nurses
(``decode``). The plan returned is the best of the solver's and the fallback, and is always
passed through ``check_plan``.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from corsia.agenda.domain.planning.build import (
    Bounds,
    figures,
    pinned_assignment,
    shift_cover,
    starts_of,
    static_refusal,
    visit_bounds,
)
from corsia.agenda.domain.planning.check import check_plan
from corsia.agenda.domain.planning.lists import list_plan, rank, starting_points
from corsia.agenda.domain.planning.lower import lower_bound
from corsia.agenda.domain.planning.plan import DayPlan, PlanStatus, Unplaced
from corsia.agenda.domain.planning.problem import (
    DAY_MINUTES,
    DayProblem,
    DayProblemInvalid,
)
from corsia.agenda.domain.planning.stages import solve_stages

DAY_FULL = (
    "La giornata è piena: posti e infermieri non bastano per questo accesso senza escluderne "
    "altri di priorità pari o maggiore."
)


@dataclass(frozen=True)
class _Pin:
    visit_id: str
    place_id: str
    start: int
    arrival: int | None
    nurses: tuple[str | None, ...]  # None: the planner chooses


def plan_day(problem: DayProblem) -> DayPlan:
    """The day's plan: every visit placed if the day can hold it (else left out with the
    reason), no overlap, within every rule ``check_plan`` knows, optimised (module docstring)."""
    pins = {
        f.visit_id: _Pin(
            f.visit_id,
            f.place_id,
            f.start,
            f.arrival,
            tuple(f.nurses) or (None,) * len(problem.visit(f.visit_id).nurse_offsets),
        )
        for f in problem.fixed
    }
    return _solve(
        problem,
        now=problem.opens,
        pins=pins,
        arrivals={},
        previous=None,
        time_limit_s=problem.time_limit_s,
    )


def replan(
    problem: DayProblem,
    previous: DayPlan,
    now_minute: int,
    *,
    started: Collection[str] | None = None,
    time_limit_s: float | None = None,
) -> DayPlan:
    """Re-optimise at ``now_minute`` after the day changed (``problem`` is the day as it is
    now: a late patient's new arrival window, a cancelled visit removed, an urgent visit
    added). ``started``: the visits whose therapy has begun (the bedside record knows);
    None: those ``previous`` started before ``now_minute`` whose call-in is still inside
    the patient's window (a late patient's new window says they did not start). What
    started keeps its place, times and the nurses of the starts already made; the call-in
    already given to a patient stays when it is still inside the patient's window; nothing
    new is placed before ``now_minute``."""
    if (
        isinstance(now_minute, bool)
        or not isinstance(now_minute, int)
        or not (0 <= now_minute <= DAY_MINUTES)
    ):
        raise DayProblemInvalid(
            f"Ora di ripianificazione non valida: {now_minute!r}.", code="bad_now", field="now"
        )
    known = {v.id for v in problem.visits}
    pins: dict[str, _Pin] = {}
    arrivals: dict[str, int] = {}
    for a in previous.assignments:
        if a.visit_id not in known:
            continue  # cancelled: its place is free from now on
        visit = problem.visit(a.visit_id)
        in_window = visit.arrival_earliest <= a.arrival <= visit.arrival_latest
        has_started = (
            a.visit_id in started if started is not None else a.start < now_minute and in_window
        )
        if has_started:
            nurses = tuple(n if m < now_minute else None for m, n in starts_of(visit, a))
            if len(nurses) != len(visit.nurse_offsets):
                nurses = (None,) * len(visit.nurse_offsets)
            pins[a.visit_id] = _Pin(a.visit_id, a.place_id, a.start, a.arrival, nurses)
        elif in_window:
            arrivals[a.visit_id] = a.arrival
    for f in problem.fixed:
        pins[f.visit_id] = _Pin(
            f.visit_id,
            f.place_id,
            f.start,
            f.arrival,
            tuple(f.nurses) or (None,) * len(problem.visit(f.visit_id).nurse_offsets),
        )
    limit = problem.time_limit_s if time_limit_s is None else time_limit_s
    return _solve(
        problem, now=now_minute, pins=pins, arrivals=arrivals, previous=previous, time_limit_s=limit
    )


def _solve(
    problem: DayProblem,
    *,
    now: int,
    pins: Mapping[str, _Pin],
    arrivals: Mapping[str, int],
    previous: DayPlan | None,
    time_limit_s: float,
) -> DayPlan:
    started = time.perf_counter()
    bound = lower_bound(problem)
    pinned = tuple(pinned_assignment(problem, p) for p in pins.values())
    conflicts = [
        c
        for c in check_plan(problem, DayPlan(pinned, 0, 0, 0, PlanStatus.FEASIBLE))
        if c.code not in ("nurse_missing", "fixed_moved", "slot_full")
    ]
    if conflicts:
        reason = " ".join(dict.fromkeys(c.message for c in conflicts))
        return DayPlan(
            assignments=(),
            makespan=0,
            total_wait=0,
            chair_balance=0,
            status=PlanStatus.INFEASIBLE,
            unplaced=tuple(
                Unplaced(
                    v.id, "fixed_conflict", f"Le assegnazioni fissate sono in conflitto: {reason}"
                )
                for v in problem.visits
            ),
            lower_bound=bound,
            solver="none",
            wall_s=round(time.perf_counter() - started, 3),
        )
    # the fallback and the hint: list schedules with the same pins and call-ins (a
    # re-plan: an insertion schedule after what started)
    baseline, hint = starting_points(
        problem, bound=bound, now=now, pinned=pinned, arrivals=arrivals, previous=previous
    )
    cover = shift_cover(problem)
    free_bounds: dict[str, Bounds] = {}
    refused: list[Unplaced] = []
    for visit in problem.visits:
        if visit.id in pins:
            continue
        b = visit_bounds(
            problem, visit, now=now, cover=cover, arrival=_arrival(problem, visit.id, now, arrivals)
        )
        refusal = static_refusal(problem, visit, b)
        if refusal is None:
            free_bounds[visit.id] = b
        else:
            refused.append(refusal)
    solved = solve_stages(
        problem,
        pinned=pinned,
        free=free_bounds,
        # the limit is the whole call's: what the list schedules took, and a reserve for
        # decoding and checking the solution afterwards, come out of the solver's share
        time_limit_s=max(
            0.05,
            time_limit_s - (time.perf_counter() - started) - max(0.05, 0.1 * time_limit_s),
        ),
        hint=hint,
    )
    chosen = baseline
    if solved is not None:
        placed, optimal = solved
        left_out = [
            Unplaced(v, "day_full", DAY_FULL)
            for v in free_bounds
            if v not in {a.visit_id for a in placed}
        ]
        numbers = figures(problem, placed)
        candidate = DayPlan(
            tuple(sorted(placed, key=lambda a: (a.start, a.place_id))),
            numbers.makespan,
            numbers.total_wait,
            numbers.chair_balance,
            PlanStatus.OPTIMAL if optimal else PlanStatus.FEASIBLE,
            tuple(refused + left_out),
            bound,
            "cp-sat",
        )
        if not check_plan(problem, candidate) and rank(problem, candidate) <= rank(
            problem, baseline
        ):
            chosen = candidate
    if chosen.solver != "cp-sat" and check_plan(problem, chosen):
        # a list schedule that fails what started: first come first served, else no valid
        # plan exists
        plain = list_plan(
            problem,
            bound=bound,
            now=now,
            pinned=pinned,
            arrivals=arrivals,
            order=None,
            call_at_start=False,
            name="fcfs",
        )
        conflicts = list(check_plan(problem, plain))
        if not conflicts:
            chosen = plain
        else:
            reason = " ".join(dict.fromkeys(c.message for c in conflicts))
            chosen = DayPlan(
                (),
                0,
                0,
                0,
                PlanStatus.INFEASIBLE,
                tuple(
                    Unplaced(v.id, "fixed_conflict", f"Nessun piano valido: {reason}")
                    for v in problem.visits
                ),
                bound,
                "none",
            )
    wall = round(time.perf_counter() - started, 3)
    return DayPlan(
        chosen.assignments,
        chosen.makespan,
        chosen.total_wait,
        chosen.chair_balance,
        chosen.status,
        chosen.unplaced,
        bound,
        chosen.solver,
        wall,
    )


def _arrival(
    problem: DayProblem, visit_id: str, now: int, arrivals: Mapping[str, int]
) -> int | None:
    if visit_id in arrivals:
        return arrivals[visit_id]
    visit = problem.visit(visit_id)
    if visit.arrival_latest < now:
        # the window is past: the patient is here (a late patient's window is their arrival)
        return max(visit.arrival_earliest, problem.opens)
    return None
