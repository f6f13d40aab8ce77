"""Vital signs, pure: hard limits refuse, soft flags (NEWS2 bands) mark, chart geometry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.records.domain import vitals, vitals_chart
from corsia.records.domain.vitals import Flag, Vital

V = Vital


@pytest.mark.parametrize(
    ("vital", "raw", "expected"),
    [
        (V.TEMPERATURE, "37,45", Decimal("37.5")),
        (V.TEMPERATURE, "25", Decimal("25.0")),
        (V.TEMPERATURE, "45.0", Decimal("45.0")),
        (V.SPO2, "0", Decimal(0)),
        (V.SPO2, 100, Decimal(100)),
        (V.HEART_RATE, "20", Decimal(20)),
        (V.PAIN, "10", Decimal(10)),
    ],
)
def test_values_within_the_hard_limits_are_kept(
    vital: Vital, raw: object, expected: Decimal
) -> None:
    assert vitals.checked_value(vital, raw) == expected


@pytest.mark.parametrize(
    ("vital", "raw", "code"),
    [
        (V.TEMPERATURE, "375", "vital_out_of_range"),
        (V.TEMPERATURE, "24.9", "vital_out_of_range"),
        (V.SPO2, "101", "vital_out_of_range"),
        (V.HEART_RATE, "19", "vital_out_of_range"),
        (V.HEART_RATE, "301", "vital_out_of_range"),
        (V.SYSTOLIC, "39", "vital_out_of_range"),
        (V.PAIN, "11", "vital_out_of_range"),
        (V.PAIN, "3.5", "vital_invalid"),
        (V.HEART_RATE, "abc", "vital_invalid"),
        (V.HEART_RATE, "NaN", "vital_invalid"),
        (V.HEART_RATE, "1e400", "vital_out_of_range"),
        (V.HEART_RATE, "9" * 60, "vital_out_of_range"),
    ],
)
def test_values_outside_the_hard_limits_are_refused(vital: Vital, raw: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        vitals.checked_value(vital, raw)
    assert (refused.value.code, refused.value.field) == (code, vital.value)


def test_the_message_names_the_limits_in_italian() -> None:
    with pytest.raises(ValidationFailed) as refused:
        vitals.checked_value(V.TEMPERATURE, "375")
    assert refused.value.message == (
        "Temperatura 375 °C fuori dai limiti fisiologici (25–45 °C): controlla il valore."
    )


def test_a_reading_needs_a_value_both_pressures_and_systolic_above_diastolic() -> None:
    with pytest.raises(ValidationFailed, match="almeno un parametro"):
        vitals.checked_reading({})
    with pytest.raises(ValidationFailed) as incomplete:
        vitals.checked_reading({V.SYSTOLIC: "120"})
    assert incomplete.value.code == "blood_pressure_incomplete"
    with pytest.raises(ValidationFailed) as inverted:
        vitals.checked_reading({V.SYSTOLIC: "80", V.DIASTOLIC: "80"})
    assert inverted.value.code == "blood_pressure_inverted"
    reading = vitals.checked_reading({V.SYSTOLIC: "120", V.DIASTOLIC: "80", V.SPO2: ""})
    assert (reading.systolic_bp, reading.diastolic_bp, reading.spo2) == (
        Decimal(120),
        Decimal(80),
        None,
    )


@pytest.mark.parametrize(
    ("vital", "value", "expected"),
    [
        (V.RESPIRATORY_RATE, "11", Flag.LOW),
        (V.RESPIRATORY_RATE, "12", None),
        (V.RESPIRATORY_RATE, "21", Flag.HIGH),
        (V.SPO2, "95", Flag.LOW),
        (V.SPO2, "96", None),
        (V.SYSTOLIC, "110", Flag.LOW),
        (V.SYSTOLIC, "220", Flag.HIGH),
        (V.HEART_RATE, "50", Flag.LOW),
        (V.HEART_RATE, "91", Flag.HIGH),
        (V.TEMPERATURE, "36.0", Flag.LOW),
        (V.TEMPERATURE, "38.0", None),
        (V.TEMPERATURE, "38.1", Flag.HIGH),
        (V.DIASTOLIC, "90", Flag.HIGH),
        (V.PAIN, "3", None),
        (V.PAIN, "4", Flag.HIGH),
    ],
)
def test_soft_flags_follow_the_news2_bands(vital: Vital, value: str, expected: Flag | None) -> None:
    assert vitals.flag(vital, Decimal(value)) is expected


def test_chart_panel_places_oldest_left_and_higher_values_up() -> None:
    start = datetime(2026, 12, 1, 8, tzinfo=UTC)
    series = [(start + timedelta(hours=12), Decimal("38.5")), (start, Decimal("36.5"))]
    panel = vitals_chart.panel(V.TEMPERATURE, series)
    assert panel is not None
    first, second = panel.dots
    assert (first.at, second.at) == (start, start + timedelta(hours=12))
    assert (
        first.x == vitals_chart.PAD_LEFT and second.x == vitals_chart.WIDTH - vitals_chart.PAD_RIGHT
    )
    assert second.y < first.y  # 38.5 is drawn above 36.5
    assert (first.flag, second.flag) == (None, Flag.HIGH)
    assert panel.points == f"{first.x},{first.y} {second.x},{second.y}"
    assert panel.band_y is not None and panel.band_height > 0
    assert vitals_chart.panel(V.TEMPERATURE, []) is None
    single = vitals_chart.panel(V.SPO2, [(start, Decimal(97))])
    assert single is not None and single.dots[0].x == vitals_chart.PAD_LEFT + single.plot_width / 2
