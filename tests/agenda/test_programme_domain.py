"""The therapy programme against calendars computed by hand, and its invariants."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corsia.agenda.domain.calendar import Calendar, Window
from corsia.agenda.domain.programme import (
    ProgrammeRequest,
    ProposedCycle,
    intervals_kept,
    propose_programme,
)
from corsia.core.domain.errors import ValidationFailed

WEEKDAYS = tuple(Window(d, time(7, 30), time(19, 0)) for d in range(5))  # Monday to Friday


def _days(cycles: tuple[ProposedCycle, ...]) -> list[list[tuple[int, date]]]:
    return [[(d.day_of_cycle, d.day) for d in c.days] for c in cycles]


def test_fortnightly_cycles_skip_a_closed_monday_and_keep_the_interval_from_it() -> None:
    # given a 14-day regimen given on day 1, from Monday 4 January 2027, and the agenda
    # closed on Monday 1 February 2027
    calendar = Calendar(windows=WEEKDAYS, closed=frozenset({date(2027, 2, 1)}))
    request = ProgrammeRequest(
        first_day=date(2027, 1, 4), cycles=4, cycle_length_days=14, cycle_days=(1,)
    )
    # when proposed
    cycles = propose_programme(request, calendar, booked={}, capacity=10)
    # then (by hand): 4 Jan; 4+14 = 18 Jan; 18+14 = 1 Feb closed → Tue 2 Feb;
    # 2 Feb + 14 = Tue 16 Feb (the interval runs from the day actually given)
    assert _days(cycles) == [
        [(1, date(2027, 1, 4))],
        [(1, date(2027, 1, 18))],
        [(1, date(2027, 2, 2))],
        [(1, date(2027, 2, 16))],
    ]
    assert [c.cycle_number for c in cycles] == [1, 2, 3, 4]
    assert cycles[2].nominal_day1 == date(2027, 2, 1)


def test_day_1_and_8_cycles_move_past_a_closed_day_and_a_full_one() -> None:
    # given a 21-day regimen on days 1 and 8 from Monday 1 March 2027, closed on Monday
    # 8 March, and Monday 22 March already full (3 of 3)
    calendar = Calendar(windows=WEEKDAYS, closed=frozenset({date(2027, 3, 8)}))
    request = ProgrammeRequest(
        first_day=date(2027, 3, 1), cycles=3, cycle_length_days=21, cycle_days=(1, 8)
    )
    cycles = propose_programme(request, calendar, booked={date(2027, 3, 22): 3}, capacity=3)
    # then (by hand): C1 D1 1 Mar, D8 8 Mar closed → 9 Mar;
    # C2 nominal 1+21 = 22 Mar full → 23 Mar, D8 = 23+7 = 30 Mar;
    # C3 = 23 Mar + 21 = 13 Apr, D8 = 20 Apr
    assert _days(cycles) == [
        [(1, date(2027, 3, 1)), (8, date(2027, 3, 9))],
        [(1, date(2027, 3, 23)), (8, date(2027, 3, 30))],
        [(1, date(2027, 4, 13)), (8, date(2027, 4, 20))],
    ]
    assert cycles[0].days[1].shifted_days == 1


def test_a_weekend_start_goes_to_monday() -> None:
    calendar = Calendar(windows=WEEKDAYS)
    request = ProgrammeRequest(
        first_day=date(2027, 3, 6), cycles=1, cycle_length_days=28, cycle_days=(1, 8, 15)
    )
    (cycle,) = propose_programme(request, calendar, booked={}, capacity=5)
    # Saturday 6 March → Monday 8 March; D8 15 March; D15 22 March
    assert [d.day for d in cycle.days] == [date(2027, 3, 8), date(2027, 3, 15), date(2027, 3, 22)]


def test_a_cycle_before_its_interval_is_refused() -> None:
    calendar = Calendar(windows=WEEKDAYS)
    request = ProgrammeRequest(
        first_day=date(2027, 1, 10),
        cycles=2,
        cycle_length_days=14,
        cycle_days=(1,),
        first_cycle=3,
        previous_day1=date(2027, 1, 4),
    )
    with pytest.raises(ValidationFailed) as refused:
        propose_programme(request, calendar, booked={}, capacity=5)
    assert refused.value.code == "cycle_before_interval"
    assert refused.value.details == {"earliest": "2027-01-18"}
    assert "18/01/2027" in refused.value.message


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"cycles": 0}, "cycles_invalid"),
        ({"cycles": 10_000}, "cycles_invalid"),
        ({"cycle_length_days": 0}, "cycle_length_invalid"),
        ({"cycle_days": ()}, "cycle_days_invalid"),
        ({"cycle_days": (8, 1)}, "cycle_days_invalid"),
        ({"cycle_days": (1, 30)}, "cycle_days_invalid"),
        ({"first_cycle": 0}, "cycle_invalid"),
    ],
)
def test_impossible_requests_are_refused(fields: dict[str, object], code: str) -> None:
    base: dict[str, object] = {
        "first_day": date(2027, 1, 4),
        "cycles": 2,
        "cycle_length_days": 21,
        "cycle_days": (1,),
    }
    request = ProgrammeRequest(**{**base, **fields})  # type: ignore[arg-type]  # test data
    with pytest.raises(ValidationFailed) as refused:
        propose_programme(request, Calendar(windows=WEEKDAYS), booked={}, capacity=5)
    assert refused.value.code == code


def test_an_agenda_never_open_says_so() -> None:
    request = ProgrammeRequest(
        first_day=date(2027, 1, 4), cycles=1, cycle_length_days=21, cycle_days=(1,)
    )
    with pytest.raises(ValidationFailed) as refused:
        propose_programme(request, Calendar(windows=()), booked={}, capacity=5)
    assert refused.value.code == "no_open_day"


START = date(2027, 1, 4)


@st.composite
def scenarios(draw):  # type: ignore[no-untyped-def]  # hypothesis strategy
    open_days = draw(st.sets(st.integers(0, 6), min_size=1))
    windows = tuple(Window(d, time(8), time(18)) for d in open_days)
    closed = draw(st.frozensets(st.integers(0, 200).map(lambda n: START + timedelta(days=n))))
    booked = draw(
        st.dictionaries(
            st.integers(0, 200).map(lambda n: START + timedelta(days=n)), st.integers(0, 4)
        )
    )
    length = draw(st.integers(1, 35))
    days = sorted(draw(st.sets(st.integers(1, length), min_size=1, max_size=4)) | {1})
    request = ProgrammeRequest(
        first_day=START + timedelta(days=draw(st.integers(0, 20))),
        cycles=draw(st.integers(1, 8)),
        cycle_length_days=length,
        cycle_days=tuple(days),
    )
    return request, Calendar(windows=windows, closed=closed), booked, draw(st.integers(1, 4))


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_never_before_the_interval_never_closed_never_over_capacity(scenario) -> None:  # type: ignore[no-untyped-def]  # hypothesis
    request, calendar, booked, capacity = scenario
    try:
        cycles = propose_programme(request, calendar, booked=booked, capacity=capacity)
    except ValidationFailed as refused:  # a calendar too full or too closed to place it
        assert refused.code in {"no_open_day", "no_room"}
        return
    assert len(cycles) == request.cycles
    assert cycles[0].day1 >= request.first_day
    assert intervals_kept(cycles, request.cycle_length_days)
    proposed: dict[date, int] = {}
    for cycle in cycles:
        for a, b in zip(cycle.days, cycle.days[1:], strict=False):
            # the regimen's gap between two treatment days is never shortened
            assert (b.day - a.day).days >= b.day_of_cycle - a.day_of_cycle
        for d in cycle.days:
            assert calendar.is_open(d.day)
            assert d.day >= d.nominal
            proposed[d.day] = proposed.get(d.day, 0) + 1
    for day, count in proposed.items():
        assert booked.get(day, 0) + count <= capacity
