"""Planned times of a patient's day (pure domain), checked against hand-built timetables."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from corsia.administration.domain.schedule import UNTIMED_MINUTES, PlannedTime, Slot, planned_times

AT = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


def hm(hour: int, minute: int, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


# FOLFOX-4 day 1 as the library lists it: ondansetron 15 min, dexamethasone 15 min,
# oxaliplatin 120 min with folinic acid 120 min in Y, 5-FU bolus (no duration), 5-FU
# 22-hour infusion (1320 min).
FOLFOX_DAY_1 = (
    Slot(1, 1, 15),
    Slot(2, 2, 15),
    Slot(3, 3, 120),
    Slot(4, 4, 120, runs_with_previous=True),
    Slot(5, 5, None),
    Slot(6, 6, 1320),
)


def test_folfox_day_from_an_appointment_at_8_30() -> None:
    plan = planned_times(AT, FOLFOX_DAY_1)
    # 08:30 + 15 = 08:45 + 15 = 09:00; oxaliplatin and folinate 09:00-11:00 in Y;
    # bolus 11:00 (15 min, untimed) -> 11:15; infusion 11:15 + 22 h = 09:15 next day
    assert plan == {
        1: PlannedTime(hm(8, 30), hm(8, 45)),
        2: PlannedTime(hm(8, 45), hm(9, 0)),
        3: PlannedTime(hm(9, 0), hm(11, 0)),
        4: PlannedTime(hm(9, 0), hm(11, 0)),
        5: PlannedTime(hm(11, 0), hm(11, 15)),
        6: PlannedTime(hm(11, 15), hm(9, 15, day=24)),
    }
    assert UNTIMED_MINUTES == 15


def test_a_wait_after_a_drug_delays_the_next() -> None:
    # paclitaxel 180 min, then carboplatin after a 30-minute wait (an interval_after on
    # paclitaxel): 08:30-11:30, carboplatin from 12:00
    plan = planned_times(AT, (Slot(1, 1, 180, interval_after_minutes=30), Slot(2, 2, 60)))
    assert plan[2] == PlannedTime(hm(12, 0), hm(13, 0))


def test_a_day_running_late_moves_the_rest_of_the_day() -> None:
    # the patient arrived late: ondansetron really given 10:02-10:10, dexamethasone started
    # 10:12 and still running
    slots = list(FOLFOX_DAY_1)
    slots[0] = Slot(1, 1, 15, started_at=hm(10, 2), ended_at=hm(10, 10))
    slots[1] = Slot(2, 2, 15, started_at=hm(10, 12))
    plan = planned_times(AT, slots)
    # dexamethasone planned to end 10:12 + 15 = 10:27; oxaliplatin from 10:27
    assert plan[2] == PlannedTime(hm(10, 12), hm(10, 27))
    assert plan[3].start == hm(10, 27)
    assert plan[5].start == hm(12, 27)


def test_suspended_drugs_have_no_time_and_hold_nothing_up() -> None:
    slots = (Slot(1, 1, 60, active=False), Slot(2, 2, 30))
    assert planned_times(AT, slots) == {2: PlannedTime(hm(8, 30), hm(9, 0))}


slot_lists = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(1, 1440)),
        st.one_of(st.none(), st.integers(0, 240)),
        st.booleans(),
        st.booleans(),
    ),
    max_size=12,
).map(
    lambda rows: [
        Slot(n, n, d, interval_after_minutes=i, runs_with_previous=y, active=a)
        for n, (d, i, y, a) in enumerate(rows, start=1)
    ]
)


@given(slot_lists)
def test_nothing_is_planned_before_the_appointment_or_before_an_earlier_drug(
    slots: list[Slot],
) -> None:
    plan = planned_times(AT, slots)
    active = [s for s in slots if s.active]
    assert set(plan) == {s.item_id for s in active}
    for earlier, later in itertools.pairwise(active):
        assert plan[later.item_id].start >= AT
        assert plan[later.item_id].end >= plan[later.item_id].start
        if later.runs_with_previous:
            assert plan[later.item_id].start == plan[earlier.item_id].start
        else:
            wait = timedelta(minutes=earlier.interval_after_minutes or 0)
            assert plan[later.item_id].start >= plan[earlier.item_id].end + wait
