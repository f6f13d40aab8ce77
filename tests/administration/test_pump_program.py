"""The programming packet against rates computed by hand (volume / duration x 60)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.administration.domain.pump_program import (
    PumpLimits,
    PumpProgramRefused,
    pump_program_compute,
    rate_check,
)
from corsia.testing.administration import oxaliplatin_packet


def _packet(volume: str, minutes: int, dose: str = "100", **kw):  # type: ignore[no-untyped-def]  # test helper
    return oxaliplatin_packet(
        dose_mg=Decimal(dose), volume_ml=Decimal(volume), duration_min=minutes, **kw
    )


@pytest.mark.parametrize(
    ("volume", "minutes", "rate"),
    [
        ("250", 120, "125.0"),  # oxaliplatin 153 mg in 250 mL over 2 h: 250 / 2 = 125
        ("500", 180, "166.7"),  # 500 / 3 = 166.666... -> 166.7
        ("100", 7, "857.1"),  # 100 x 60 / 7 = 857.142857...
        ("230", 2760, "5.0"),  # 5-FU elastomeric pump, 230 mL over 46 h = 5 mL/h
        ("1", 240, "0.3"),  # 0.25 mL/h rounds half-up to 0.3
        ("50", 30, "100.0"),
    ],
)
def test_rate_is_volume_over_duration_rounded_to_a_tenth(
    volume: str, minutes: int, rate: str
) -> None:
    packet = _packet(volume, minutes)
    assert packet.rate_ml_h == Decimal(rate)
    assert str(packet.rate_ml_h) == rate


def test_packet_carries_drug_dose_volume_duration_and_concentration() -> None:
    packet = _packet("250", 120, dose="153")
    assert (packet.drug_code, packet.drug_name) == ("oxaliplatin", "Oxaliplatino")
    assert packet.dose_mg == Decimal("153")
    assert packet.volume_ml == Decimal("250")
    assert packet.duration_min == 120
    assert packet.concentration_mg_ml == Decimal("0.6120")  # 153 / 250


@pytest.mark.parametrize(
    ("volume", "minutes", "dose", "code"),
    [
        ("0", 60, "100", "volume_ml_not_positive"),
        ("-5", 60, "100", "volume_ml_not_positive"),
        ("100", 0, "100", "duration_min_not_positive"),
        ("100", -10, "100", "duration_min_not_positive"),
        ("100", 60, "0", "dose_mg_not_positive"),
        ("1000", 60, "100", "rate_too_high"),  # 1000 mL/h > 999.9
        ("1", 1440, "100", "rate_too_low"),  # 0.0417 -> 0.0 mL/h
        ("6000", 1440, "100", "volume_too_large"),
        ("100", 20161, "100", "duration_too_long"),
        ("NaN", 60, "100", "volume_ml_not_positive"),
    ],
)
def test_absurd_numbers_are_refused_with_a_code(
    volume: str, minutes: int, dose: str, code: str
) -> None:
    with pytest.raises(PumpProgramRefused) as refused:
        _packet(volume, minutes, dose=dose)
    assert refused.value.code == code
    assert refused.value.message  # Italian text for the nurse


def test_the_maximum_rate_is_a_setting() -> None:
    assert _packet("500", 60).rate_ml_h == Decimal("500.0")
    with pytest.raises(PumpProgramRefused) as refused:
        _packet("500", 60, limits=PumpLimits(rate_max_ml_h=Decimal("300")))
    assert refused.value.code == "rate_too_high"
    assert "300" in refused.value.message


def test_a_concentration_that_is_not_dose_over_volume_is_refused() -> None:
    assert _packet(
        "250", 120, dose="153", concentration_mg_ml=Decimal("0.612")
    ).rate_ml_h == Decimal("125.0")
    with pytest.raises(PumpProgramRefused) as refused:
        _packet("250", 120, dose="153", concentration_mg_ml=Decimal("0.7"))
    assert refused.value.code == "concentration_mismatch"


def test_missing_drug_is_refused() -> None:
    with pytest.raises(PumpProgramRefused) as refused:
        pump_program_compute(
            drug_code=" ",
            drug_name="",
            dose_unit="mg",
            dose_mg=Decimal(1),
            volume_ml=Decimal(100),
            duration_min=60,
        )
    assert refused.value.code == "drug_missing"


def test_rate_check_tolerance_by_hand() -> None:
    # 250 mL over 120 min: rounding allowance 0.05 mL/h x 2 h = 0.1 mL, plus 1 % = 2.5 mL -> 2.6 mL
    assert rate_check(rate_ml_h=Decimal("125.0"), volume_ml=Decimal(250), duration_min=120) == 0
    assert rate_check(
        rate_ml_h=Decimal("126.3"), volume_ml=Decimal(250), duration_min=120
    ) == Decimal("2.6")
    with pytest.raises(PumpProgramRefused) as refused:
        rate_check(rate_ml_h=Decimal("126.4"), volume_ml=Decimal(250), duration_min=120)  # 252.8 mL
    assert refused.value.code == "rate_volume_mismatch"
    with pytest.raises(PumpProgramRefused):
        rate_check(rate_ml_h=Decimal("150.0"), volume_ml=Decimal(250), duration_min=120)


@given(
    volume=st.decimals(min_value=Decimal("1"), max_value=Decimal("5000"), places=1),
    minutes=st.integers(min_value=1, max_value=20160),
)
def test_every_computed_rate_passes_the_pumps_own_check(volume: Decimal, minutes: int) -> None:
    try:
        packet = _packet(str(volume), minutes)
    except PumpProgramRefused as refused:
        assert refused.code in {"rate_too_high", "rate_too_low"}
        return
    assert Decimal("0.1") <= packet.rate_ml_h <= Decimal("999.9")
    rate_check(rate_ml_h=packet.rate_ml_h, volume_ml=packet.volume_ml, duration_min=minutes)


def test_ADM_PUMP_01_a_dose_in_ui_is_never_sent_to_the_pump_as_mg() -> None:
    # asparaginase 10 000 UI in 100 mL over 60 min: RXG-17/18 would code it mg: refused
    with pytest.raises(PumpProgramRefused) as refused:
        pump_program_compute(
            drug_code="asparaginase",
            drug_name="Asparaginasi",
            dose_mg=Decimal(10000),
            dose_unit="UI",
            volume_ml=Decimal(100),
            duration_min=60,
        )
    assert refused.value.code == "pump_dose_unit"
    assert "UI" in refused.value.message
