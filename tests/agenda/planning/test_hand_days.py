"""Small days whose best plan is worked out by hand in the comments (minutes from midnight:
480 = 08:00), against ``plan_day``, ``fcfs_plan`` and ``lower_bound``."""

from __future__ import annotations

from corsia.agenda.domain.planning import (
    Nurse,
    Phase,
    PlanStatus,
    Pump,
    Visit,
    check_plan,
    fcfs_plan,
    lower_bound,
    plan_day,
)
from corsia.testing.planning import chairs, day, visit


def test_short_visit_goes_first_while_the_long_one_waits_for_its_blood_results() -> None:
    # given one chair, 10 minutes to remake it, and two patients:
    # A: called 08:00 sharp, blood test 10 min + 50 min for the results -> therapy >= 09:00
    #    premedication 15 min + 15 min wait, then the drug 60 min, observation 30 min:
    #    chair 15 + 15 + 60 + 30 = 120 min
    # B: any time 08:00-12:00, no blood test, a 30-min drug ready at 08:20
    a = Visit(
        "A",
        "PZ-A",
        480,
        480,
        (Phase("premedicazione", 15, wait_after=15), Phase("paclitaxel", 60)),
        blood_test_minutes=10,
        blood_test_gap=50,
        observation_minutes=30,
    )
    b = Visit("B", "PZ-B", 480, 720, (Phase("pembrolizumab", 30, ready_at=500),))
    problem = day((a, b), turnover_minutes=10)
    # when the day is planned
    plan = plan_day(problem)
    # then B runs 08:20-08:50 (+10 remake = 09:00) and A starts at 09:00, ends 11:00:
    # makespan 11:00 - 08:00 = 180 (A first would give 09:00-11:00, B 11:10-11:40: 220)
    assert plan.status is PlanStatus.OPTIMAL
    assert check_plan(problem, plan) == ()
    got_b, got_a = plan.assignment("B"), plan.assignment("A")
    assert got_a is not None and got_b is not None
    assert (got_b.start, got_b.end, got_b.arrival) == (500, 530, 500)  # called for 08:20
    assert (got_a.arrival, got_a.start, got_a.end) == (480, 540, 660)
    # A's drugs: premedication 09:00-09:15, paclitaxel 09:30-10:30 (after the 15-min wait)
    assert [(p.start, p.end) for p in got_a.phases] == [(540, 555), (570, 630)]
    assert (plan.makespan, plan.total_wait) == (180, 0)
    # and the lower bound: A alone needs 60 + 120 = 180 from the opening: the plan is at it
    assert lower_bound(problem) == 180


def test_a_portable_pump_frees_the_chair_after_its_connection() -> None:
    # given one chair and two patients called 08:00 (no blood tests):
    # F: oxaliplatin 60 min, then a portable pump: connection 15 min, runs 120 min, detached
    #    in the unit (10 min): chair 60 + 15 = 75 min; detachment at 60 + 15 + 120 = 195
    # G: a 30-min drug
    f = Visit(
        "F",
        "PZ-F",
        480,
        480,
        (
            Phase("oxaliplatino", 60),
            Phase(
                "5-fluorouracile infusore",
                120,
                pump=Pump.PORTABLE,
                connect_minutes=15,
                detach_in_unit=True,
                detach_minutes=10,
            ),
        ),
    )
    g = visit("G", 30)
    problem = day((f, g))
    plan = plan_day(problem)
    # then F holds the chair 08:00-09:15, G 09:15-09:45, F comes back at 11:15 (480 + 195)
    # for the detachment, done at 11:25: makespan 685 - 480 = 205
    # (G first: G 08:00-08:30, F 08:30-09:45, detachment 11:45-11:55: 235)
    got_f, got_g = plan.assignment("F"), plan.assignment("G")
    assert got_f is not None and got_g is not None
    assert (got_f.start, got_f.end, got_f.detach_at) == (480, 555, 675)
    assert (got_g.start, got_g.end) == (555, 585)
    assert plan.makespan == 205
    # three nurse starts for F (oxaliplatin, pump connection, detachment), one for G
    assert [m for m, _ in got_f.nurse_starts] == [480, 540, 675]
    assert check_plan(problem, plan) == ()


