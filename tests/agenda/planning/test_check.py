"""``check_plan`` on manual moves: each rule broken gives its code and an Italian message."""

from __future__ import annotations

from dataclasses import replace

from corsia.agenda.domain.planning import (
    DayPlan,
    DayProblem,
    Fixed,
    Nurse,
    Phase,
    Place,
    PlaceKind,
    PlanStatus,
    Visit,
    assignment_for,
    check_plan,
)
from corsia.testing.planning import chairs, day, visit


def _plan(*assignments: object) -> DayPlan:
    return DayPlan(tuple(assignments), 0, 0, 0, PlanStatus.FEASIBLE)  # type: ignore[arg-type]


def _by_n1(problem: DayProblem, *starts: int) -> DayPlan:
    """A, B, C on chairs P1, P2, P3 at ``starts``, each started by nurse N1."""
    return _plan(
        *(
            assignment_for(problem, v, place_id=f"P{i + 1}", start=s, nurses=["N1"])
            for i, (v, s) in enumerate(zip("ABC", starts, strict=True))
        )
    )


def _codes(problem: object, plan: DayPlan) -> list[str]:
    return [c.code for c in check_plan(problem, plan)]  # type: ignore[arg-type]


def test_two_patients_on_one_chair_at_the_same_minute() -> None:
    problem = day((visit("A", 60), visit("B", 60)), turnover_minutes=10)
    a = assignment_for(problem, "A", place_id="P1", start=540, nurses=["N1"])
    # B starts at 10:05: A holds the chair until 10:00 and its remaking until 10:10
    b = assignment_for(problem, "B", place_id="P1", start=605, nurses=["N1"])
    conflicts = check_plan(problem, _plan(a, b))
    assert [c.code for c in conflicts] == ["place_overlap"]
    assert conflicts[0].visit_ids == ("A", "B")
    assert conflicts[0].message == (
        "Due pazienti sul posto P1 alle 10:05: A lo occupa fino alle 10:00 (con il riassetto di "
        "10 minuti), B inizia alle 10:05."
    )
    # at 10:10 it is fine
    b_ok = assignment_for(problem, "B", place_id="P1", start=610, nurses=["N1"])
    assert check_plan(problem, _plan(a, b_ok)) == ()


def test_outside_opening_hours_and_closed_day() -> None:
    problem = day((visit("A", 60, latest=1080),))
    late = assignment_for(problem, "A", place_id="P1", start=1050, nurses=["N1"])  # ends 18:30
    assert _codes(problem, _plan(late)) == ["outside_opening_hours"]
    closed = replace(problem, closed=True)
    ok = assignment_for(closed, "A", place_id="P1", start=600, nurses=["N1"])
    assert _codes(closed, _plan(ok)) == ["closed_day"]


def test_before_arrival_blood_test_gap_and_arrival_window() -> None:
    v = Visit("A", "PZ-A", 540, 600, (Phase("x", 30),), blood_test_minutes=10, blood_test_gap=60)
    problem = day((v,))
    # therapy 09:30 for a patient called at 10:00
    early = assignment_for(problem, "A", place_id="P1", start=570, arrival=600, nurses=["N1"])
    assert _codes(problem, _plan(early)) == ["before_arrival"]
    # called 09:00, blood test and results need until 10:10: therapy at 10:00 is too soon
    gap = assignment_for(problem, "A", place_id="P1", start=600, arrival=540, nurses=["N1"])
    conflicts = check_plan(problem, _plan(gap))
    assert [c.code for c in conflicts] == ["blood_test_gap"]
    assert "richiedono fino alle 10:10" in conflicts[0].message
    # called at 08:00, before the window (09:00-10:00)
    outside = assignment_for(problem, "A", place_id="P1", start=600, arrival=480, nurses=["N1"])
    assert _codes(problem, _plan(outside)) == ["arrival_outside_window"]


