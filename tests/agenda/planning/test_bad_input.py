"""Bad input is refused when the problem is built, with a stable code and an Italian
message; impossible days are answered with reasons, not exceptions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from corsia.agenda.domain.planning import (
    DayProblemInvalid,
    Fixed,
    Nurse,
    Phase,
    Place,
    PlaceKind,
    PlanStatus,
    Pump,
    Visit,
    plan_day,
    replan,
)
from corsia.testing.planning import chairs, day, visit


def _refused(code: str, build: object) -> DayProblemInvalid:
    with pytest.raises(DayProblemInvalid) as caught:
        build()  # type: ignore[operator]
    assert caught.value.code == code
    assert caught.value.message  # Italian, for the page
    return caught.value


def test_negative_and_zero_durations() -> None:
    error = _refused("negative_minutes", lambda: Phase("paclitaxel", -60))
    assert error.message == "paclitaxel: durata: valore negativo (-60)."
    _refused("zero_duration", lambda: Phase("paclitaxel", 0))
    _refused("negative_minutes", lambda: Phase("paclitaxel", 60, wait_after=-5))
    _refused("negative_minutes", lambda: visit("A", 30, observation_minutes=-1))


def test_windows_ending_before_they_start() -> None:
    error = _refused("end_before_start", lambda: Nurse("N1", 900, 480))
    assert error.message == "turno di N1: la fine (08:00) precede l'inizio (15:00)."
    _refused("end_before_start", lambda: visit("A", 30, earliest=600, latest=540))
    _refused("end_before_start", lambda: replace(day((visit("A", 30),)), opens=1080, closes=480))


def test_a_day_without_places() -> None:
    error = _refused("no_places", lambda: day((visit("A", 30),), places=()))
    assert "Nessuna poltrona o letto" in error.message


def test_ten_thousand_visits_are_refused() -> None:
    many = tuple(visit(f"V{i}", 30) for i in range(10_000))
    error = _refused("too_many", lambda: day(many))
    assert error.message == "visits: 10000 elementi, il massimo per una giornata è 1000."


@pytest.mark.parametrize("value", [1e308, float("nan"), float("inf"), 30.5, True, "30"])
def test_non_integer_minutes(value: object) -> None:
    with pytest.raises(DayProblemInvalid) as caught:
        Phase("x", value)  # type: ignore[arg-type]
    assert caught.value.code in {"not_finite", "not_integer_minutes"}


def test_huge_integers_and_time_limits() -> None:
    _refused("out_of_range", lambda: Phase("x", 10**308))
    _refused("out_of_range", lambda: visit("A", 30, earliest=480, latest=10**9))
    _refused("bad_time_limit", lambda: day((visit("A", 30),), time_limit_s=1e308))
    _refused("bad_time_limit", lambda: day((visit("A", 30),), time_limit_s=float("nan")))
    _refused("bad_time_limit", lambda: day((visit("A", 30),), time_limit_s=0))


def test_identifiers_duplicates_and_references() -> None:
    _refused("empty_identifier", lambda: visit("", 30))
    _refused("bad_identifier", lambda: visit("A\x00", 30))
    _refused("duplicate_identifier", lambda: day((visit("A", 30), visit("A", 60))))
    _refused(
        "duplicate_identifier",
        lambda: day((visit("A", 30),), places=(Place("P1", PlaceKind.CHAIR),) * 2),
    )
    _refused("unknown_visit", lambda: day((visit("A", 30),), fixed=(Fixed("B", "P1", 540),)))
    _refused("unknown_place", lambda: day((visit("A", 30),), fixed=(Fixed("A", "P7", 540),)))
    _refused(
        "nurse_count",
        lambda: day((visit("A", 30),), fixed=(Fixed("A", "P1", 540, nurses=("N1", "N1")),)),
    )


def test_a_portable_pump_must_be_the_last_drug() -> None:
    pump = Phase("5-fu", 1320, pump=Pump.PORTABLE)
    _refused("portable_pump_not_last", lambda: Visit("A", "PZ", 480, 600, (pump, Phase("x", 30))))
    _refused("detach_without_portable_pump", lambda: Phase("x", 30, detach_in_unit=True))


def test_replan_refuses_a_bad_now() -> None:
    problem = day((visit("A", 30),))
    plan = plan_day(problem)
    with pytest.raises(DayProblemInvalid):
        replan(problem, plan, 1e308)  # type: ignore[arg-type]
    with pytest.raises(DayProblemInvalid):
        replan(problem, plan, -1)


# impossible days: answered, not raised


def test_a_closed_day_leaves_everyone_out_with_the_reason() -> None:
    problem = day((visit("A", 30), visit("B", 30)), closed=True)
    plan = plan_day(problem)
    assert plan.assignments == ()
    assert {(u.visit_id, u.code) for u in plan.unplaced} == {
        ("A", "closed_day"),
        ("B", "closed_day"),
    }


def test_visits_that_cannot_fit_say_why() -> None:
    bed = visit("BED", 60, needs=PlaceKind.BED)
    too_long = visit("LONG", 500, earliest=720, latest=780)  # 12:00 + 500 min > 18:00
    no_nurse = Visit("NIGHT", "PZ", 480, 720, (Phase("x", 30),))
    # the only nurse comes at 17:40; a 30-min drug must start by 17:30 to end at 18:00
    problem = day((bed, too_long, no_nurse, visit("OK", 30)), nurses=(Nurse("N1", 1060, 1080),))
    plan = plan_day(problem)
    reasons = {u.visit_id: u.code for u in plan.unplaced}
    assert reasons == {
        "BED": "no_compatible_place",
        "LONG": "does_not_fit_opening_hours",
        "NIGHT": "no_nurse_on_shift",
        "OK": "no_nurse_on_shift",
    }
    assert plan.status is not PlanStatus.INFEASIBLE


def test_more_patients_than_the_day_holds_leaves_the_lowest_priority_out() -> None:
    # one chair 08:00-18:00 (600 min), three 240-min therapies: only two fit
    problem = day(
        (
            visit("A", 240, latest=800),
            visit("B", 240, latest=800, priority=5),
            visit("C", 240, latest=800, priority=3),
        )
    )
    plan = plan_day(problem)
    assert [(u.visit_id, u.code) for u in plan.unplaced] == [("A", "day_full")]
    assert {a.visit_id for a in plan.assignments} == {"B", "C"}


def test_fixed_assignments_in_conflict_make_the_day_infeasible_with_reasons() -> None:
    problem = day(
        (visit("A", 60), visit("B", 60)),
        places=chairs(1),
        fixed=(Fixed("A", "P1", 540), Fixed("B", "P1", 570)),
    )
    plan = plan_day(problem)
    assert plan.status is PlanStatus.INFEASIBLE
    assert plan.assignments == ()
    assert {u.code for u in plan.unplaced} == {"fixed_conflict"}
    assert "Due pazienti sul posto P1 alle 09:30" in plan.unplaced[0].message
