"""Trough levels against hospital-set ranges by period, and the sample-to-dose timing.
The ranges below are an example hospital table, not a recommendation."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.immunosuppression import (
    Band,
    Drug,
    TargetRange,
    Timing,
    classify_level,
    trough_timing,
)

RANGES = [
    TargetRange(drug=Drug.CICLOSPORIN, from_day=-1, to_day=90, low=D(200), high=D(300)),
    TargetRange(drug=Drug.CICLOSPORIN, from_day=91, to_day=180, low=D(100), high=D(200)),
    TargetRange(drug=Drug.TACROLIMUS, from_day=0, to_day=180, low=D(5), high=D(15)),
]


@pytest.mark.parametrize(
    ("drug", "level", "day", "band"),
    [
        (Drug.CICLOSPORIN, "150", 20, Band.LOW),
        (Drug.CICLOSPORIN, "199.9", 20, Band.LOW),
        (Drug.CICLOSPORIN, "200", 20, Band.IN_RANGE),  # bounds included
        (Drug.CICLOSPORIN, "300", 90, Band.IN_RANGE),
        (Drug.CICLOSPORIN, "301", 90, Band.HIGH),
        (Drug.CICLOSPORIN, "250", 91, Band.HIGH),  # the second period's range 100-200
        (Drug.CICLOSPORIN, "150", 181, Band.NO_TARGET),
        (Drug.TACROLIMUS, "4.9", 10, Band.LOW),
        (Drug.TACROLIMUS, "12", 10, Band.IN_RANGE),
        (Drug.SIROLIMUS, "8", 10, Band.NO_TARGET),
    ],
)
def test_bands(drug: Drug, level: str, day: int, band: Band) -> None:
    result = classify_level(
        drug=drug, level_ng_ml=D(level), day=day, ranges=RANGES, timing=Timing.TROUGH
    )
    assert result.band is band


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def test_trough_timing() -> None:
    # next dose 08:00, window 60 minutes
    assert (
        trough_timing(sampled_at=at(7, 30), next_dose_at=at(8), window_minutes=60) is Timing.TROUGH
    )
    assert trough_timing(sampled_at=at(7), next_dose_at=at(8), window_minutes=60) is Timing.TROUGH
    assert (
        trough_timing(sampled_at=at(6, 59), next_dose_at=at(8), window_minutes=60)
        is Timing.TOO_EARLY
    )
    assert (
        trough_timing(sampled_at=at(8, 15), next_dose_at=at(8), window_minutes=60)
        is Timing.AFTER_DOSE
    )
    assert (
        trough_timing(sampled_at=at(8), next_dose_at=None, window_minutes=60) is Timing.DOSE_UNKNOWN
    )


def test_a_sample_after_the_dose_is_not_classified() -> None:
    result = classify_level(
        drug=Drug.CICLOSPORIN, level_ng_ml=D(900), day=10, ranges=RANGES, timing=Timing.AFTER_DOSE
    )
    assert result.band is Band.NOT_A_TROUGH
    assert result.target is RANGES[0]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"from_day": 10, "to_day": 5, "low": D(1), "high": D(2)}, "target_period_inverted"),
        ({"from_day": 0, "to_day": 5, "low": D(3), "high": D(2)}, "target_range_inverted"),
        ({"from_day": 0, "to_day": 5, "low": D(1), "high": D("1e308")}, "target_high_out_of_range"),
    ],
)
def test_bad_ranges(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        TargetRange(drug=Drug.TACROLIMUS, **kwargs)  # type: ignore[arg-type]  # built by case
    assert err.value.code == code


def test_overlapping_ranges_are_refused() -> None:
    overlapping = [
        *RANGES,
        TargetRange(drug=Drug.TACROLIMUS, from_day=100, to_day=365, low=D(3), high=D(8)),
    ]
    with pytest.raises(ValidationFailed) as err:
        classify_level(
            drug=Drug.TACROLIMUS, level_ng_ml=D(5), day=10, ranges=overlapping, timing=Timing.TROUGH
        )
    assert err.value.code == "target_periods_overlap"


def test_bad_levels() -> None:
    for bad in (D("NaN"), D("-1"), D("1e308")):
        with pytest.raises(ValidationFailed):
            classify_level(
                drug=Drug.TACROLIMUS, level_ng_ml=bad, day=1, ranges=RANGES, timing=Timing.TROUGH
            )
    with pytest.raises(ValidationFailed) as err:
        trough_timing(sampled_at=datetime(2026, 3, 2, 7), next_dose_at=at(8), window_minutes=60)  # noqa: DTZ001 — the naive time under test
    assert err.value.code == "naive_datetime"