def test_before_the_preparation_is_ready() -> None:
    v = Visit(
        "A", "PZ-A", 480, 600, (Phase("premed", 15), Phase("oxaliplatino", 120, ready_at=560))
    )
    problem = day((v,))
    # oxaliplatin would start at 09:00 + 15 = 09:15, ready only at 09:20
    a = assignment_for(problem, "A", place_id="P1", start=540, nurses=["N1", "N1"])
    conflicts = check_plan(problem, _plan(a))
    assert [c.code for c in conflicts] == ["before_preparation_ready"]
    assert conflicts[0].message == (
        "oxaliplatino di A inizia alle 09:15, ma la preparazione è pronta alle 09:20."
    )


def test_nurse_cap_shift_and_missing_nurse() -> None:
    visits = tuple(visit(v, 30) for v in ("A", "B", "C"))
    problem = day(visits, places=chairs(3), starts_per_half_hour=2)
    # three starts by N1 at 08:00, 08:10, 08:29: three in 30 minutes, cap 2
    plan = _by_n1(problem, 480, 490, 509)
    conflicts = check_plan(problem, plan)
    assert [c.code for c in conflicts] == ["nurse_cap"]
    assert conflicts[0].message == (
        "L'infermiere N1 ha 3 avvii tra le 08:00 e le 08:29: il massimo è 2 ogni mezz'ora."
    )
    # 08:30 is the next half hour from 08:00: fine
    plan_ok = _by_n1(problem, 480, 490, 510)
    assert check_plan(problem, plan_ok) == ()
    off = replace(problem, nurses=(Nurse("N1", 600, 900),))
    a = assignment_for(off, "A", place_id="P1", start=480, nurses=["N1"])
    assert _codes(off, _plan(a)) == ["nurse_off_shift"]
    b = assignment_for(off, "A", place_id="P1", start=600)
    assert _codes(off, _plan(b)) == ["nurse_missing"]


def test_a_bed_patient_on_a_chair_and_unknown_places() -> None:
    v = visit("A", 60, needs=PlaceKind.BED)
    problem = day((v,), places=(Place("P1", PlaceKind.CHAIR), Place("L1", PlaceKind.BED)))
    a = assignment_for(problem, "A", place_id="P1", start=540, nurses=["N1"])
    assert _codes(problem, _plan(a)) == ["place_incompatible"]
    ghost = assignment_for(problem, "A", place_id="P9", start=540, nurses=["N1"])
    assert _codes(problem, _plan(ghost)) == ["unknown_place"]


def test_phase_times_must_follow_the_protocol() -> None:
    problem = day((visit("A", 60),))
    a = assignment_for(problem, "A", place_id="P1", start=540, nurses=["N1"])
    squeezed = replace(a, end=570, phases=(replace(a.phases[0], end=570),))
    assert _codes(problem, _plan(squeezed)) == ["phase_sequence"]


def test_a_fixed_assignment_moved_or_dropped() -> None:
    problem = day(
        (visit("A", 60), visit("B", 30)), places=chairs(2), fixed=(Fixed("A", "P1", 540),)
    )
    moved = assignment_for(problem, "A", place_id="P2", start=540, nurses=["N1"])
    assert _codes(problem, _plan(moved)) == ["fixed_moved"]
    b = assignment_for(problem, "B", place_id="P2", start=540, nurses=["N1"])
    assert _codes(problem, _plan(b)) == ["fixed_moved"]


def test_the_nurse_cap_counts_any_thirty_minutes_not_clock_half_hours() -> None:
    visits = tuple(visit(v, 30) for v in ("A", "B", "C"))
    problem = day(visits, places=chairs(3), starts_per_half_hour=2)
    # 08:20, 08:25 (half hour 08:00-08:30) and 08:40 (08:30-09:00): two per clock half
    # hour, but three between 08:20 and 08:49
    plan = _by_n1(problem, 500, 505, 520)
    conflicts = check_plan(problem, plan)
    assert [(c.code, c.minute, c.nurse_id) for c in conflicts] == [("nurse_cap", 500, "N1")]
    assert conflicts[0].visit_ids == ("A", "B", "C")


def test_a_bed_takes_a_chair_patient_when_it_says_so() -> None:
    bed = Place("L1", PlaceKind.BED, frozenset({PlaceKind.BED, PlaceKind.CHAIR}))
    problem = day((visit("A", 60),), places=(bed,))
    a = assignment_for(problem, "A", place_id="L1", start=540, nurses=["N1"])
    assert check_plan(problem, _plan(a)) == ()
