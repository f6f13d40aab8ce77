"""On days small enough to enumerate, ``plan_day`` finds the true best makespan.

One place, nurses never the limit: the best makespan is the best order of the visits, each
starting as soon as the place (plus its turnover) and the visit allow — a single machine
with release dates, where for a given order the earliest starts are optimal. Every order is
tried here by brute force, independently of the solver."""

from __future__ import annotations

import itertools
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from corsia.agenda.domain.planning import (
    DayProblem,
    Nurse,
    Phase,
    PlanStatus,
    Visit,
    check_plan,
    lower_bound,
    plan_day,
)
from corsia.testing.planning import chairs


def _best_makespan(problem: DayProblem) -> int | None:
    """Brute force: every order, earliest starts; None if no order fits the day."""
    best = None
    for order in itertools.permutations(problem.visits):
        free = problem.opens
        end = problem.opens
        ok = True
        for v in order:
            ready = max(
                problem.opens + v.results_after,
                v.arrival_earliest + v.results_after,
                max((p.ready_at for p in v.phases if p.ready_at is not None), default=0),
            )
            start = max(free, ready)
            if start + v.chair_minutes > problem.closes:
                ok = False
                break
            free = start + v.chair_minutes + problem.turnover_minutes
            end = max(end, start + v.chair_minutes)
        if ok and (best is None or end - problem.opens < best):
            best = end - problem.opens
    return best


@st.composite
def small_days(draw: st.DrawFn) -> DayProblem:
    visits = []
    for i in range(draw(st.integers(1, 4))):
        earliest = draw(st.integers(480, 660))
        blood = draw(st.booleans())
        visits.append(
            Visit(
                f"V{i}",
                f"PZ{i}",
                earliest,
                earliest + 480,  # a wide window: the call-in never forces a start
                (
                    Phase(
                        "x",
                        draw(st.integers(10, 150)),
                        ready_at=draw(st.one_of(st.none(), st.integers(480, 720))),
                    ),
                ),
                blood_test_minutes=10 if blood else 0,
                blood_test_gap=draw(st.sampled_from([20, 50])) if blood else 0,
            )
        )
    return DayProblem(
        opens=480,
        closes=1080,
        places=chairs(1),
        nurses=(Nurse("N1", 0, 1440),),
        visits=tuple(visits),
        starts_per_half_hour=30,  # one start a minute: never the limit here
        turnover_minutes=draw(st.sampled_from([0, 10])),
        time_limit_s=5.0,
        workers=1,
    )


@settings(max_examples=int(os.environ.get("CORSIA_PLANNING_EXAMPLES", "30")), deadline=None)
@given(small_days())
def test_plan_day_matches_the_brute_force_optimum(problem: DayProblem) -> None:
    best = _best_makespan(problem)
    plan = plan_day(problem)
    assert check_plan(problem, plan) == ()
    if best is None:
        assert plan.unplaced  # the day cannot hold every visit
        return
    assert not plan.unplaced
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.makespan == best
    assert lower_bound(problem) <= best
