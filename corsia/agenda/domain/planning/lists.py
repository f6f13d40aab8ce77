"""List schedules: the solver's starting points (its hint) and its fallback.

A list schedule places the visits one by one in a given order, each as early as a place
and a nurse allow (``fcfs_assign``; the nurses' rule is the solver's). For a new day:
first-come-first-served (the baseline) and list schedules each patient called for the
start found, in arrival order, least slack first and longest stay first per hour of
arrival; the best is the solver's complete hint and its fallback. For a re-plan: one
insertion schedule after what started, the urgent first, then the others in the previous
plan's order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from corsia.agenda.domain.planning.build import figures
from corsia.agenda.domain.planning.fcfs import fcfs_assign
from corsia.agenda.domain.planning.plan import Assignment, DayPlan, PlanStatus, Unplaced
from corsia.agenda.domain.planning.problem import DayProblem, Visit

Order = Callable[[Visit], tuple[int | str, ...]]


def rank(problem: DayProblem, plan: DayPlan) -> tuple[int, int, int]:
    """Lexicographic quality of a plan (smaller is better): the weighted visits left out,
    the makespan, the waiting."""
    return (_left_out(problem, plan.unplaced), plan.makespan, plan.total_wait)


def _left_out(problem: DayProblem, unplaced: Sequence[Unplaced]) -> int:
    return sum(problem.visit(u.visit_id).priority for u in unplaced)


def list_plan(
    problem: DayProblem,
    *,
    bound: int,
    now: int,
    pinned: tuple[Assignment, ...],
    arrivals: Mapping[str, int],
    order: Order | None,
    call_at_start: bool,
    name: str,
) -> DayPlan:
    """One list schedule (``fcfs_assign`` with this order) as a plan named ``name``."""
    placed, unplaced = fcfs_assign(
        problem,
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


def _orders(problem: DayProblem, now: int) -> dict[str, Order]:
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


def starting_points(
    problem: DayProblem,
    *,
    bound: int,
    now: int,
    pinned: tuple[Assignment, ...],
    arrivals: Mapping[str, int],
    previous: DayPlan | None,
) -> tuple[DayPlan, DayPlan]:
    """(fallback, hint): the best of FCFS and the list schedules, both. A re-plan
    (``previous``): one insertion schedule (the time is the solver's)."""
    if previous is not None:
        plan = insertion(
            problem, bound=bound, now=now, pinned=pinned, arrivals=arrivals, previous=previous
        )
        return plan, plan
    candidates = [
        list_plan(
            problem,
            bound=bound,
            now=now,
            pinned=pinned,
            arrivals=arrivals,
            order=order,
            call_at_start=name != "fcfs",
            name=name,
        )
        for name, order in {
            "fcfs": None,
            "list:arrival": None,
            **_orders(problem, now),
        }.items()
    ]
    best = min(candidates, key=lambda c: rank(problem, c))
    return best, best


def insertion(
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
    return list_plan(
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
    )
