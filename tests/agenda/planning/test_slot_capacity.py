"""The agenda's capacity per slot in the planner's model: never more call-ins in one slot
than it allows (a hand-worked day, the baseline, the checker, and random days)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from corsia.agenda.domain.planning import (
    Assignment,
    DayPlan,
    DayProblem,
    Fixed,
    PlanStatus,
    assignment_for,
    check_plan,
    fcfs_plan,
    plan_day,
)
from corsia.testing.planning import chairs, day, visit
from corsia.testing.planning_days import SETTINGS, days


def _three(cap: int) -> DayProblem:
    """Three chairs, one nurse (3 starts per 30'), three 60' therapies without a blood test,
    each callable from 08:00 (480) to 10:00; 15' slots, ``cap`` call-ins per slot (0: any)."""
    visits = tuple(visit(v, 60, earliest=480, latest=600) for v in "ABC")
    return day(visits, places=chairs(3), slot_minutes=15, arrivals_per_slot=cap)


def test_a_hand_worked_day_spreads_the_call_ins_over_the_slots() -> None:
    """Unlimited: all three called at 08:00 and on a chair at 08:00, the day ends at 09:00
    (makespan 60'). One call-in per slot: the earliest three slots are 08:00, 08:15, 08:30;
    each patient starts when called (nobody waits), the last at 08:30 → ends 09:30: 90'.
    Two per slot: 08:00, 08:00, 08:15 → the last ends 09:15: 75'."""
    free = plan_day(_three(0))
    assert free.makespan == 60 and {a.arrival for a in free.assignments} == {480}
    for cap, makespan, arrivals in ((1, 90, [480, 495, 510]), (2, 75, [480, 480, 495])):
        plan = plan_day(_three(cap))
        assert not plan.unplaced and not check_plan(_three(cap), plan)
        assert plan.makespan == makespan, cap
        assert sorted(a.arrival for a in plan.assignments) == arrivals, cap
        assert plan.total_wait == 0


def test_the_baseline_keeps_the_capacity_too() -> None:
    """First come, first served with one call-in per slot: 08:00, 08:15, 08:30, each on a
    chair when called."""
    problem = _three(1)
    plan = fcfs_plan(problem)
    assert not check_plan(problem, plan)
    assert sorted((a.arrival, a.start) for a in plan.assignments) == [
        (480, 480),
        (495, 495),
        (510, 510),
    ]


def test_a_slot_over_capacity_is_a_conflict_unless_all_of_it_is_fixed() -> None:
    problem = _three(1)
    two = DayPlan(
        (
            assignment_for(problem, "A", place_id="P1", start=480, arrival=480, nurses=["N1"]),
            assignment_for(problem, "B", place_id="P2", start=490, arrival=490, nurses=["N1"]),
        ),
        0,
        0,
        0,
        PlanStatus.FEASIBLE,
    )
    conflicts = check_plan(problem, two)
    assert [c.code for c in conflicts] == ["slot_full"]
    assert "08:00" in conflicts[0].message and "al massimo 1" in conflicts[0].message
    fixed = replace(
        problem,
        fixed=(Fixed("A", "P1", 480, arrival=480), Fixed("B", "P2", 490, arrival=490)),
    )
    assert not [c for c in check_plan(fixed, two) if c.code == "slot_full"]
    # the planner adds nobody to the full slot, and places C after it
    plan = plan_day(fixed)
    c = next(a for a in plan.assignments if a.visit_id == "C")
    assert c.arrival >= 495 and not check_plan(fixed, plan)


def test_no_room_in_any_slot_of_the_window_leaves_the_patient_out_with_the_reason() -> None:
    """B can only be called 08:00–08:10, one slot, already A's: left out, never squeezed in."""
    problem = day(
        (visit("A", 60, earliest=480, latest=480), visit("B", 60, earliest=480, latest=490)),
        places=chairs(2),
        slot_minutes=15,
        arrivals_per_slot=1,
    )
    plan = plan_day(problem)
    assert [a.visit_id for a in plan.assignments] in (["A"], ["B"])
    assert len(plan.unplaced) == 1 and not check_plan(problem, plan)
    assert fcfs_plan(problem).unplaced[0].code == "slot_full"


@SETTINGS
@given(problem=days(), cap=st.integers(1, 3), width=st.sampled_from([10, 15, 30]))
def test_the_plan_never_exceeds_the_capacity_per_slot(
    problem: DayProblem, cap: int, width: int
) -> None:
    problem = replace(problem, slot_minutes=width, arrivals_per_slot=cap)
    for plan in (plan_day(problem), fcfs_plan(problem)):
        assert not check_plan(problem, plan), plan.solver
        per_slot = Counter(a.arrival // width for a in plan.assignments)
        assert max(per_slot.values(), default=0) <= cap, (plan.solver, per_slot)
        assert isinstance(plan.assignments, tuple) and all(
            isinstance(a, Assignment) for a in plan.assignments
        )
