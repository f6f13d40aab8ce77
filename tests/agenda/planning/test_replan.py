"""``replan`` as the day changes: nothing started or past moves, the call-ins given stay,
the late, the cancelled and the urgent are handled."""

from __future__ import annotations

from dataclasses import replace

from corsia.agenda.domain.planning import (
    DayProblem,
    Fixed,
    Nurse,
    Phase,
    Visit,
    check_plan,
    plan_day,
    replan,
)
from corsia.testing.planning import chairs, day, visit


def _base() -> DayProblem:
    # two chairs; five 60-min therapies; everyone may come 08:00-12:00
    return day(tuple(visit(v, 60) for v in ("A", "B", "C", "D", "E")), places=chairs(2))


def test_an_urgent_addition_is_placed_without_moving_what_started() -> None:
    problem = _base()
    plan = plan_day(problem)
    now = 540  # 09:00
    started = {a.visit_id: a for a in plan.assignments if a.start < now}
    assert started  # the morning's first patients are in their chairs
    urgent = Visit("U", "PZ-U", 540, 600, (Phase("terapia urgente", 45),), priority=5)
    changed = replace(problem, visits=(*problem.visits, urgent))
    again = replan(changed, plan, now)
    assert check_plan(changed, again) == ()
    for visit_id, before in started.items():
        assert again.assignment(visit_id) == before
    got = again.assignment("U")
    assert got is not None and got.start >= now
    # nobody new is placed in the past
    assert all(a.start >= now for a in again.assignments if a.visit_id not in started)


def test_a_cancelled_therapy_frees_its_chair_and_call_ins_given_stay() -> None:
    problem = _base()
    plan = plan_day(problem)
    now = 500
    future = [a for a in plan.assignments if a.start >= now]
    cancelled = future[-1].visit_id
    kept = replace(problem, visits=tuple(v for v in problem.visits if v.id != cancelled))
    again = replan(kept, plan, now)
    assert again.assignment(cancelled) is None
    assert check_plan(kept, again) == ()
    assert again.makespan <= plan.makespan
    # the patients already told when to come keep that time
    for a in plan.assignments:
        if a.visit_id != cancelled:
            got = again.assignment(a.visit_id)
            assert got is not None and got.arrival == a.arrival


def test_a_late_patient_is_placed_after_their_real_arrival() -> None:
    # one chair: A (called 08:00, 60 min) and B (called for 09:00, 60 min)
    problem = day((visit("A", 60, latest=480), visit("B", 60, earliest=540, latest=540)))
    plan = plan_day(problem)
    assert [(a.visit_id, a.start) for a in plan.assignments] == [("A", 480), ("B", 540)]
    # at 09:10 B is not there; B phones: arriving at 09:45. The window becomes 09:45.
    late = replace(problem, visits=(problem.visits[0], visit("B", 60, earliest=585, latest=585)))
    again = replan(late, plan, 550)
    got = again.assignment("B")
    assert got is not None and (got.arrival, got.start) == (585, 585)
    assert again.assignment("A") == plan.assignment("A")
    assert check_plan(late, again) == ()


def test_a_started_visit_keeps_its_future_starts_times_but_may_change_nurse() -> None:
    # A: premedication 30 min then a 60-min drug; replanned at 08:10 (A started at 08:00)
    a = Visit("A", "PZ-A", 480, 480, (Phase("premedicazione", 30), Phase("paclitaxel", 60)))
    problem = day((a, visit("B", 30)), places=chairs(2))
    plan = plan_day(problem)
    again = replan(problem, plan, 490)
    before, after = plan.assignment("A"), again.assignment("A")
    assert before is not None and after is not None
    assert (after.place_id, after.start, after.end) == (before.place_id, before.start, before.end)
    assert after.phases[0] == before.phases[0]  # the start already made keeps its nurse
    assert check_plan(problem, again) == ()


def test_the_bedside_record_says_what_started() -> None:
    # one chair; A planned 08:00-09:00, B 09:00-10:00; at 08:30 the bedside record says A
    # never started (A's drug was held back): A is planned again from 08:30
    problem = day((visit("A", 60, latest=600), visit("B", 60, earliest=540, latest=540)))
    plan = plan_day(problem)
    assert [(a.visit_id, a.start) for a in plan.assignments] == [("A", 480), ("B", 540)]
    again = replan(problem, plan, 510, started=())
    a, b = again.assignment("A"), again.assignment("B")
    assert a is not None and b is not None
    assert a.start >= 510 and a.arrival == 480  # the call-in already given stays
    assert check_plan(problem, again) == ()
    # A at 08:30-09:30 then B 09:30-10:30 ends at 10:30 (makespan 150); B at 09:00 then A
    # 10:00-11:00 would end at 11:00 (180): A goes first, B waits 30 minutes
    assert (a.start, b.start, again.makespan, again.total_wait) == (510, 570, 150, 30 + 30)


def test_a_place_and_nurse_locked_by_hand_later_in_the_day_are_kept() -> None:
    # two chairs, two nurses; the coordinator locks C on P2 at 14:00 with N2; A and B free
    problem = day(
        (visit("A", 120), visit("B", 120), visit("C", 60, latest=840)),
        places=chairs(2),
        nurses=(Nurse("N1", 450, 1080), Nurse("N2", 450, 1080)),
        fixed=(Fixed("C", "P2", 840, nurses=("N2",)),),
    )
    plan = plan_day(problem)
    assert check_plan(problem, plan) == ()
    c = plan.assignment("C")
    assert c is not None and (c.place_id, c.start, c.phases[0].nurse) == ("P2", 840, "N2")
    # A and B both start at 08:00, one on each chair (the lock is after them)
    assert sorted((a.start, a.place_id) for a in plan.assignments if a.visit_id != "C") == [
        (480, "P1"),
        (480, "P2"),
    ]
