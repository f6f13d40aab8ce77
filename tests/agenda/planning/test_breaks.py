"""A nurse's breaks within the shift (``Nurse.breaks``): no start in a break, in the plan,
the baseline, the checker and the lower bound; bad breaks refused. Hand-computed days
(minutes from midnight: 480 = 08:00, 780 = 13:00)."""

from __future__ import annotations

import pytest

from corsia.agenda.domain.planning import (
    DayPlan,
    DayProblemInvalid,
    Nurse,
    PlanStatus,
    assignment_for,
    check_plan,
    fcfs_plan,
    lower_bound,
    plan_day,
)
from corsia.testing.planning import chairs, day, visit

LUNCH = ((780, 840),)  # 13:00-14:00


def test_a_start_waits_for_the_end_of_the_nurses_lunch() -> None:
    # given one nurse on 07:30-18:00 with lunch 13:00-14:00, one chair, and one patient
    # called between 13:05 and 13:20 for a 30-minute drug (no blood test)
    problem = day(
        (visit("A", 30, earliest=785, latest=800),),
        nurses=(Nurse("N1", 450, 1080, breaks=LUNCH),),
    )
    # when the day is planned
    plan = plan_day(problem)
    # then nobody can start the drug before 14:00: start 840, end 870; makespan 870 - 480
    got = plan.assignment("A")
    assert got is not None
    assert (got.start, got.end, got.phases[0].nurse) == (840, 870, "N1")
    assert got.arrival == 800  # called as late as the window allows: the least waiting
    assert plan.makespan == 390
    assert check_plan(problem, plan) == ()
    # the baseline waits too (called at 13:05, started at 14:00)
    base = fcfs_plan(problem)
    base_a = base.assignment("A")
    assert base_a is not None and base_a.start == 840
    # and the bound knows: the earliest start with a nurse is 14:00
    assert lower_bound(problem) == 390


def test_another_nurse_on_duty_during_the_lunch_takes_the_start() -> None:
    # given N1 at lunch 13:00-14:00 and N2 on 12:00-18:00 without a break
    problem = day(
        (visit("A", 30, earliest=785, latest=800),),
        nurses=(Nurse("N1", 450, 1080, breaks=LUNCH), Nurse("N2", 720, 1080)),
    )
    plan = plan_day(problem)
    got = plan.assignment("A")
    # then A starts at 13:05 (called 13:05, no blood test) by N2
    assert got is not None
    assert (got.start, got.phases[0].nurse) == (785, "N2")
    assert check_plan(problem, plan) == ()


def test_the_nurse_start_bound_counts_the_break() -> None:
    # given one nurse on 08:00-10:00 with a break 08:30-09:30, at most 1 start per half
    # hour, two chairs and two patients called at 08:00 for a 10-minute drug
    problem = day(
        (visit("A", 10, latest=480), visit("B", 10, latest=480)),
        places=chairs(2),
        nurses=(Nurse("N1", 480, 600, breaks=((510, 570),)),),
        starts_per_half_hour=1,
    )
    # the nurse can start in 08:00-08:29 (one start) and 09:30-09:59 (one start): the
    # second start is at 09:30 at the earliest and its drug ends at 09:40: makespan
    # 09:40 - 08:00 = 100 (without the break the bound would be 08:30 + 10: 40)
    assert lower_bound(problem) == 100
    plan = plan_day(problem)
    assert plan.status is PlanStatus.OPTIMAL
    assert sorted(a.start for a in plan.assignments) == [480, 570]
    assert plan.makespan == 100
    assert check_plan(problem, plan) == ()


def test_a_manual_move_into_the_lunch_is_refused_by_the_checker() -> None:
    problem = day((visit("A", 30, latest=900),), nurses=(Nurse("N1", 450, 1080, breaks=LUNCH),))
    moved = assignment_for(problem, "A", place_id="P1", start=800, nurses=["N1"])
    conflicts = check_plan(problem, DayPlan((moved,), 0, 0, 0, PlanStatus.FEASIBLE))
    assert [c.code for c in conflicts] == ["nurse_on_break"]
    assert conflicts[0].message == "L'infermiere N1 è in pausa alle 13:20 (pausa 13:00–14:00)."
    # the minute the break ends is free again
    ok = assignment_for(problem, "A", place_id="P1", start=840, nurses=["N1"])
    assert check_plan(problem, DayPlan((ok,), 0, 0, 0, PlanStatus.FEASIBLE)) == ()


def test_breaks_are_kept_sorted_and_give_the_stretches_of_the_shift() -> None:
    nurse = Nurse("N1", 450, 1080, breaks=((900, 915), (780, 840)))
    assert nurse.breaks == ((780, 840), (900, 915))
    assert nurse.available == ((450, 780), (840, 900), (915, 1080))
    assert nurse.can_start(779) and not nurse.can_start(780) and nurse.can_start(840)
    # a break at the very start of the shift leaves no empty stretch
    assert Nurse("N2", 480, 600, breaks=((480, 510),)).available == ((510, 600),)


@pytest.mark.parametrize(
    ("breaks", "code"),
    [
        (((700, 760),), "break_outside_shift"),  # before a 12:00 shift start
        (((1070, 1100),), "break_outside_shift"),  # past the 18:00 end
        (((780, 840), (830, 900)), "overlapping_breaks"),
        (((840, 780),), "end_before_start"),
        (((780, 780),), "empty_break"),
        (((780.0, 840),), "not_integer_minutes"),
        (((780, float("nan")),), "not_finite"),
        (((780, 10**308),), "out_of_range"),
        ((780, 840), "bad_break"),  # not a pair of pairs
        (((780, 840, 900),), "bad_break"),
    ],
)
def test_bad_breaks_are_refused(breaks: object, code: str) -> None:
    with pytest.raises(DayProblemInvalid) as caught:
        Nurse("N1", 720, 1080, breaks=breaks)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert caught.value.message
