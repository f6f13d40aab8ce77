"""Day-relative arithmetic around day 0 (the infusion), checked against a calendar."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.days import (
    date_of_day,
    day_label,
    ensure_not_before_day_zero,
    parse_day,
    transplant_day,
)

DAY_ZERO = date(2026, 3, 10)  # infusion on 10 March 2026


def test_day_plus_100_by_the_calendar() -> None:
    # March has 21 days left after the 10th, April 30, May 31: 82 by 31 May; +18 -> 18 June
    assert date_of_day(DAY_ZERO, 100) == date(2026, 6, 18)
    assert transplant_day(DAY_ZERO, date(2026, 6, 18)) == 100


def test_conditioning_days_are_negative_and_one_year_crosses_no_leap_day() -> None:
    assert date_of_day(DAY_ZERO, -7) == date(2026, 3, 3)
    assert transplant_day(DAY_ZERO, DAY_ZERO) == 0
    assert date_of_day(DAY_ZERO, 365) == date(2027, 3, 10)
    # from 2028-02-28, day +1 is the 29th (leap year)
    assert date_of_day(date(2028, 2, 28), 1) == date(2028, 2, 29)


@pytest.mark.parametrize(("day", "label"), [(100, "+100"), (0, "0"), (-7, "-7"), (1, "+1")])
def test_labels(day: int, label: str) -> None:
    assert day_label(day) == label


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("+100", 100),
        ("100", 100),
        ("-7", -7),
        ("−7", -7),
        ("day +100", 100),
        ("Giorno +30", 30),
        ("G+30", 30),
        ("d-3", -3),
        (" 0 ", 0),
    ],
)
def test_parse_what_clinicians_write(text: str, day: int) -> None:
    assert parse_day(text) == day


@pytest.mark.parametrize(
    "text", ["", "+", "day", "1e3", "+100\x00", "++3", "3.5", "100000", "x" * 40]
)
def test_unreadable_days_are_refused(text: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_day(text)
    assert refused.value.code in ("transplant_day_invalid", "transplant_day_out_of_range")


def test_an_engraftment_before_day_0_is_refused() -> None:
    assert ensure_not_before_day_zero(0, field="neutrophil_engraftment", what="Attecchimento") == 0
    with pytest.raises(ValidationFailed) as refused:
        ensure_not_before_day_zero(-1, field="neutrophil_engraftment", what="Attecchimento")
    assert refused.value.code == "neutrophil_engraftment_before_day_zero"


def test_out_of_range_days_are_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        date_of_day(DAY_ZERO, 40_000)
    assert refused.value.code == "transplant_day_out_of_range"


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)), st.integers(-3650, 3650))
def test_date_and_day_are_inverse(day_zero: date, day: int) -> None:
    assert transplant_day(day_zero, date_of_day(day_zero, day)) == day
    assert parse_day(day_label(day)) == day
