"""Physiological ranges, weight change, final-dose reason."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.checks import final_dose_check, weight_change_check
from corsia.prescribing.domain.patient import PatientMeasures, Sex

D = Decimal
VALID: dict[str, Any] = {
    "sex": Sex.FEMALE,
    "age_years": D(63),
    "height_cm": D(165),
    "weight_kg": D(70),
    "serum_creatinine_mg_dl": D("0.9"),
    "measured_gfr_ml_min": None,
}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("weight_kg", "0", "weight_out_of_range"),
        ("weight_kg", "-70", "weight_out_of_range"),
        ("weight_kg", "400.01", "weight_out_of_range"),
        ("height_cm", "29.9", "height_out_of_range"),
        ("height_cm", "250.1", "height_out_of_range"),
        ("height_cm", "1.65", "height_out_of_range"),  # metres typed in cm
        ("age_years", "-1", "age_out_of_range"),
        ("age_years", "121", "age_out_of_range"),
        ("serum_creatinine_mg_dl", "0", "creatinine_out_of_range"),
        ("serum_creatinine_mg_dl", "-0.9", "creatinine_out_of_range"),
        ("serum_creatinine_mg_dl", "80", "creatinine_out_of_range"),  # µmol/L typed in mg/dL
        ("measured_gfr_ml_min", "0", "gfr_out_of_range"),
        ("measured_gfr_ml_min", "301", "gfr_out_of_range"),
        ("weight_kg", "NaN", "weight_out_of_range"),
        ("height_cm", "Infinity", "height_out_of_range"),
    ],
)
def test_out_of_range_measures_are_refused_naming_the_field(
    field: str, value: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        PatientMeasures(**{**VALID, field: D(value)})
    assert refused.value.code == code
    assert refused.value.field == field
    assert refused.value.status == 422
    assert "fuori dall'intervallo fisiologico" in refused.value.message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weight_kg", "400"),
        ("weight_kg", "0.3"),
        ("height_cm", "30"),
        ("height_cm", "250"),
        ("age_years", "0"),
        ("age_years", "120"),
        ("serum_creatinine_mg_dl", "25"),
        ("measured_gfr_ml_min", "300"),
    ],
)
def test_range_boundaries_are_accepted(field: str, value: str) -> None:
    assert getattr(PatientMeasures(**{**VALID, field: D(value)}), field) == D(value)


def test_sex_must_be_the_enum() -> None:
    with pytest.raises(ValidationFailed) as refused:
        PatientMeasures(**{**VALID, "sex": "X"})
    assert (refused.value.code, refused.value.field) == ("sex_invalid", "sex")


# (previous kg, current kg, change % by hand, recalculation required)
@pytest.mark.parametrize(
    ("previous", "current", "change", "required"),
    [
        ("70", "63", "-10", True),  # −7 / 70 = −10 % exactly
        ("70", "77", "10", True),  # +7 / 70 = +10 % exactly
        ("70", "63.1", "-9.857", False),  # −6.9 / 70
        ("70", "76.9", "9.857", False),
        ("70", "70", "0", False),
        ("80", "60", "-25", True),
        ("50", "56", "12", True),
        ("100", "91", "-9", False),
        ("100", "90", "-10", True),
        ("12.5", "11.25", "-10", True),  # a child: −1.25 / 12.5
    ],
)
def test_weight_change_of_ten_percent_forces_recalculation(
    previous: str, current: str, change: str, required: bool
) -> None:
    result = weight_change_check(previous_kg=D(previous), current_kg=D(current))
    assert result.recalculation_required is required
    assert result.change_pct.quantize(D("0.001")) == D(change).quantize(D("0.001"))


def test_weight_change_refuses_an_impossible_weight() -> None:
    with pytest.raises(ValidationFailed) as refused:
        weight_change_check(previous_kg=D(0), current_kg=D(70))
    assert refused.value.field == "weight_kg"


def test_final_dose_equal_to_calculated_needs_no_reason() -> None:
    assert final_dose_check(calculated_mg=D(315), final_mg=D(315), reason=None) == D(0)


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_final_dose_differing_without_reason_is_refused(reason: str | None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        final_dose_check(calculated_mg=D("313.46"), final_mg=D(250), reason=reason)
    assert refused.value.code == "final_dose_reason_required"
    assert refused.value.field == "final_dose_reason"


def test_final_dose_differing_with_reason_gives_the_deviation() -> None:
    # (250 − 312.5) / 312.5 = −20 %
    deviation = final_dose_check(
        calculated_mg=D("312.5"), final_mg=D(250), reason="Riduzione 20 % per neutropenia G3"
    )
    assert deviation == D(-20)


@pytest.mark.parametrize("final", ["0", "-10", "NaN"])
def test_final_dose_must_be_positive(final: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        final_dose_check(calculated_mg=D(100), final_mg=D(final), reason="x")
    assert refused.value.code == "final_dose_out_of_range"
