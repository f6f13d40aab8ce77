"""Invariants over random days (Hypothesis), nurses with and without breaks: the plan never
contradicts itself (read from the plan directly, and by ``check_plan``), fixed assignments
and what started never move when re-planning, the makespan is never below the lower
bound."""

from __future__ import annotations

import itertools
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from corsia.agenda.domain.planning import (
    DayPlan,
    DayProblem,
    Fixed,
    PlanStatus,
    check_plan,
    fcfs_plan,
    lower_bound,
    plan_day,
    replan,
)
from corsia.testing.planning_days import CLOSES, OPENS, SETTINGS, days


def _keeps_every_rule(problem: DayProblem, plan: DayPlan) -> None:
    """The rules read off the plan on their own (not through ``check_plan``): no two visits
    on one place at once (turnover included), every nurse start by a nurse on shift and off
    a break, within the cap in any 30 minutes, nothing before the patient's results or a
    drug before it is ready, every time inside the opening hours."""
    nurses = {n.id: n for n in problem.nurses}
    by_place: dict[str, list[tuple[int, int]]] = {}
    by_nurse: dict[str, list[int]] = {}
    for a in plan.assignments:
        visit = problem.visit(a.visit_id)
        by_place.setdefault(a.place_id, []).append((a.start, a.end + problem.turnover_minutes))
        assert problem.opens <= a.arrival and a.start >= a.arrival + visit.results_after
        assert visit.arrival_earliest <= a.arrival <= visit.arrival_latest
        for phase, timed in zip(visit.phases, a.phases, strict=True):
            assert phase.ready_at is None or timed.start >= phase.ready_at
        starts = [t.start for t, ph in zip(a.phases, visit.phases, strict=True) if ph.nurse_start]
        who = [t.nurse for t, ph in zip(a.phases, visit.phases, strict=True) if ph.nurse_start]
        if a.detach_at is not None:
            starts.append(a.detach_at)
            who.append(a.detach_nurse)
        for minute, nurse_id in zip(starts, who, strict=True):
            assert nurse_id is not None
            nurse = nurses[nurse_id]
            assert nurse.shift_start <= minute < nurse.shift_end
            assert all(not lo <= minute < hi for lo, hi in nurse.breaks)
            by_nurse.setdefault(nurse_id, []).append(minute)
        last = max(a.end, (a.detach_at or 0) + visit.phases[-1].detach_minutes)
        assert last <= problem.closes
    for stays in by_place.values():
        stays.sort()
        assert all(e1 <= s2 for (_s1, e1), (s2, _e2) in itertools.pairwise(stays))
    for minutes in by_nurse.values():
        minutes.sort()
        cap = problem.starts_per_half_hour
        assert all(minutes[i + cap] >= minutes[i] + 30 for i in range(len(minutes) - cap))


@SETTINGS
@given(days())
def test_the_plan_never_contradicts_itself(problem: DayProblem) -> None:
    plan = plan_day(problem)
    _keeps_every_rule(problem, plan)
    assert check_plan(problem, plan) == ()
    placed = {a.visit_id for a in plan.assignments}
    left = {u.visit_id for u in plan.unplaced}
    # every visit is either placed or left out with a reason, never both, never lost
    assert placed.isdisjoint(left)
    assert placed | left == {v.id for v in problem.visits}
    assert all(u.code and u.message for u in plan.unplaced)
    if not plan.unplaced:
        assert plan.makespan >= lower_bound(problem)
    # the bound of what the plan holds holds for it, whoever it leaves out
    assert plan.makespan >= lower_bound(problem, only=placed)
    # the baseline is valid too, and never leaves out less (weighted) than the plan
    base = fcfs_plan(problem)
    assert check_plan(problem, base) == ()
    weight = {v.id: v.priority for v in problem.visits}
    assert sum(weight[u.visit_id] for u in plan.unplaced) <= sum(
        weight[u.visit_id] for u in base.unplaced
    )
    if not base.unplaced and not plan.unplaced:
        assert plan.makespan <= base.makespan


@SETTINGS
@given(days(), st.integers(OPENS, CLOSES))
def test_replan_never_moves_what_started(problem: DayProblem, now: int) -> None:
    plan = plan_day(problem)
    again = replan(problem, plan, now, time_limit_s=0.5)
    _keeps_every_rule(problem, again)
    assert check_plan(problem, again) == ()
    for a in plan.assignments:
        if a.start < now:
            kept = again.assignment(a.visit_id)
            assert kept is not None
            assert (kept.place_id, kept.start, kept.end, kept.arrival) == (
                a.place_id,
                a.start,
                a.end,
                a.arrival,
            )
            # the starts already made keep their nurse
            for (m, n), (m2, n2) in zip(a.nurse_starts, kept.nurse_starts, strict=True):
                assert m == m2 and (m >= now or n == n2)
    for a in again.assignments:
        if plan.assignment(a.visit_id) is None or plan.assignment(a.visit_id).start >= now:  # type: ignore[union-attr]
            assert a.start >= now


@SETTINGS
@given(days(), st.data())
def test_fixed_assignments_never_move(problem: DayProblem, data: st.DataObject) -> None:
    first = plan_day(problem)
    if not first.assignments or first.status is PlanStatus.INFEASIBLE:
        return
    chosen = data.draw(st.sampled_from(first.assignments))
    fixed = Fixed(chosen.visit_id, chosen.place_id, chosen.start, chosen.arrival)
    pinned = replace(problem, fixed=(fixed,))
    plan = plan_day(pinned)
    _keeps_every_rule(pinned, plan)
    assert check_plan(pinned, plan) == ()
    got = plan.assignment(chosen.visit_id)
    assert got is not None
    assert (got.place_id, got.start, got.arrival) == (chosen.place_id, chosen.start, chosen.arrival)
