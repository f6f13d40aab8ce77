"""Renal function and size for children, the elderly and the stale: pure domain tests.

Every expected value is a hand calculation written next to its case.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.assessment import assess_patient
from corsia.prescribing.domain.dose import DoseComponent, DoseUnit, compute_dose
from corsia.prescribing.domain.freshness import (
    Dated,
    MaxAges,
    Measure,
    MeasureStale,
    newest_renal,
    stale,
)
from corsia.prescribing.domain.patient import PatientMeasures, Sex
from corsia.prescribing.domain.policy import ChildAucFormula, DosingPolicy, WeightBasis
from corsia.prescribing.domain.renal import newell, schwartz_bedside

D = Decimal
HALF_UNIT_4DP = D("0.00005")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _child(height: str, weight: str, age: str, **kw: Decimal) -> PatientMeasures:
    return PatientMeasures(
        sex=Sex.MALE, age_years=D(age), height_cm=D(height), weight_kg=D(weight), **kw
    )


# ---------------------------------------------------------------- Schwartz, Newell


def test_H_renal_child_schwartz_bedside_reference() -> None:
    # Schwartz 2009: 0.413 × 110 / 0.5 = 45.43 / 0.5 = 90.86 mL/min/1.73 m²
    step = schwartz_bedside(height_cm=D(110), serum_creatinine_mg_dl=D("0.5"))
    assert step.value == D("90.860")
    assert step.unit == "mL/min/1.73m²"


def test_H_renal_child_uses_schwartz_not_cockcroft_gault() -> None:
    # 110 cm, 19 kg: Mosteller BSA = √(110 × 19 / 3600) = √0.580556 = 0.761942 m²
    # eGFR 90.86 × 0.761942 / 1.73 = 40.0174 mL/min (absolute, for the dose formulas;
    # float check: 0.413*110/0.5*math.sqrt(110*19/3600)/1.73 = 40.01737).
    # Cockcroft-Gault would have given (140 − 5) × 19 / (72 × 0.5) = 71.25 mL/min.
    body = assess_patient(_child("110", "19", "5", serum_creatinine_mg_dl=D("0.5")), DosingPolicy())
    assert body.renal_function is not None
    assert abs(body.renal_function.value - D("40.0174")) <= HALF_UNIT_4DP
    assert "Schwartz" in body.render()
    assert "Cockcroft" not in body.render()


def test_H_renal_newell_paediatric_carboplatin_reference() -> None:
    # Newell: AUC 6, GFR 60 mL/min, 20 kg -> 6 × (60 + 0.36 × 20) = 6 × 67.2 = 403.2 mg
    body = assess_patient(
        _child("115", "20", "6", measured_gfr_ml_min=D(60)),
        DosingPolicy(child_auc_formula=ChildAucFormula.NEWELL),
    )
    result = compute_dose(DoseComponent("carboplatino", D(6), DoseUnit.AUC), body)
    assert result.dose == D("403.2")
    assert "Newell" in result.render()
    step = newell(target_auc=D(6), gfr=body.renal_function, weight_kg=D(20))  # type: ignore[arg-type]  # set above
    assert step.value == D("403.2")


def test_H_renal_child_calvert_when_the_policy_chooses_it() -> None:
    # Calvert: 6 × (60 + 25) = 510 mg
    body = assess_patient(
        _child("115", "20", "6", measured_gfr_ml_min=D(60)),
        DosingPolicy(child_auc_formula=ChildAucFormula.CALVERT),
    )
    assert compute_dose(DoseComponent("carboplatino", D(6), DoseUnit.AUC), body).dose == D(510)


def test_H_renal_child_auc_without_a_paediatric_formula_is_refused() -> None:
    body = assess_patient(_child("115", "20", "6", measured_gfr_ml_min=D(60)), DosingPolicy())
    with pytest.raises(ValidationFailed) as refused:
        compute_dose(DoseComponent("carboplatino", D(6), DoseUnit.AUC), body)
    assert refused.value.code == "paediatric_auc_formula_missing"


def test_H_renal_adult_carboplatin_from_todays_creatinine() -> None:
    # M, 68 y, 67.5 kg, creatinine 2.5: CG = (140 − 68) × 67.5 / (72 × 2.5) = 4860 / 180
    # = 27 mL/min; Calvert AUC 6 -> 6 × (27 + 25) = 312 mg (not 6 × (110 + 25) = 810 mg).
    body = assess_patient(
        PatientMeasures(
            sex=Sex.MALE,
            age_years=D(68),
            height_cm=D(172),
            weight_kg=D("67.5"),
            serum_creatinine_mg_dl=D("2.5"),
        ),
        DosingPolicy(),
    )
    assert body.renal_function is not None
    assert body.renal_function.value == D(27)
    assert compute_dose(DoseComponent("carboplatino", D(6), DoseUnit.AUC), body).dose == D(312)


# ---------------------------------------------------------------- minimum creatinine

MALE_70_SCR_LOW = PatientMeasures(
    sex=Sex.MALE,
    age_years=D(70),
    height_cm=D(175),
    weight_kg=D(70),
    serum_creatinine_mg_dl=D("0.5"),
)


def test_H_renal_minimum_creatinine_rounds_up_a_low_value() -> None:
    # M, 70 y, 70 kg, SCr 0.5, minimum 0.8: (140 − 70) × 70 / (72 × 0.8) = 4900 / 57.6
    # = 85.0694 mL/min (without the minimum: 4900 / 36 = 136.1111)
    patient = MALE_70_SCR_LOW
    floored = assess_patient(patient, DosingPolicy(min_creatinine_mg_dl=D("0.8")))
    plain = assess_patient(patient, DosingPolicy())
    assert floored.renal_function is not None and plain.renal_function is not None
    assert abs(floored.renal_function.value - D("85.0694")) <= HALF_UNIT_4DP
    assert abs(plain.renal_function.value - D("136.1111")) <= HALF_UNIT_4DP
    assert "min_creatinine_applied" in [w.code for w in floored.warnings]


def test_H_renal_minimum_creatinine_only_from_the_policy_age() -> None:
    # from 75 years only: a 70-year-old keeps 0.5 -> 136.1111 mL/min
    patient = MALE_70_SCR_LOW
    body = assess_patient(
        patient, DosingPolicy(min_creatinine_mg_dl=D("0.8"), min_creatinine_from_age=D(75))
    )
    assert body.renal_function is not None
    assert abs(body.renal_function.value - D("136.1111")) <= HALF_UNIT_4DP


# ---------------------------------------------------------------- ideal weight, children


def test_H_child_below_a_metre_is_assessed_with_the_actual_weight() -> None:
    # 80 cm, 20 kg: BMI 20 / 0.8² = 31.25 (obese by the adult threshold); Devine would
    # be 50 + 0.9055 × (80 − 152.4) = −15.6 kg: no ideal weight, the actual weight is used.
    body = assess_patient(
        _child("80", "20", "2"),
        DosingPolicy(obese_weight_basis=WeightBasis.IDEAL),
    )
    assert body.dosing_weight_kg == D(20)
    assert body.weight_basis is WeightBasis.ACTUAL
    assert body.ideal_weight is None
    assert "ideal_weight_child" in [w.code for w in body.warnings]


def test_H_short_adult_with_undefined_devine_weight_warns_instead_of_crashing() -> None:
    # F, 95 cm, 40 kg: Devine 45.5 + 0.9055 × (95 − 152.4) = −6.48 kg: undefined
    body = assess_patient(
        PatientMeasures(sex=Sex.FEMALE, age_years=D(40), height_cm=D(95), weight_kg=D(40)),
        DosingPolicy(obese_weight_basis=WeightBasis.ADJUSTED),
    )
    assert body.dosing_weight_kg == D(40)
    assert "ideal_weight_undefined" in [w.code for w in body.warnings]


# ---------------------------------------------------------------- freshness


def test_H_stale_renal_newest_value_wins() -> None:
    gfr_old = Dated(D(110), NOW - timedelta(days=60))
    creatinine_today = Dated(D("2.5"), NOW - timedelta(hours=2))
    winner, note = newest_renal(creatinine_today, gfr_old)
    assert winner is Measure.CREATININE
    assert "GFR misurato" in note
    winner, _ = newest_renal(Dated(D(1), NOW - timedelta(days=3)), Dated(D(80), NOW))
    assert winner is Measure.MEASURED_GFR


def test_H_stale_renal_value_refuses_the_auc_dose_naming_its_date() -> None:
    measured = NOW - timedelta(hours=73)
    old = stale(Measure.CREATININE, measured, now=NOW, max_ages=MaxAges(), child=False)
    assert old is not None
    body = assess_patient(
        PatientMeasures(sex=Sex.MALE, age_years=D(60), height_cm=D(175), weight_kg=D(70)),
        DosingPolicy(),
        stale_renal=old,
    )
    with pytest.raises(MeasureStale) as refused:
        compute_dose(DoseComponent("carboplatino", D(5), DoseUnit.AUC), body)
    assert refused.value.code == "measure_stale"
    assert "07/03/2026 08:00" in refused.value.message  # 73 h before 10/03 09:00
    assert refused.value.field == "serum_creatinine_mg_dl"


def test_H_stale_limits_at_the_boundary() -> None:
    limits = MaxAges()
    at_limit = NOW - timedelta(hours=72)
    assert stale(Measure.CREATININE, at_limit, now=NOW, max_ages=limits, child=False) is None
    # height: 365 days for adults, 90 for children
    old_height = NOW - timedelta(days=100)
    assert stale(Measure.HEIGHT, old_height, now=NOW, max_ages=limits, child=False) is None
    assert stale(Measure.HEIGHT, old_height, now=NOW, max_ages=limits, child=True) is not None