def test_one_nurse_with_one_start_per_half_hour_spaces_the_starts() -> None:
    # given three chairs, one nurse allowed one start per half hour, three 30-min drugs
    # for patients who must all come at 08:00 sharp
    visits = tuple(visit(v, 30, earliest=480, latest=480) for v in ("A", "B", "C"))
    problem = day(visits, places=chairs(3), starts_per_half_hour=1)
    plan = plan_day(problem)
    # then the starts are 08:00, 08:30, 09:00; the last ends 09:30: makespan 90;
    # the patients wait 0 + 30 + 60 = 90 minutes in all
    assert sorted(a.start for a in plan.assignments) == [480, 510, 540]
    assert (plan.makespan, plan.total_wait) == (90, 90)
    # and the bound counts the same: 3 starts, 1 per 30 min -> the last at 08:00 + 60,
    # plus its 30 minutes: 90
    assert lower_bound(problem) == 90
    assert check_plan(problem, plan) == ()


def test_a_drug_does_not_start_before_the_pharmacy_has_it_ready() -> None:
    # given a patient here from 08:00 whose bag is ready at 10:00
    v = Visit("A", "PZ-A", 480, 600, (Phase("rituximab", 90, ready_at=600),))
    plan = plan_day(day((v,)))
    # then the therapy starts at 10:00 and the patient is called for 10:00 (no wait)
    got = plan.assignment("A")
    assert got is not None and (got.arrival, got.start, got.end) == (600, 600, 690)
    assert (plan.makespan, plan.total_wait) == (210, 0)


def test_fcfs_takes_patients_in_arrival_order_and_is_beaten_by_the_plan() -> None:
    # given one chair; L (a 180-min therapy) may come 08:00-10:00, S1 and S2 (30 min each)
    # 08:00-08:00 and 08:10-12:00; each must end by 18:00
    long_ = visit("L", 180, earliest=480, latest=600)
    s1 = visit("S1", 30, earliest=480, latest=480)
    s2 = visit("S2", 30, earliest=490, latest=720)
    problem = day((long_, s1, s2))
    base = fcfs_plan(problem)
    # then FCFS calls everyone at the window's start and takes them in arrival order
    # (L and S1 at 08:00: ties by id, L first): L 08:00-11:00, S1 11:00-11:30, S2 11:30-12:00
    assert [(a.visit_id, a.start) for a in base.assignments] == [
        ("L", 480),
        ("S1", 660),
        ("S2", 690),
    ]
    # makespan 720 - 480 = 240; waits: L 0, S1 660 - 480 = 180, S2 690 - 490 = 200
    assert (base.makespan, base.total_wait) == (240, 380)
    # and the plan keeps the makespan (the chair is busy 240 minutes whatever the order) but
    # nobody waits: S1 at 08:00, S2 called for 08:30, L called for 09:00
    plan = plan_day(problem)
    assert (plan.makespan, plan.total_wait) == (240, 0)
    assert check_plan(problem, base) == () and check_plan(problem, plan) == ()


def test_energy_bound_of_identical_chairs() -> None:
    # given two chairs and three 60-min drugs, all possible from 08:00
    visits = tuple(visit(v, 60) for v in ("A", "B", "C"))
    problem = day(visits, places=chairs(2), nurses=(Nurse("N1", 450, 1080), Nurse("N2", 450, 1080)))
    # then the bound is 180 place-minutes over 2 chairs = 90 (one visit alone: 60)
    assert lower_bound(problem) == 90
    # and the best plan needs 120 (one chair runs two of them): the bound is a bound
    plan = plan_day(problem)
    assert plan.makespan == 120 and plan.status is PlanStatus.OPTIMAL
    # and the chairs are balanced as far as they can be: 120 and 60 busy minutes
    assert plan.chair_balance == 60
