"""Direct distribution's pure rules against hand-computed values (the arithmetic in the
comments) and their invariants (Hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.dispensing.domain.coverage import (
    CoverageInvalid,
    Fill,
    days_covered,
    next_due_date,
    proportion_of_days_covered,
)
from corsia.dispensing.domain.delegation import delegation_valid_on
from corsia.dispensing.domain.plans import (
    PlanExceeded,
    PlanNotValid,
    PlanTerms,
    plan_ceiling,
    remaining_units,
    require_plan_covers,
)

D = Decimal


# --- days covered, next due date ---------------------------------------------------------


def test_days_covered_is_units_over_daily_units_floored() -> None:
    # 56 tablets at 2 a day: 56 ÷ 2 = 28 days
    assert days_covered(56, D(2)) == 28
    # 30 tablets at 4 a day: 30 ÷ 4 = 7.5 → 7 whole days (the 8th day is short of 2 tablets)
    assert days_covered(30, D(4)) == 7
    # 15 tablets at half a tablet a day: 15 ÷ 0.5 = 30 days
    assert days_covered(15, D("0.5")) == 30
    # 21 capsules at 3 a day (capecitabine-like): 21 ÷ 3 = 7 days
    assert days_covered(21, D(3)) == 7
    # 1 tablet at 2 a day: 0.5 → 0 whole days
    assert days_covered(1, D(2)) == 0


@pytest.mark.parametrize(
    ("units", "daily"),
    [(0, D(1)), (-3, D(1)), (10, D(0)), (10, D(-1)), (10, D("NaN")), (10, D("Infinity"))],
)
def test_days_covered_refuses_nonsense(units: int, daily: Decimal) -> None:
    with pytest.raises(CoverageInvalid):
        days_covered(units, daily)


def test_days_covered_refuses_an_absurd_length() -> None:
    # 10 000 tablets at 0.001 a day would be 10 000 000 days
    with pytest.raises(CoverageInvalid):
        days_covered(10_000, D("0.001"))


def test_next_due_date_is_the_first_day_not_covered() -> None:
    # dispensed 3 Nov 2026 for 28 days: covered 3 Nov … 30 Nov, due back 1 Dec
    assert next_due_date(date(2026, 11, 3), 28) == date(2026, 12, 1)
    # across a leap February: 15 Feb 2028 + 30 days = 16 Mar 2028 (Feb 2028 has 29 days)
    assert next_due_date(date(2028, 2, 15), 30) == date(2028, 3, 16)


# --- PDC -----------------------------------------------------------------------------------


def test_pdc_without_overlap() -> None:
    # window 1 Jan … 90 days (1 Jan – 31 Mar 2026 = 31 + 28 + 31 = 90 days)
    # fills: 1 Jan × 30 (1–30 Jan), 15 Feb × 30 (15 Feb – 16 Mar): 60 days covered
    # gap 31 Jan – 14 Feb (15 days) and 17–31 Mar (15 days): 60 / 90 = 0.6667
    result = proportion_of_days_covered(
        [Fill(date(2026, 1, 1), 30), Fill(date(2026, 2, 15), 30)],
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    assert (result.covered_days, result.window_days, result.pdc) == (60, 90, D("0.6667"))


def test_pdc_overlap_is_shifted_forward() -> None:
    # window 1–60 Jan/Feb 2026 (1 Jan – 1 Mar: 31 + 28 + 1 = 60 days)
    # fill 1 Jan × 30 → 1–30 Jan; fill 21 Jan × 30 early by 10 days → shifted to start
    # 31 Jan, covering 31 Jan – 1 Mar: all 60 days covered → PDC 1.0000
    # (without the shift the second fill would cover 21 Jan – 19 Feb: 50 days, 0.8333)
    result = proportion_of_days_covered(
        [Fill(date(2026, 1, 21), 30), Fill(date(2026, 1, 1), 30)],
        date(2026, 1, 1),
        date(2026, 3, 1),
    )
    assert (result.covered_days, result.window_days, result.pdc) == (60, 60, D("1.0000"))


def test_pdc_counts_only_the_window() -> None:
    # window 10–19 Jan (10 days); fill 1 Jan × 14 covers 1–14 Jan: 10–14 Jan inside = 5
    # days; fill 25 Jan after the window: nothing. 5 / 10 = 0.5
    result = proportion_of_days_covered(
        [Fill(date(2026, 1, 1), 14), Fill(date(2026, 1, 25), 30)],
        date(2026, 1, 10),
        date(2026, 1, 19),
    )
    assert (result.covered_days, result.window_days, result.pdc) == (5, 10, D("0.5000"))


def test_pdc_no_fill_is_zero_and_an_inverted_window_is_refused() -> None:
    assert proportion_of_days_covered([], date(2026, 1, 1), date(2026, 1, 31)).pdc == D(0)
    with pytest.raises(CoverageInvalid):
        proportion_of_days_covered([], date(2026, 2, 1), date(2026, 1, 31))


fills = st.lists(
    st.builds(
        Fill,
        day=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
        days=st.integers(min_value=0, max_value=120),
    ),
    max_size=12,
)


@given(fills=fills, length=st.integers(min_value=1, max_value=400))
def test_pdc_is_between_zero_and_one_and_never_exceeds_supply(
    fills: list[Fill], length: int
) -> None:
    start = date(2026, 1, 1)
    result = proportion_of_days_covered(fills, start, start + timedelta(days=length - 1))
    assert D(0) <= result.pdc <= D(1)
    assert result.window_days == length
    assert result.covered_days <= min(length, sum(f.days for f in fills))


@given(
    fills=fills,
    extra=st.builds(
        Fill,
        day=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
        days=st.integers(0, 60),
    ),
)
def test_pdc_never_falls_when_a_dispensing_is_added(fills: list[Fill], extra: Fill) -> None:
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    before = proportion_of_days_covered(fills, start, end)
    after = proportion_of_days_covered([*fills, extra], start, end)
    assert after.covered_days >= before.covered_days


@given(
    units=st.integers(min_value=1, max_value=900),  # 900 ÷ 0.25 = 3600 ≤ MAX_DAYS
    daily=st.decimals(min_value=D("0.25"), max_value=D(20), places=2),
)
def test_days_covered_never_promises_more_than_the_units(units: int, daily: Decimal) -> None:
    days = days_covered(units, daily)
    assert daily * days <= units < daily * (days + 1)


# --- therapy plan -------------------------------------------------------------------------


def test_plan_ceiling_stated_or_derived() -> None:
    # 1 Oct – 31 Dec 2026 = 31 + 30 + 31 = 92 days × 2 a day = 184 units
    terms = PlanTerms(D(2), date(2026, 10, 1), date(2026, 12, 31))
    assert plan_ceiling(terms) == 184
    # half a tablet a day for 5 days = 2.5 → 3 whole tablets
    assert plan_ceiling(PlanTerms(D("0.5"), date(2026, 1, 1), date(2026, 1, 5))) == 3
    # stated ceiling wins
    assert plan_ceiling(PlanTerms(D(2), date(2026, 10, 1), date(2026, 12, 31), 120)) == 120
    # 184 − 56 already dispensed = 128 left; never below 0
    assert remaining_units(terms, 56) == 128
    assert remaining_units(terms, 200) == 0


def test_plan_refuses_beyond_its_units_and_outside_its_dates() -> None:
    terms = PlanTerms(D(2), date(2026, 10, 1), date(2026, 12, 31), 60)
    # 60 − 56 = 4 left: 4 passes, 5 is refused
    require_plan_covers(terms, day=date(2026, 11, 1), dispensed_units=56, units=4)
    with pytest.raises(PlanExceeded) as exceeded:
        require_plan_covers(terms, day=date(2026, 11, 1), dispensed_units=56, units=5)
    assert exceeded.value.details["remaining_units"] == 4
    with pytest.raises(PlanNotValid) as expired:
        require_plan_covers(terms, day=date(2027, 1, 1), dispensed_units=0, units=1)
    assert expired.value.code == "plan_expired"
    with pytest.raises(PlanNotValid) as early:
        require_plan_covers(terms, day=date(2026, 9, 30), dispensed_units=0, units=1)
    assert early.value.code == "plan_not_valid"
    # the last day of validity is still valid
    require_plan_covers(terms, day=date(2026, 12, 31), dispensed_units=0, units=1)


# --- delegation -----------------------------------------------------------------------------


def test_delegation_valid_on_its_days_only() -> None:
    f, t = date(2026, 10, 1), date(2026, 12, 31)
    assert delegation_valid_on(valid_from=f, valid_to=t, day=f)
    assert delegation_valid_on(valid_from=f, valid_to=t, day=t)
    assert not delegation_valid_on(valid_from=f, valid_to=t, day=date(2026, 9, 30))
    assert not delegation_valid_on(valid_from=f, valid_to=t, day=date(2027, 1, 1))
    assert delegation_valid_on(valid_from=f, valid_to=None, day=date(2030, 1, 1))
    r = date(2026, 11, 10)
    assert delegation_valid_on(valid_from=f, valid_to=t, day=date(2026, 11, 9), revoked_on=r)
    assert not delegation_valid_on(valid_from=f, valid_to=t, day=r, revoked_on=r)
