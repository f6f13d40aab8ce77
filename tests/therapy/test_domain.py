"""The ward therapy's pure rules, against values worked out by hand in each test."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.prescribing.domain.quantity import AmountUnit, Quantity
from corsia.therapy.domain import limits, schedule
from corsia.therapy.domain.schedule import Frequency, Plan

G = AmountUnit.G
MG = AmountUnit.MG


def q(value: str, unit: AmountUnit) -> Quantity:
    return Quantity(Decimal(value), unit)


PARACETAMOL = limits.DailyMaximum(
    ingredient="paracetamol",
    max_daily=q("4", G),
    renal_threshold_ml_min=Decimal(30),
    renal_advice="intervallo di almeno 6 ore",
    source="RCP",
)


# --- times and days ------------------------------------------------------------------------------


def test_times_are_read_as_typed_and_sorted() -> None:
    assert schedule.parse_times(["20:00", "8.00", " 14:30 ", ""]) == (
        time(8, 0),
        time(14, 30),
        time(20, 0),
    )


@pytest.mark.parametrize(
    ("texts", "code"),
    [
        (["25:00"], "time_invalid"),
        (["8"], "time_invalid"),
        (["08:00", "8:00"], "time_repeated"),
        ([], "times_required"),
        (["\x00"], "time_invalid"),
    ],
)
def test_a_malformed_time_list_is_refused(texts: list[str], code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        schedule.parse_times(texts)
    assert refused.value.code == code


def test_a_scheduled_drug_for_3_days_is_due_on_the_1st_2nd_and_3rd_day_only() -> None:
    # from 10 March for 3 days: 10, 11 and 12 March (10 + 3 − 1 = 12)
    plan = Plan(Frequency.SCHEDULED, date(2026, 3, 10), times=(time(8), time(20)), days=3)
    assert plan.last_day() == date(2026, 3, 12)
    assert plan.times_on(date(2026, 3, 9)) == ()
    assert plan.times_on(date(2026, 3, 10)) == (time(8), time(20))
    assert plan.times_on(date(2026, 3, 12)) == (time(8), time(20))
    assert plan.times_on(date(2026, 3, 13)) == ()


def test_until_stopped_is_due_every_day_from_its_start() -> None:
    plan = Plan(Frequency.SCHEDULED, date(2026, 3, 10), times=(time(8),), days=None)
    assert plan.last_day() is None
    assert plan.times_on(date(2027, 1, 1)) == (time(8),)


@pytest.mark.parametrize("days", [0, -1, 366, True])
def test_a_duration_outside_1_to_365_days_is_refused(days: int) -> None:
    with pytest.raises(ValidationFailed):
        schedule.ensure_days(days)


# --- as needed -----------------------------------------------------------------------------------


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_an_as_needed_dose_before_its_minimum_interval_is_refused_saying_when() -> None:
    # last dose at 08:00, at least 6 hours: not before 14:00
    with pytest.raises(ConflictError) as refused:
        schedule.ensure_prn_dose_allowed(
            given_at=[at(8)], now=at(13, 59), min_interval_hours=Decimal(6), max_per_day=4,
            drug="Paracetamolo",
        )  # fmt: skip
    assert refused.value.code == "prn_interval_not_elapsed"
    assert "prima delle 14:00 del 10/03" in refused.value.message
    assert "6 ore" in refused.value.message
    schedule.ensure_prn_dose_allowed(
        given_at=[at(8)], now=at(14), min_interval_hours=Decimal(6), max_per_day=4, drug="P"
    )


def test_the_third_as_needed_dose_in_24_hours_is_refused_when_the_maximum_is_two() -> None:
    # given at 02:00 and 10:00; at 20:00 two are within the last 24 hours: refused; the
    # next is possible when the 02:00 dose leaves the window, at 02:00 of the next day
    with pytest.raises(ConflictError) as refused:
        schedule.ensure_prn_dose_allowed(
            given_at=[at(10), at(2)], now=at(20), min_interval_hours=Decimal(4), max_per_day=2,
            drug="Paracetamolo",
        )  # fmt: skip
    assert refused.value.code == "prn_daily_max_reached"
    assert "massimo di 2 dosi" in refused.value.message
    assert "dalle 02:00 del 11/03" in refused.value.message
    # 24 hours after the 02:00 dose it is allowed
    schedule.ensure_prn_dose_allowed(
        given_at=[at(10), at(2)], now=at(2, day=11), min_interval_hours=Decimal(4),
        max_per_day=2, drug="P",
    )  # fmt: skip


@given(
    gaps=st.lists(st.integers(min_value=0, max_value=48 * 60), min_size=0, max_size=8),
    interval=st.integers(min_value=1, max_value=24),
    most=st.integers(min_value=1, max_value=6),
)
def test_what_is_allowed_never_breaks_the_interval_nor_the_maximum(
    gaps: list[int], interval: int, most: int
) -> None:
    # a nurse asks for a dose at each moment; the allowed ones, as a whole, keep both rules
    given_at: list[datetime] = []
    now = at(0)
    for gap in gaps:
        now += timedelta(minutes=gap)
        try:
            schedule.ensure_prn_dose_allowed(
                given_at=given_at, now=now, min_interval_hours=Decimal(interval),
                max_per_day=most, drug="X",
            )  # fmt: skip
        except ConflictError:
            continue
        given_at.append(now)
    for a, b in itertools.pairwise(given_at):
        assert b - a >= timedelta(hours=interval)
    for moment in given_at:
        window = [t for t in given_at if moment - timedelta(hours=24) < t <= moment]
        assert len(window) <= most


@pytest.mark.parametrize(
    ("indication", "hours", "most", "code"),
    [
        ("", Decimal(6), 4, "prn_indication_required"),
        ("dolore", Decimal("0.25"), 4, "prn_interval_invalid"),
        ("dolore", Decimal("NaN"), 4, "prn_interval_invalid"),
        ("dolore", Decimal(6), 0, "prn_max_invalid"),
        ("dolore", Decimal(6), None, "prn_max_invalid"),
    ],
)
def test_an_as_needed_drug_needs_indication_interval_and_maximum(
    indication: str, hours: Decimal, most: int | None, code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        schedule.ensure_prn_rules(indication=indication, min_interval_hours=hours, max_per_day=most)
    assert refused.value.code == code


# --- dose limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [Decimal(0), Decimal(-1), Decimal("NaN"), Decimal("Infinity"), Decimal("1e308")]
)
def test_a_dose_must_be_positive_and_finite(value: Decimal) -> None:
    with pytest.raises(ValidationFailed) as refused:
        limits.ensure_dose(value, "mg")
    assert refused.value.code == "dose_invalid"


def test_an_unknown_dose_unit_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        limits.ensure_dose(Decimal(1), "cucchiai")
    assert refused.value.code == "dose_unit_invalid"


def test_paracetamol_1_g_three_times_and_1_g_as_needed_twice_is_5_g_above_4_g() -> None:
    # 1 g × 3 + 1 g × 2 = 5 g > 4 g
    amounts = [limits.DailyAmount(q("1", G), 3), limits.DailyAmount(q("1", G), 2)]
    assert limits.daily_total(amounts, G) == q("5", G)
    block = limits.daily_max_block(amounts, PARACETAMOL, drug="Paracetamolo")
    assert block is not None
    assert block.code == "daily_max_exceeded"
    assert "fino a 5 g al giorno" in block.message
    assert "4 g" in block.message


def test_exactly_the_daily_maximum_is_allowed_across_units() -> None:
    # 500 mg × 4 = 2 g, plus 1 g × 2 = 2 g: 4 g, the maximum itself
    amounts = [limits.DailyAmount(q("500", MG), 4), limits.DailyAmount(q("1", G), 2)]
    assert limits.daily_max_block(amounts, PARACETAMOL, drug="P") is None
    # 1000 mg × 4 + 500 mg × 1 = 4.5 g: above
    over = [limits.DailyAmount(q("1000", MG), 4), limits.DailyAmount(q("500", MG), 1)]
    block = limits.daily_max_block(over, PARACETAMOL, drug="P")
    assert block is not None
    assert "4,5 g" in block.message


def test_a_dose_in_another_dimension_is_not_summed_with_mass() -> None:
    # 10 mL cannot be added to grams: only the 3 g count, within 4 g
    amounts = [limits.DailyAmount(q("1", G), 3), limits.DailyAmount(q("10", AmountUnit.ML), 4)]
    assert limits.daily_max_block(amounts, PARACETAMOL, drug="P") is None


def test_the_maximum_single_dose_converts_units() -> None:
    # vincristine-like ceiling 2 mg: 2,000 mcg is 2 mg (allowed), 2.5 mg is above
    limit = q("2", MG)
    assert limits.max_single_block(q("2000", AmountUnit.MCG), limit, drug="X") is None
    block = limits.max_single_block(q("2.5", MG), limit, drug="X")
    assert block is not None
    assert block.code == "max_dose_exceeded"


def test_renal_warning_below_the_threshold_only() -> None:
    # Cockcroft–Gault, man of 70, 70 kg: creatinine 2.5 mg/dL → (140 − 70) × 70 / (72 × 2.5)
    # = 4900 / 180 = 27.2 mL/min < 30; creatinine 2.0 → 4900 / 144 = 34.0 mL/min ≥ 30
    warning = limits.renal_warning(Decimal(4900) / Decimal(180), PARACETAMOL, drug="P")
    assert warning is not None
    assert "27 mL/min" in warning.message
    assert limits.renal_warning(Decimal(4900) / Decimal(144), PARACETAMOL, drug="P") is None
    assert limits.renal_warning(None, PARACETAMOL, drug="P") is None


def test_a_block_is_lifted_only_by_a_reason() -> None:
    blocks = [limits.Block("daily_max_exceeded", "troppo")]
    with pytest.raises(ValidationFailed) as refused:
        limits.ensure_blocks_lifted(blocks, override_reason="   ")
    assert refused.value.code == "daily_max_exceeded"
    assert refused.value.field == "override_reason"
    limits.ensure_blocks_lifted(blocks, override_reason="dolore oncologico, monitoraggio epatico")


def test_the_shipped_table_reads() -> None:
    from corsia.therapy.services.checks import daily_maxima

    table = daily_maxima()
    assert table["paracetamol"].max_daily == q("4", G)
    assert table["paracetamol"].renal_threshold_ml_min == Decimal(30)
    assert table["ondansetron"].max_daily == q("32", MG)
