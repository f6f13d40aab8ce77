"""CMV/EBV-DNA: units, log10 change and the 0.5 log10 rule (Kotton 2018), thresholds as data.
The expected logarithms are worked out by hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.viral import (
    Change,
    Kind,
    Load,
    Threshold,
    Unit,
    Virus,
    classify_change,
    log10_change,
    log10_load,
    trend,
)


def q(value: str, day: int = 1, unit: Unit = Unit.IU_ML, **kw: object) -> Load:
    return Load(
        virus=Virus.CMV,
        sampled_on=date(2026, 1, day),
        kind=Kind.QUANTIFIED,
        unit=unit,
        value=D(value),
        **kw,  # type: ignore[arg-type]  # the optional fields of Load, by name
    )


def nd(day: int = 1, kind: Kind = Kind.NOT_DETECTED) -> Load:
    return Load(virus=Virus.CMV, sampled_on=date(2026, 1, day), kind=kind)


def test_log10_of_loads() -> None:
    assert log10_load(D(1000)) == D("3.00")
    assert log10_load(D(5000)) == D("3.70")  # log10 5 = 0.69897
    assert log10_load(D(137)) == D("2.14")  # log10 137 = 2.13672


def test_five_fold_rise_is_significant() -> None:
    # 1000 -> 5000 IU/mL: log10 5 = 0.699 >= 0.5
    assert log10_change(q("1000"), q("5000", 2)) == D("0.70")
    assert classify_change(q("1000"), q("5000", 2)) is Change.SIGNIFICANT_RISE


def test_three_fold_rise_is_within_variability() -> None:
    # 1000 -> 3000: log10 3 = 0.477 < 0.5
    assert log10_change(q("1000"), q("3000", 2)) == D("0.48")
    assert classify_change(q("1000"), q("3000", 2)) is Change.STABLE


def test_the_rule_compares_the_unrounded_change() -> None:
    # 1000 -> 3150: log10 3.15 = 0.4983, shown 0.50 but below 0.5
    assert log10_change(q("1000"), q("3150", 2)) == D("0.50")
    assert classify_change(q("1000"), q("3150", 2)) is Change.STABLE
    # 1000 -> 3163: log10 3.163 = 0.50010, a significant rise
    assert classify_change(q("1000"), q("3163", 2)) is Change.SIGNIFICANT_RISE


def test_ten_fold_fall() -> None:
    assert log10_change(q("20000"), q("2000", 2)) == D("-1.00")
    assert classify_change(q("20000"), q("2000", 2)) is Change.SIGNIFICANT_FALL


def test_unquantified_results_change_by_kind() -> None:
    assert classify_change(nd(), q("500", 2)) is Change.NEW_DETECTION
    assert classify_change(q("500"), nd(2, Kind.BELOW_LLOQ)) is Change.CLEARED
    assert classify_change(nd(), nd(2, Kind.BELOW_LLOQ)) is Change.UNQUANTIFIED
    assert log10_change(nd(), q("500", 2)) is None


def test_copies_convert_only_with_the_assay_factor() -> None:
    # 1000 copies/mL × 1.56 IU/copy (the assay's stated factor) = 1560 IU/mL
    copies = q("1000", unit=Unit.COPIES_ML, iu_per_copy=D("1.56"))
    assert copies.iu_ml == D("1560.00")
    # 1560 -> 15600 IU/mL: +1 log10
    assert log10_change(copies, q("15600", 2)) == D("1.00")
    bare = q("1000", unit=Unit.COPIES_ML)
    assert bare.iu_ml is None
    assert classify_change(bare, q("15600", 2)) is Change.NOT_COMPARABLE
    # copies with copies of the same assay compare as they are
    assert classify_change(bare, q("10000", 2, unit=Unit.COPIES_ML)) is Change.SIGNIFICANT_RISE


def test_threshold_crossings_in_a_series() -> None:
    threshold = Threshold(virus=Virus.CMV, value=D(1000), label="Pre-emptive, alto rischio")
    series = [
        nd(1),
        q("500", 8),
        q("1500", 15),  # crosses
        q("2000", 22),  # still above: not a new crossing
        q("800", 29),
        nd(30, Kind.BELOW_LLOQ),
        q("1000", 31),  # crosses again (bound included)
    ]
    rows = trend(list(reversed(series)), threshold)  # the order given does not matter
    assert [r.crosses_threshold for r in rows] == [False, False, True, False, False, False, True]
    assert [r.threshold_reached for r in rows] == [False, False, True, True, False, False, True]
    assert rows[0].change is None
    # 500 -> 1500: log10 3 = 0.477, below 0.5: crossing a threshold is not a significant rise
    assert rows[2].change is Change.STABLE
    assert rows[2].delta_log10 == D("0.48")
    assert rows[1].change is Change.NEW_DETECTION


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": Kind.QUANTIFIED}, "viral_load_missing"),
        ({"kind": Kind.NOT_DETECTED, "value": D(10)}, "viral_load_value_unexpected"),
        ({"kind": Kind.QUANTIFIED, "value": D("1e308")}, "viral_load_out_of_range"),
        ({"kind": Kind.QUANTIFIED, "value": D("NaN")}, "viral_load_invalid"),
        ({"kind": Kind.QUANTIFIED, "value": D(0)}, "viral_load_out_of_range"),
        ({"kind": Kind.QUANTIFIED, "value": D(100), "lloq": D(137)}, "viral_load_below_lloq"),
        (
            {"kind": Kind.QUANTIFIED, "value": D(100), "iu_per_copy": D(2)},
            "iu_per_copy_unexpected",
        ),
    ],
)
def test_bad_results_are_refused(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        Load(virus=Virus.CMV, sampled_on=date(2026, 1, 1), **kwargs)  # type: ignore[arg-type]  # built by case
    assert err.value.code == code


def test_viruses_are_not_mixed() -> None:
    ebv = Load(virus=Virus.EBV, sampled_on=date(2026, 1, 2), kind=Kind.NOT_DETECTED)
    with pytest.raises(ValidationFailed):
        classify_change(nd(), ebv)
    with pytest.raises(ValidationFailed):
        trend([nd(), ebv])


@given(
    st.integers(min_value=1, max_value=10**9),
    st.integers(min_value=1, max_value=10**9),
)
def test_change_is_antisymmetric(a: int, b: int) -> None:
    up = log10_change(q(str(a)), q(str(b), 2))
    down = log10_change(q(str(b)), q(str(a), 2))
    assert up is not None and down is not None
    assert abs(up + down) <= D("0.01")
    rise = classify_change(q(str(a)), q(str(b), 2))
    fall = classify_change(q(str(b)), q(str(a), 2))
    mirror = {
        Change.SIGNIFICANT_RISE: Change.SIGNIFICANT_FALL,
        Change.SIGNIFICANT_FALL: Change.SIGNIFICANT_RISE,
        Change.STABLE: Change.STABLE,
    }
    assert mirror[rise] is fall
