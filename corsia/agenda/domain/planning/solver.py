"""``plan_day`` and ``replan``: the day optimised with OR-Tools CP-SAT.

Model (README, "The model"). One therapy start ``S_v`` per visit (its phases, waits,
observation and detachment follow at the protocol's fixed offsets), a call-in ``A_v`` with
``A_v + blood test + results ≤ S_v``, a presence literal (a visit is left out only when the
day cannot hold it). Interchangeable places form a group: each visit holds one place of a
compatible group from ``S_v`` for its chair minutes plus the turnover, and a cumulative of
the group's size keeps the places from ever being double-booked; the places themselves are
given afterwards by interval colouring in start order (exact on identical places), taking
the least busy free place (the chair balance). Nurses alike: each nurse start reserves its
nurse for ``⌈30 / cap⌉`` minutes, which keeps every nurse within ``cap`` starts in any 30
minutes, within a group of nurses with the same shift; the nurses are coloured the same way.
A place or nurse with a fixed assignment later than some free visit could start becomes a
group of its own, so that colouring stays exact.

Objectives, lexicographic in two solves: (1) the fewest visits left out (weighted by
priority), then the smallest makespan; (2) with (1) held, the least total patient waiting
(minutes between the blood-test results and the therapy start, weighted by priority), then
the earliest starts.
List schedules kept to the solver's nurse model are its hint (a re-plan: an insertion
schedule after what started, the urgent first); first-come-first-served and those schedules are its fallback: the plan returned is
the best of all, and is always passed through ``check_plan``.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model
from ortools.util.python import sorted_interval_list

from corsia.agenda.domain.planning.build import (
    Bounds,
    assignment_for,
    figures,
    pinned_assignment,
    place_groups,
    place_on_identical,
    shift_cover,
    starts_of,
    static_refusal,
    visit_bounds,
    with_nurses,
)
from corsia.agenda.domain.planning.check import check_plan
from corsia.agenda.domain.planning.fcfs import fcfs_assign
from corsia.agenda.domain.planning.lower import lower_bound
from corsia.agenda.domain.planning.plan import Assignment, DayPlan, PlanStatus, Unplaced
from corsia.agenda.domain.planning.problem import (
    DAY_MINUTES,
    DayProblem,
    DayProblemInvalid,
    Nurse,
    PlaceKind,
    Visit,
)

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


@dataclass
class _Group:
    members: tuple[str, ...]
    hosts: frozenset[PlaceKind] = frozenset()
    shift: tuple[int, int] = (0, DAY_MINUTES)
    intervals: list[cp_model.IntervalVar] = field(default_factory=list)
    demands: int = 0


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
        hint=None,
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
        problem, now=now_minute, pins=pins, arrivals=arrivals, hint=previous, time_limit_s=limit
    )


def _rank(
    problem: DayProblem, plan_unplaced: Sequence[Unplaced], makespan: int, wait: int
) -> tuple[int, int, int]:
    left_out = sum(problem.visit(u.visit_id).priority for u in plan_unplaced)
    return (left_out, makespan, wait)


def _solve(
    problem: DayProblem,
    *,
    now: int,
    pins: Mapping[str, _Pin],
    arrivals: Mapping[str, int],
    hint: DayPlan | None,
    time_limit_s: float,
) -> DayPlan:
    started = time.perf_counter()
    bound = lower_bound(problem)
    pinned = tuple(pinned_assignment(problem, p) for p in pins.values())
    conflicts = [
        c
        for c in check_plan(problem, DayPlan(pinned, 0, 0, 0, PlanStatus.FEASIBLE))
        if c.code not in ("nurse_missing", "fixed_moved")
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
    # the baseline (fallback) and list schedules (hints), with the same pins and call-ins;
    # the list schedules keep the nurses to the solver's model so that they can be its hint
    # (a re-plan starts from the previous plan instead)
    if hint is None:
        candidates = [
            _list_plan(
                problem,
                bound=bound,
                now=now,
                pinned=pinned,
                arrivals=arrivals,
                order=order,
                call_at_start=name != "fcfs",
                name=name,
                spacing=name != "fcfs",
            )
            for name, order in {
                "fcfs": None,
                "list:arrival": None,
                **_orders(problem, now),
            }.items()
        ]
        baseline = min(
            candidates, key=lambda c: _rank(problem, c.unplaced, c.makespan, c.total_wait)
        )
        # the hint must fit the solver's (stricter) nurse model: the best spaced schedule
        hint = min(
            candidates[1:], key=lambda c: _rank(problem, c.unplaced, c.makespan, c.total_wait)
        )
    else:
        # a re-plan: one list schedule only (the time is the solver's), after what started:
        # the urgent first, then the others in the previous plan's order; a complete hint,
        # and the fallback
        baseline = hint = _insertion(
            problem, bound=bound, now=now, pinned=pinned, arrivals=arrivals, previous=hint
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
    solved = _cp_sat(
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
        if not check_plan(problem, candidate) and _rank(
            problem, candidate.unplaced, candidate.makespan, candidate.total_wait
        ) <= _rank(problem, baseline.unplaced, baseline.makespan, baseline.total_wait):
            chosen = candidate
    if chosen.solver != "cp-sat" and check_plan(problem, chosen):
        # a list schedule under the solver's spacing may fail a started visit's fixed start:
        # first come first served under the rule itself, else no valid plan exists
        plain = _list_plan(
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


def _insertion(
    problem: DayProblem,
    *,
    bound: int,
    now: int,
    pinned: tuple[Assignment, ...],
    arrivals: Mapping[str, int],
    previous: DayPlan,
) -> DayPlan:
    """After what started: the urgent first, then the others in the previous plan's order
    (each as early as it fits), the new and the left-out last by arrival."""
    order_before = {a.visit_id: a.start for a in previous.assignments}
    return _list_plan(
        problem,
        bound=bound,
        now=now,
        pinned=pinned,
        arrivals=arrivals,
        order=lambda v: (
            -v.priority,
            order_before.get(v.id, problem.closes + max(v.arrival_earliest, now)),
            v.id,
        ),
        call_at_start=True,
        name="insertion",
        spacing=True,
    )


def _orders(problem: DayProblem, now: int) -> dict[str, Callable[[Visit], tuple[int | str, ...]]]:
    """Orders for the list schedules the solver starts from: the least slack first (the
    latest start a visit allows), and the longest stay first within the arrival order."""
    return {
        "list:slack": lambda v: (
            -v.priority,
            problem.closes - v.span_minutes,
            -v.chair_minutes,
            v.id,
        ),
        "list:longest": lambda v: (
            -v.priority,
            max(v.arrival_earliest, problem.opens, now) // 60,
            -v.chair_minutes,
            v.id,
        ),
    }


def _list_plan(
    problem: DayProblem,
    *,
    bound: int,
    now: int,
    pinned: tuple[Assignment, ...],
    arrivals: Mapping[str, int],
    order: Callable[[Visit], tuple[int | str, ...]] | None,
    call_at_start: bool,
    name: str,
    spacing: bool = False,
) -> DayPlan:
    placed, unplaced = fcfs_assign(
        problem,
        spacing=spacing,
        now=now,
        pinned=pinned,
        arrivals=dict(arrivals),
        order=order,
        call_at_start=call_at_start,
    )
    numbers = figures(problem, placed)
    return DayPlan(
        tuple(placed),
        numbers.makespan,
        numbers.total_wait,
        numbers.chair_balance,
        PlanStatus.FEASIBLE,
        tuple(unplaced),
        bound,
        name,
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


def _group_of(groups: Sequence[_Group], member: str) -> int:
    for i, g in enumerate(groups):
        if member in g.members:
            return i
    raise KeyError(member)


def _cp_sat(
    problem: DayProblem,
    *,
    pinned: tuple[Assignment, ...],
    free: Mapping[str, Bounds],
    time_limit_s: float,
    hint: DayPlan,
) -> tuple[list[Assignment], bool] | None:
    model = cp_model.CpModel()
    turnover = problem.turnover_minutes
    window = problem.nurse_window
    opens, closes = problem.opens, problem.closes
    min_free_start = min((b.earliest for b in free.values()), default=DAY_MINUTES)
    # pinned nurse starts and open (None) starts at fixed times
    min_free_event = min(
        [b.earliest + min(problem.visit(v).nurse_offsets, default=0) for v, b in free.items()]
        + [m for a in pinned for m, n in starts_of(problem.visit(a.visit_id), a) if n is None],
        default=DAY_MINUTES,
    )
    late_places = {a.place_id for a in pinned if a.start > min_free_start}
    late_nurses = {
        n
        for a in pinned
        for m, n in starts_of(problem.visit(a.visit_id), a)
        if n is not None and m > min_free_event
    }
    place_groups_: list[_Group] = []
    for group in place_groups(problem):
        rest = tuple(p.id for p in group if p.id not in late_places)
        if rest:
            place_groups_.append(_Group(rest, hosts=group[0].hosts))
        for p in group:
            if p.id in late_places:
                place_groups_.append(_Group((p.id,), hosts=p.hosts))
    shifts: dict[tuple[int, int], list[Nurse]] = defaultdict(list)
    nurse_groups: list[_Group] = []
    for nurse in problem.nurses:
        if nurse.id in late_nurses:
            nurse_groups.append(_Group((nurse.id,), shift=(nurse.shift_start, nurse.shift_end)))
        else:
            shifts[(nurse.shift_start, nurse.shift_end)].append(nurse)
    for shift, members in shifts.items():
        nurse_groups.append(_Group(tuple(n.id for n in members), shift=shift))

    horizon = closes - opens
    big = horizon + 1
    makespan = model.new_int_var(0, horizon, "makespan")
    left_out_terms: list[cp_model.LinearExprT] = []
    wait_terms: list[cp_model.LinearExprT] = []
    early_terms: list[cp_model.LinearExprT] = []
    starts: dict[str, cp_model.IntVar] = {}
    arrivals: dict[str, cp_model.IntVar] = {}
    present: dict[str, cp_model.IntVar] = {}
    place_choice: dict[str, list[tuple[int, cp_model.IntVar]]] = {}
    event_choice: dict[tuple[str, int], list[tuple[int, cp_model.IntVar]]] = {}

    # pinned: fixed intervals in their place's and nurses' groups
    for a in pinned:
        visit = problem.visit(a.visit_id)
        g = place_groups_[_group_of(place_groups_, a.place_id)]
        g.intervals.append(
            model.new_fixed_size_interval_var(
                a.start, a.end - a.start + turnover, f"pin_{a.visit_id}"
            )
        )
        model.add(makespan >= a.start + visit.span_minutes - opens)
        needed = starts_of(problem.visit(a.visit_id), a)
        by_nurse: dict[str, list[int]] = defaultdict(list)
        for m, n in needed:
            if n is not None:
                by_nurse[n].append(m)
        for n, minutes in by_nurse.items():
            minutes.sort()
            ng = nurse_groups[_group_of(nurse_groups, n)]
            for i, m in enumerate(minutes):
                length = window if i + 1 == len(minutes) else min(window, minutes[i + 1] - m)
                if length > 0:
                    ng.intervals.append(
                        model.new_fixed_size_interval_var(m, length, f"pinn_{a.visit_id}_{m}")
                    )
        for k, (m, n) in enumerate(needed):
            if n is None:
                options = []
                for gi, ng in enumerate(nurse_groups):
                    if ng.shift[0] <= m < ng.shift[1]:
                        lit = model.new_bool_var(f"y_{a.visit_id}_{k}_{gi}")
                        ng.intervals.append(
                            model.new_optional_fixed_size_interval_var(
                                m, window, lit, f"pe_{a.visit_id}_{k}_{gi}"
                            )
                        )
                        options.append((gi, lit))
                if not options:
                    return None
                model.add_exactly_one(lit for _, lit in options)
                event_choice[(a.visit_id, k)] = options

    for visit_id, b in free.items():
        visit = problem.visit(visit_id)
        domain = sorted_interval_list.Domain.from_intervals([list(r) for r in b.starts])
        s = model.new_int_var_from_domain(domain, f"s_{visit_id}")
        lit_p = model.new_bool_var(f"p_{visit_id}")
        arrival = model.new_int_var(b.arrival_lo, b.arrival_hi, f"a_{visit_id}")
        starts[visit_id], present[visit_id], arrivals[visit_id] = s, lit_p, arrival
        model.add(arrival + visit.results_after <= s).only_enforce_if(lit_p)
        wait = model.new_int_var(0, DAY_MINUTES, f"w_{visit_id}")
        model.add(wait == s - visit.results_after - arrival).only_enforce_if(lit_p)
        model.add(wait == 0).only_enforce_if(~lit_p)
        wait_terms.append(visit.priority * wait)  # an urgent patient waits less
        early = model.new_int_var(0, DAY_MINUTES, f"e_{visit_id}")
        model.add(early == s - b.earliest).only_enforce_if(lit_p)
        model.add(early == 0).only_enforce_if(~lit_p)
        early_terms.append(early)
        left_out_terms.append(visit.priority * (1 - lit_p))
        model.add(makespan >= s + visit.span_minutes - opens).only_enforce_if(lit_p)
        options = []
        compatible_groups = [gi for gi, g in enumerate(place_groups_) if visit.needs in g.hosts]
        for gi in compatible_groups:
            lit = lit_p if len(compatible_groups) == 1 else model.new_bool_var(f"x_{visit_id}_{gi}")
            place_groups_[gi].intervals.append(
                model.new_optional_fixed_size_interval_var(
                    s, visit.chair_minutes + turnover, lit, f"c_{visit_id}_{gi}"
                )
            )
            options.append((gi, lit))
        if len(options) > 1:
            model.add(sum(lit for _, lit in options) == lit_p)
        place_choice[visit_id] = options
        for k, offset in enumerate(visit.nurse_offsets):
            lo, hi = b.starts[0][0] + offset, b.starts[-1][1] + offset
            usable = [
                gi for gi, g in enumerate(nurse_groups) if g.shift[0] <= hi and lo < g.shift[1]
            ]
            options = []
            for gi in usable:
                g = nurse_groups[gi]
                lit = lit_p if len(usable) == 1 else model.new_bool_var(f"y_{visit_id}_{k}_{gi}")
                if not (g.shift[0] <= lo and hi < g.shift[1]):
                    model.add(s + offset >= g.shift[0]).only_enforce_if(lit)
                    model.add(s + offset <= g.shift[1] - 1).only_enforce_if(lit)
                g.intervals.append(
                    model.new_optional_fixed_size_interval_var(
                        s + offset, window, lit, f"n_{visit_id}_{k}_{gi}"
                    )
                )
                options.append((gi, lit))
            if len(options) > 1:
                model.add(sum(lit for _, lit in options) == lit_p)
            event_choice[(visit_id, k)] = options

    for g in [*place_groups_, *nurse_groups]:
        if not g.intervals:
            continue
        if len(g.members) == 1:
            model.add_no_overlap(g.intervals)
        else:
            model.add_cumulative(g.intervals, [1] * len(g.intervals), len(g.members))

    # the hint: the baseline's (or the previous plan's) starts and call-ins
    hinted = {a.visit_id: a for a in hint.assignments}
    for visit_id, s in starts.items():
        previous = hinted.get(visit_id)
        if previous is None:
            model.add_hint(present[visit_id], 0)
            continue
        model.add_hint(present[visit_id], 1)
        model.add_hint(s, previous.start)
        for gi, lit in place_choice[visit_id]:
            if lit is not present[visit_id]:
                model.add_hint(lit, int(previous.place_id in place_groups_[gi].members))
        for k, (_m, who) in enumerate(starts_of(problem.visit(visit_id), previous)):
            for gi, lit in event_choice.get((visit_id, k), []):
                if lit is not present[visit_id]:
                    model.add_hint(lit, int(who in nurse_groups[gi].members))
        b = free[visit_id]
        model.add_hint(arrivals[visit_id], min(b.arrival_hi, max(b.arrival_lo, previous.arrival)))

    first = cp_model.LinearExpr.sum(left_out_terms) * big + makespan
    model.minimize(first)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = problem.workers
    solver.parameters.random_seed = 0
    deadline = time.perf_counter() + time_limit_s
    solver.parameters.max_time_in_seconds = max(0.02, time_limit_s * 0.6)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    optimal = status == cp_model.OPTIMAL
    read = functools.partial(
        _values,
        solver,
        starts=starts,
        arrivals=arrivals,
        present=present,
        place_choice=place_choice,
        event_choice=event_choice,
    )
    values = read()
    best_first = round(solver.objective_value)
    remaining = deadline - time.perf_counter()
    if remaining > 0.02:
        model.add(first <= best_first)
        model.clear_hints()  # type: ignore[no-untyped-call]  # ortools leaves it unannotated
        for visit_id, s in starts.items():
            model.add_hint(s, values.starts[visit_id])
            model.add_hint(arrivals[visit_id], values.arrivals[visit_id])
            model.add_hint(present[visit_id], values.present[visit_id])
        scale = len(early_terms) * DAY_MINUTES + 1
        model.minimize(
            cp_model.LinearExpr.sum(wait_terms) * scale + cp_model.LinearExpr.sum(early_terms)
        )
        solver.parameters.max_time_in_seconds = remaining
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = read()
            optimal = optimal and status == cp_model.OPTIMAL
        else:
            optimal = False
    placed = _decode(
        problem,
        pinned=pinned,
        free=free,
        values=values,
        place_groups_=place_groups_,
        nurse_groups=nurse_groups,
    )
    if placed is None:
        return None
    return placed, optimal


@dataclass
class _Values:
    starts: dict[str, int]
    arrivals: dict[str, int]
    present: dict[str, int]
    place_group: dict[str, int]
    event_group: dict[tuple[str, int], int]


def _values(
    solver: cp_model.CpSolver,
    *,
    starts: Mapping[str, cp_model.IntVar],
    arrivals: Mapping[str, cp_model.IntVar],
    present: Mapping[str, cp_model.IntVar],
    place_choice: Mapping[str, list[tuple[int, cp_model.IntVar]]],
    event_choice: Mapping[tuple[str, int], list[tuple[int, cp_model.IntVar]]],
) -> _Values:
    def chosen(options: list[tuple[int, cp_model.IntVar]]) -> int:
        for gi, lit in options:
            if solver.boolean_value(lit):
                return gi
        return -1

    return _Values(
        {v: solver.value(s) for v, s in starts.items()},
        {v: solver.value(a) for v, a in arrivals.items()},
        {v: int(solver.boolean_value(p)) for v, p in present.items()},
        {v: chosen(o) for v, o in place_choice.items()},
        {k: chosen(o) for k, o in event_choice.items()},
    )


def _decode(
    problem: DayProblem,
    *,
    pinned: tuple[Assignment, ...],
    free: Mapping[str, Bounds],
    values: _Values,
    place_groups_: Sequence[_Group],
    nurse_groups: Sequence[_Group],
) -> list[Assignment] | None:
    turnover = problem.turnover_minutes
    window = problem.nurse_window
    placed_ids = [v for v in free if values.present[v]]
    # places, group by group
    place_of: dict[str, str] = {}
    for gi, g in enumerate(place_groups_):
        items = [(a.visit_id, a.start, a.end + turnover) for a in pinned if a.place_id in g.members]
        pins = {a.visit_id: a.place_id for a in pinned if a.place_id in g.members}
        for v in placed_ids:
            if values.place_group[v] == gi:
                s = values.starts[v]
                items.append((v, s, s + problem.visit(v).chair_minutes + turnover))
        got = place_on_identical(items, g.members, pins, {}, {})
        if got is None:
            return None
        place_of.update(got)
    # nurses, group by group
    nurse_of: dict[tuple[str, int], str] = {}
    for gi, g in enumerate(nurse_groups):
        events: list[tuple[str, int, int]] = []
        fixed_nurse: dict[str, str] = {}
        keys: dict[str, tuple[str, int]] = {}
        for a in pinned:
            for k, (m, n) in enumerate(starts_of(problem.visit(a.visit_id), a)):
                key = f"{a.visit_id}#{k}"
                if n is not None and n in g.members:
                    events.append((key, m, m + window))
                    fixed_nurse[key] = n
                elif n is None and values.event_group.get((a.visit_id, k)) == gi:
                    events.append((key, m, m + window))
                keys[key] = (a.visit_id, k)
        for v in placed_ids:
            for k, offset in enumerate(problem.visit(v).nurse_offsets):
                if values.event_group[(v, k)] == gi:
                    key = f"{v}#{k}"
                    m = values.starts[v] + offset
                    events.append((key, m, m + window))
                    keys[key] = (v, k)
        # pinned starts of one nurse may be closer than the window (set by hand): they keep
        # their nurse whatever the colouring's spacing says
        got = place_on_identical(events, g.members, fixed_nurse, {}, {})
        if got is None:
            return None
        for key, nurse in got.items():
            nurse_of[keys[key]] = nurse
    out: list[Assignment] = []
    for a in pinned:
        nurses = [
            n if n is not None else nurse_of.get((a.visit_id, k))
            for k, (_m, n) in enumerate(starts_of(problem.visit(a.visit_id), a))
        ]
        out.append(with_nurses(problem, a, nurses))
    for v in placed_ids:
        nurses = [nurse_of[(v, k)] for k in range(len(problem.visit(v).nurse_offsets))]
        out.append(
            assignment_for(
                problem,
                v,
                place_id=place_of[v],
                start=values.starts[v],
                arrival=values.arrivals[v],
                nurses=nurses,
            )
        )
    return out
