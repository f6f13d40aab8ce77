"""Engraftment days on hand-computed series (EBMT Handbook; CIBMTR form 2100 definitions):
ANC ≥ 0.5 × 10⁹/L on 3 consecutive days; platelets ≥ 20 × 10⁹/L on 3 (or 7) consecutive
days with no transfusion in the 7 days before; counts from day 0, after the nadir."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.engraftment import (
    Engraftment,
    Status,
    neutrophil_engraftment,
    platelet_engraftment,
)


def series(first_day: int, values: str) -> dict[int, D]:
    """Counts from ``first_day`` on, one a day; ``-`` is a day without a count."""
    return {first_day + i: D(v) for i, v in enumerate(values.split()) if v != "-"}


def test_neutrophils_engraft_on_the_first_of_three_days() -> None:
    # day:     0    1    2    3   ...  12   13   14   15   16
    anc = series(0, "1.2 0.6 0.2 0.1 0.0 0.0 0.0 0.0 0.0 0.1 0.2 0.4 0.5 0.7 0.9 1.4")
    # below from day 2; day 12 0.5 (≥ 0.5), 13, 14: engrafted on day 12
    assert neutrophil_engraftment(anc) == Engraftment(Status.ENGRAFTED, 12)


def test_a_dip_restarts_the_run() -> None:
    # day 10 0.6, 11 0.7, 12 0.4 (dip), 13 0.5, 14 0.6, 15 0.8 -> day 13
    anc = series(8, "0.1 0.3 0.6 0.7 0.4 0.5 0.6 0.8")
    assert neutrophil_engraftment(anc) == Engraftment(Status.ENGRAFTED, 13)


def test_a_missing_day_breaks_consecutiveness() -> None:
    # days 11, 12 ≥ 0.5, no count on day 13, then 14, 15, 16 -> day 14
    anc = series(10, "0.2 0.6 0.8 - 0.9 1.0 1.1")
    assert neutrophil_engraftment(anc) == Engraftment(Status.ENGRAFTED, 14)
    # two qualifying days then a gap and nothing more: not yet
    assert neutrophil_engraftment(series(10, "0.2 0.6 0.8 - 0.9")) == Engraftment(Status.NOT_YET)


def test_counts_before_day_0_are_ignored() -> None:
    # a nadir on day -2 does not count: from day 0 the ANC never fell below 0.5
    anc = {-3: D("0.1"), -2: D("0.1"), -1: D("0.3"), 0: D("0.9"), 1: D("0.8"), 2: D("0.7")}
    assert neutrophil_engraftment(anc) == Engraftment(Status.NEVER_BELOW)


def test_day_0_counts_take_part() -> None:
    # day 0 below (the nadir), days 1-3 at or above: engrafted on day 1
    assert neutrophil_engraftment(series(0, "0.1 0.5 0.5 0.5")).day == 1
    # residual cells days 0-2 above 0.5 do not engraft on day 0 (no nadir yet)
    anc = series(0, "2.0 1.5 0.9 0.3 0.1 0.1 0.6 0.8 1.0")
    assert neutrophil_engraftment(anc) == Engraftment(Status.ENGRAFTED, 6)


def test_platelets_engraft_after_the_last_transfusion_clears_seven_days() -> None:
    # transfused days 5 and 9; counts ≥ 20 from day 10 on
    plt = series(8, "12 15 24 28 31 33 35 40 42 45")  # days 8 … 17
    # day 10 has the day-9 transfusion 1 day before; the first day with none in d-7 … d-1
    # is 9 + 8 = 17; run days 17, 18, 19 need counts: only 17 present -> not yet
    assert platelet_engraftment(plt, transfusion_days=[5, 9]) == Engraftment(Status.NOT_YET)
    plt = series(8, "12 15 24 28 31 33 35 40 42 45 47 50")  # days 8 … 19
    assert platelet_engraftment(plt, transfusion_days=[5, 9]) == Engraftment(Status.ENGRAFTED, 17)


def test_a_transfusion_within_the_seven_days_before_moves_the_start() -> None:
    plt = series(14, "8 25 26 27 28 29 30 31 32")  # day 14 below, ≥ 20 from day 15 to 22
    # transfused day 9: 6 days before day 15, 7 before day 16; day 17 is the first clear
    assert platelet_engraftment(plt, transfusion_days=[9]).day == 17
    # transfused day 8: 7 days before day 15 (still within d-7 … d-1); day 16 clear
    assert platelet_engraftment(plt, transfusion_days=[8]).day == 16
    # transfused day 7: 8 days before day 15: clear
    assert platelet_engraftment(plt, transfusion_days=[7]).day == 15


def test_a_transfusion_is_a_nadir_even_without_a_low_count() -> None:
    # only counts ≥ 20 recorded, but platelets were given on day 4: engrafted day 12
    plt = series(10, "22 24 25 30 31")
    assert platelet_engraftment(plt, transfusion_days=[4]) == Engraftment(Status.ENGRAFTED, 12)
    assert platelet_engraftment(plt) == Engraftment(Status.NEVER_BELOW)


def test_a_transfusion_before_day_0_still_counts_for_seven_days() -> None:
    # transfused day -2: days 0-5 tainted; below on day 3; run from day 6
    plt = series(0, "30 25 21 15 22 23 24 25 26")
    assert platelet_engraftment(plt, transfusion_days=[-2]).day == 6


def test_platelet_run_of_seven_days() -> None:
    plt = series(20, "10 21 22 23 24 25 26 27 28")  # days 20 … 28
    assert platelet_engraftment(plt, run_days=7).day == 21
    assert (
        platelet_engraftment(series(20, "10 21 22 23 24 25 26"), run_days=7).status
        is Status.NOT_YET
    )


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: neutrophil_engraftment({3: D(-1)}), "anc_negative"),
        (lambda: neutrophil_engraftment({3: D("NaN")}), "anc_invalid"),
        (lambda: neutrophil_engraftment({3: 0.5}), "anc_invalid"),  # type: ignore[dict-item]  # a float on purpose
        (lambda: neutrophil_engraftment({"3": D(1)}), "count_day_invalid"),  # type: ignore[dict-item]  # bad day on purpose
        (lambda: platelet_engraftment({3: D("1e6")}), "platelets_out_of_range"),
        (lambda: platelet_engraftment({3: D(10)}, run_days=5), "platelet_run_invalid"),
        (
            lambda: platelet_engraftment({3: D(10)}, transfusion_days=[None]),  # type: ignore[list-item]  # bad day on purpose
            "transfusion_day_invalid",
        ),
    ],
)
def test_bad_series_are_refused(call: object, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        call()  # type: ignore[operator]  # each case a callable
    assert refused.value.code == code


counts = st.dictionaries(
    st.integers(-10, 40), st.decimals(min_value=0, max_value=3, places=1), max_size=50
)


@given(counts)
def test_an_engraftment_day_is_the_start_of_a_qualifying_run(anc: dict[int, D]) -> None:
    result = neutrophil_engraftment(anc)
    if result.status is Status.ENGRAFTED:
        assert result.day is not None and result.day >= 0  # never before day 0
        assert all(anc.get(result.day + i, D(-1)) >= D("0.5") for i in range(3))
        assert any(v < D("0.5") for d, v in anc.items() if 0 <= d <= result.day)  # after a nadir
    else:
        assert result.day is None


@given(counts)
def test_dropping_the_counts_after_engraftment_changes_nothing(anc: dict[int, D]) -> None:
    result = neutrophil_engraftment(anc)
    if result.status is Status.ENGRAFTED and result.day is not None:
        kept = {d: v for d, v in anc.items() if d <= result.day + 2}
        assert neutrophil_engraftment(kept) == result


@given(
    st.dictionaries(
        st.integers(0, 40), st.decimals(min_value=0, max_value=80, places=0), max_size=40
    ),
    st.sets(st.integers(-10, 40), max_size=5),
)
def test_no_transfusion_in_the_week_before_or_during_the_run(
    plt: dict[int, D], transfused: set[int]
) -> None:
    result = platelet_engraftment(plt, transfusion_days=transfused)
    if result.day is not None:
        assert not any(result.day - 7 <= t <= result.day + 2 for t in transfused)
        assert all(plt.get(result.day + i, D(-1)) >= 20 for i in range(3))
