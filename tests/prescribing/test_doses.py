"""Doses of regimen components: units, policy, paediatric rule, rounding, banding, limits.

Expected values are hand calculations written next to each case, or literals from a
throwaway float script (``math.sqrt(h*w/3600) * dose`` etc., printed with ``:.4f``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.assessment import BodyAssessment, assess_patient
from corsia.prescribing.domain.body_size import BsaFormula
from corsia.prescribing.domain.checks import CumulativeBasis, CumulativeLimit
from corsia.prescribing.domain.dose import (
    DoseComponent,
    DoseUnit,
    MaxDoseAction,
    compute_dose,
)
from corsia.prescribing.domain.errors import (
    CumulativeDoseExceeded,
    MaxSingleDoseExceeded,
    RenalFunctionMissing,
)
from corsia.prescribing.domain.patient import PatientMeasures, Sex
from corsia.prescribing.domain.policy import DosingPolicy, PaediatricRule, WeightBasis
from corsia.prescribing.domain.quantity import AmountUnit, Quantity
from corsia.prescribing.domain.rounding import DoseBand, DoseBanding, RoundingRule, StepUnit

HALF_UNIT_4DP = Decimal("0.00005")
D = Decimal


def _body(
    height: str = "165",
    weight: str = "70",
    *,
    sex: Sex = Sex.FEMALE,
    age: str = "63",
    creatinine: str | None = "0.9",
    gfr: str | None = None,
    policy: DosingPolicy | None = None,
) -> BodyAssessment:
    patient = PatientMeasures(
        sex=sex,
        age_years=D(age),
        height_cm=D(height),
        weight_kg=D(weight),
        serum_creatinine_mg_dl=D(creatinine) if creatinine else None,
        measured_gfr_ml_min=D(gfr) if gfr else None,
    )
    return assess_patient(patient, policy or DosingPolicy())


# (unit, dose per unit, height, weight, expected mg) — Mosteller BSA, float reference.
UNIT_CASES = [
    ("mg/m2", "175", "165", "70", "313.4569"),
    ("mg/m2", "1.4", "165", "70", "2.5077"),
    ("mg/m2", "85", "180", "85", "175.2320"),
    ("mg/m2", "400", "172", "80", "782.0202"),
    ("mg/m2", "2400", "160", "55", "3752.3326"),
    ("g/m2", "1", "175", "72", "1870.8287"),
    ("g/m2", "3", "190", "100", "6892.0244"),
    ("mg/kg", "5", "165", "70", "350.0000"),
    ("mg/kg", "15", "180", "85", "1275.0000"),
    ("mg/kg", "0.05", "150", "42", "2.1000"),
    ("mg", "100", "165", "70", "100.0000"),
    ("mg", "2", "190", "100", "2.0000"),
    ("UI/m2", "10000", "165", "70", "17911.8211"),
    ("mg/m2", "60", "120", "22", "51.3809"),
    ("mg/m2", "750", "155", "48", "1078.1929"),
]


@pytest.mark.parametrize(("unit", "dose", "height", "weight", "expected"), UNIT_CASES)
def test_dose_per_unit(unit: str, dose: str, height: str, weight: str, expected: str) -> None:
    body = _body(height, weight, age="40")
    result = compute_dose(DoseComponent("farmaco", D(dose), DoseUnit(unit)), body)
    assert abs(result.dose - D(expected)) <= HALF_UNIT_4DP
    assert result.capped is False
    assert result.amount_unit == ("UI" if unit == "UI/m2" else "mg")


def test_the_contract_example() -> None:
    # given the woman of the API example: 63 y, 165 cm, 70 kg, creatinine 0.9 mg/dL
    body = _body()
    # then BSA √(165 × 70 / 3600) = 1.7912, BMI 70 / 1.65² = 25.71, CrCl 70.70
    assert abs(body.bsa_m2 - D("1.7912")) <= HALF_UNIT_4DP
    assert abs(body.bmi.value - D("25.7117")) <= HALF_UNIT_4DP
    assert body.creatinine_clearance is not None
    assert abs(body.creatinine_clearance.value - D("70.7022")) <= HALF_UNIT_4DP
    # paclitaxel 175 × 1.791182 = 313.4569 mg
    paclitaxel = compute_dose(DoseComponent("paclitaxel", D(175), DoseUnit.MG_PER_M2), body)
    assert abs(paclitaxel.dose - D("313.4569")) <= HALF_UNIT_4DP
    # carboplatin 5 × (70.7022 + 25) = 478.5108 mg
    carboplatin = compute_dose(DoseComponent("carboplatino", D(5), DoseUnit.AUC), body)
    assert abs(carboplatin.dose - D("478.5108")) <= HALF_UNIT_4DP
    # vincristine 1.4 × 1.791182 = 2.5077 mg, capped at 2 mg
    vincristine = compute_dose(
        DoseComponent(
            "vincristina", D("1.4"), DoseUnit.MG_PER_M2, max_dose=Quantity(D(2), AmountUnit.MG)
        ),
        body,
    )
    assert vincristine.dose == D(2)
    assert vincristine.capped is True
    assert abs(vincristine.uncapped - D("2.5077")) <= HALF_UNIT_4DP
    assert [w.code for w in vincristine.warnings] == ["max_dose_capped"]


def test_provenance_of_a_capped_dose_reads_top_down() -> None:
    body = _body()
    result = compute_dose(
        DoseComponent(
            "vincristina", D("1.4"), DoseUnit.MG_PER_M2, max_dose=Quantity(D(2), AmountUnit.MG)
        ),
        body,
    )
    assert result.render().splitlines() == [
        "Dose vincristina limitata = min(2.5077, 2) = 2.00 mg",
        "  Dose vincristina = 1.4 mg/m² × 1.7912 m² = 2.51 mg",
        "    BSA Mosteller = √(165 × 70 / 3600) = 1.79 m²",
    ]


def test_provenance_of_carboplatin_names_calvert_and_cockcroft_gault() -> None:
    result = compute_dose(DoseComponent("carboplatino", D(5), DoseUnit.AUC), _body())
    assert result.render().splitlines() == [
        "Dose carboplatino = 5 × (70.7022 + 25) = 478.51 mg (Calvert)",
        "  Clearance creatinina (Cockcroft-Gault) = (140 − 63) × 70 / (72 × 0.9) × 0.85 "
        "= 70.70 mL/min",
    ]


def test_max_dose_blocks_when_the_component_says_so() -> None:
    component = DoseComponent(
        "vincristina",
        D("1.4"),
        DoseUnit.MG_PER_M2,
        max_dose=Quantity(D(2), AmountUnit.MG),
        max_dose_action=MaxDoseAction.BLOCK,
    )
    with pytest.raises(MaxSingleDoseExceeded) as blocked:
        compute_dose(component, _body())
    assert blocked.value.code == "max_dose_exceeded"
    assert blocked.value.field == "max_dose_mg"


def test_dose_at_exactly_the_maximum_is_not_capped() -> None:
    # 10 mg flat, maximum 10 mg
    result = compute_dose(
        DoseComponent("x", D(10), DoseUnit.MG, max_dose=Quantity(D(10), AmountUnit.MG)), _body()
    )
    assert (result.dose, result.capped) == (D(10), False)


def test_auc_dose_without_renal_function_is_refused() -> None:
    body = _body(creatinine=None)
    with pytest.raises(RenalFunctionMissing) as refused:
        compute_dose(DoseComponent("carboplatino", D(5), DoseUnit.AUC), body)
    assert refused.value.code == "renal_function_required"
    assert refused.value.field == "serum_creatinine_mg_dl"
    assert "funzione renale" in refused.value.message


def test_measured_gfr_wins_over_cockcroft_gault() -> None:
    # 5 × (60 + 25) = 425 mg
    body = _body(gfr="60")
    result = compute_dose(DoseComponent("carboplatino", D(5), DoseUnit.AUC), body)
    assert result.dose == D(425)


def test_supranormal_clearance_is_capped_with_a_warning() -> None:
    # 25-year-old man, 80 kg, creatinine 0.6: (140 − 25) × 80 / (72 × 0.6) = 212.96 → 125
    body = _body("180", "80", sex=Sex.MALE, age="25", creatinine="0.6")
    result = compute_dose(DoseComponent("carboplatino", D(6), DoseUnit.AUC), body)
    assert result.dose == D(900)
    assert [w.code for w in result.warnings] == ["gfr_capped"]


def test_custom_gfr_cap() -> None:
    body = _body(gfr="140", policy=DosingPolicy(gfr_cap_ml_min=D(100)))
    result = compute_dose(DoseComponent("carboplatino", D(5), DoseUnit.AUC), body)
    assert result.dose == D(625)  # 5 × (100 + 25)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        # float script: 175 × BSA(165 cm, 70 kg) by each formula, :.4f
        (BsaFormula.MOSTELLER, "313.4569"),  # 175 × 1.791182
        (BsaFormula.DUBOIS, "309.9181"),  # 175 × 1.770960
        (BsaFormula.HAYCOCK, "315.7350"),  # 175 × 1.804200
        (BsaFormula.GEHAN_GEORGE, "316.4593"),  # 175 × 1.808339
    ],
)
def test_bsa_formula_is_a_setting(formula: BsaFormula, expected: str) -> None:
    body = _body(policy=DosingPolicy(bsa_formula=formula))
    result = compute_dose(DoseComponent("paclitaxel", D(175), DoseUnit.MG_PER_M2), body)
    assert abs(result.dose - D(expected)) <= HALF_UNIT_4DP


# Obese woman 160 cm, 110 kg (BMI 42.97): IBW 45.5 + 0.9055 × 7.6 = 52.3818 kg,
# ABW 52.3818 + 0.4 × 57.6182 = 75.4291 kg (float script).
@pytest.mark.parametrize(
    ("basis", "weight", "bsa"),
    [
        (WeightBasis.ACTUAL, "110", "2.2111"),  # √(160 × 110 / 3600)
        (WeightBasis.IDEAL, "52.3818", "1.5258"),  # √(160 × 52.3818 / 3600)
        (WeightBasis.ADJUSTED, "75.4291", "1.8310"),  # √(160 × 75.4291 / 3600)
    ],
)
def test_obesity_policy_picks_the_weight(basis: WeightBasis, weight: str, bsa: str) -> None:
    body = _body("160", "110", age="60", policy=DosingPolicy(obese_weight_basis=basis))
    assert abs(body.dosing_weight_kg - D(weight)) <= HALF_UNIT_4DP
    assert abs(body.bsa_m2 - D(bsa)) <= HALF_UNIT_4DP
    per_kg = compute_dose(DoseComponent("x", D(2), DoseUnit.MG_PER_KG), body)
    assert abs(per_kg.dose - 2 * D(weight)) <= D("0.0001")
    codes = [w.code for w in body.warnings]
    assert ("obese_weight_applied" in codes) is (basis is not WeightBasis.ACTUAL)


def test_obesity_policy_ignored_below_the_bmi_threshold() -> None:
    # BMI 25.7 < 30: actual weight even under an "ideal weight" policy
    body = _body(policy=DosingPolicy(obese_weight_basis=WeightBasis.IDEAL))
    assert body.dosing_weight_kg == D(70)
    assert body.weight_basis is WeightBasis.ACTUAL


def test_cockcroft_gault_on_adjusted_weight_for_obese() -> None:
    # (140 − 60) × 75.4291 / (72 × 1.0) × 0.85 = 71.2386 mL/min (float script)
    body = _body(
        "160",
        "110",
        age="60",
        creatinine="1.0",
        policy=DosingPolicy(obese_crcl_weight_basis=WeightBasis.ADJUSTED),
    )
    assert body.creatinine_clearance is not None
    assert abs(body.creatinine_clearance.value - D("71.2386")) <= HALF_UNIT_4DP


def test_bsa_cap() -> None:
    # 200 cm, 150 kg: Mosteller 2.8868 m², capped at 2.0 → 175 mg/m² × 2 = 350 mg
    body = _body("200", "150", age="50", policy=DosingPolicy(bsa_cap_m2=D(2)))
    assert body.bsa_m2 == D(2)
    assert abs(body.bsa_uncapped_m2 - D("2.8868")) <= HALF_UNIT_4DP
    result = compute_dose(DoseComponent("paclitaxel", D(175), DoseUnit.MG_PER_M2), body)
    assert result.dose == D(350)
    assert "bsa_capped" in [w.code for w in body.warnings]


def test_bsa_rounded_to_two_decimals_when_the_policy_says_so() -> None:
    # 1.7912 → 1.79; 175 × 1.79 = 313.25 mg
    body = _body(policy=DosingPolicy(bsa_decimals=2))
    assert body.bsa_m2 == D("1.79")
    result = compute_dose(DoseComponent("paclitaxel", D(175), DoseUnit.MG_PER_M2), body)
    assert result.dose == D("313.25")


INFANT_RULE = PaediatricRule(weight_below_kg=D(10), bsa_below_m2=D("0.6"))


# (dose mg/m², height, weight, expected mg) — dose / 30 × kg, by hand.
@pytest.mark.parametrize(
    ("dose", "height", "weight", "expected"),
    [
        ("1.5", "60", "5.2", "0.26"),  # 1.5 / 30 × 5.2
        ("100", "75", "9.8", "32.6667"),  # 100 / 30 × 9.8
        ("1.5", "50", "3.5", "0.175"),  # 1.5 / 30 × 3.5
        ("200", "70", "8", "53.3333"),  # 200 / 30 × 8
        ("60", "85", "12", "24"),  # 12 kg but BSA 0.5323 < 0.6: 60 / 30 × 12
    ],
)
def test_paediatric_rule_converts_per_m2_to_per_kg(
    dose: str, height: str, weight: str, expected: str
) -> None:
    body = _body(
        height, weight, age="1", creatinine=None, policy=DosingPolicy(paediatric=INFANT_RULE)
    )
    result = compute_dose(DoseComponent("vincristina", D(dose), DoseUnit.MG_PER_M2), body)
    assert result.paediatric_rule_applied is True
    assert abs(result.dose - D(expected)) <= HALF_UNIT_4DP
    assert "regola pediatrica" in result.render()


def test_paediatric_rule_not_applied_above_both_thresholds() -> None:
    # 120 cm, 22 kg, BSA 0.8563: 60 mg/m² × 0.8563 = 51.3809 mg
    body = _body("120", "22", age="6", creatinine=None, policy=DosingPolicy(paediatric=INFANT_RULE))
    result = compute_dose(DoseComponent("x", D(60), DoseUnit.MG_PER_M2), body)
    assert result.paediatric_rule_applied is False
    assert abs(result.dose - D("51.3809")) <= HALF_UNIT_4DP


def test_paediatric_rule_leaves_per_kg_and_flat_doses_alone() -> None:
    body = _body(
        "60", "5.2", age="0.5", creatinine=None, policy=DosingPolicy(paediatric=INFANT_RULE)
    )
    assert compute_dose(DoseComponent("x", D(2), DoseUnit.MG_PER_KG), body).dose == D("10.4")
    assert compute_dose(DoseComponent("x", D(2), DoseUnit.MG), body).dose == D(2)


def test_small_child_without_paediatric_rule_gets_a_warning() -> None:
    body = _body("60", "5.2", age="0.5", creatinine=None)
    assert [w.code for w in body.warnings] == ["small_child_no_paediatric_rule"]


def test_child_renal_function_is_schwartz_not_cockcroft_gault() -> None:
    # Was: Cockcroft-Gault computed for a child with a warning. Now the bedside Schwartz
    # eGFR is used under 18 years: 0.413 × 140 / 0.5 = 115.64 mL/min/1.73 m², × BSA
    # √(140 × 33 / 3600) = 1.132843 / 1.73 = 75.7237 mL/min (float script: 75.72368).
    body = _body("140", "33", age="10", creatinine="0.5")
    assert body.renal_function is not None
    assert abs(body.renal_function.value - D("75.7237")) <= HALF_UNIT_4DP
    assert "Cockcroft" not in body.render()


def test_paediatric_rounding_replaces_the_drug_rounding() -> None:
    rule = PaediatricRule(
        weight_below_kg=D(10), bsa_below_m2=None, rounding=RoundingRule(decimals=2)
    )
    body = _body("75", "9.8", age="1", creatinine=None, policy=DosingPolicy(paediatric=rule))
    component = DoseComponent("x", D(100), DoseUnit.MG_PER_M2, rounding=RoundingRule(step=D(5)))
    # 100 / 30 × 9.8 = 32.6667 → 32.67 (2 decimals), not 35 (5 mg step)
    assert compute_dose(component, body).dose == D("32.67")


# Rounding of 313.4569 mg (paclitaxel of the example), ROUND_HALF_UP, by hand.
@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (RoundingRule(decimals=0), "313"),
        (RoundingRule(decimals=1), "313.5"),
        (RoundingRule(decimals=2), "313.46"),
        (RoundingRule(step=D(5)), "315"),
        (RoundingRule(step=D(10)), "310"),
        (RoundingRule(step=D(25)), "325"),  # 313.46 / 25 = 12.54 → 13
        (RoundingRule(step=D("0.5")), "313.5"),
        # 6 mg/mL: 52.2428 mL → 52.2 mL × 6 = 313.2 mg
        (RoundingRule(step=D("0.1"), step_unit=StepUnit.ML), "313.2"),
        # 6 mg/mL: 52.2428 mL → 52 mL (1 mL step) × 6 = 312 mg
        (RoundingRule(step=D(1), step_unit=StepUnit.ML), "312"),
    ],
)
def test_rounding_rules(rule: RoundingRule, expected: str) -> None:
    component = DoseComponent(
        "paclitaxel", D(175), DoseUnit.MG_PER_M2, rounding=rule, concentration_mg_per_ml=D(6)
    )
    result = compute_dose(component, _body())
    assert result.dose == D(expected)
    assert result.rounded is True


@pytest.mark.parametrize(
    ("flat", "step", "expected"),
    [
        ("312.5", "5", "315"),  # exactly half-way goes up
        ("307.5", "5", "310"),
        ("307.49", "5", "305"),
        ("0.25", "0.5", "0.5"),
        ("2.45", "0.1", "2.5"),
    ],
)
def test_round_half_up_at_the_midpoint(flat: str, step: str, expected: str) -> None:
    component = DoseComponent("x", D(flat), DoseUnit.MG, rounding=RoundingRule(step=D(step)))
    assert compute_dose(component, _body()).dose == D(expected)


def test_volume_rounding_without_concentration_is_refused() -> None:
    component = DoseComponent(
        "x", D(100), DoseUnit.MG, rounding=RoundingRule(step=D("0.1"), step_unit=StepUnit.ML)
    )
    with pytest.raises(ValidationFailed) as refused:
        compute_dose(component, _body())
    assert refused.value.field == "concentration_mg_per_ml"


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"decimals": 2, "step": D(5)}, {"decimals": 7}, {"step": D(0)}, {"step": D(-5)}],
)
def test_invalid_rounding_rules_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        RoundingRule(**kwargs)  # type: ignore[arg-type]  # deliberately malformed settings
    assert refused.value.code == "rounding_rule_invalid"


GEMCITABINE_BANDS = DoseBanding(
    bands=(
        DoseBand(D(1520), D(1680), D(1600)),
        DoseBand(D(1680), D(1880), D(1800)),
        DoseBand(D(1880), D(2080), D(2000)),
    ),
    max_deviation_pct=D(6),
)


# gemcitabine 1000 mg/m²; (height, weight, banded mg, deviation %) — float script:
# d = 1000 × √(h × w / 3600); (band − d) / d × 100, :.2f
@pytest.mark.parametrize(
    ("height", "weight", "banded", "deviation"),
    [
        # √(165 × 70 / 3600) × 1000 = 1791.18 → 1800: (1800 − 1791.18) / 1791.18 = +0.49 %
        ("165", "70", "1800", "0.49"),
        # √(160 × 55 / 3600) × 1000 = 1563.48 → 1600: +2.34 %
        ("160", "55", "1600", "2.34"),
        # √(180 × 85 / 3600) × 1000 = 2061.55 → 2000: −2.99 %
        ("180", "85", "2000", "-2.99"),
    ],
)
def test_dose_banding(height: str, weight: str, banded: str, deviation: str) -> None:
    component = DoseComponent("gemcitabina", D(1000), DoseUnit.MG_PER_M2, banding=GEMCITABINE_BANDS)
    result = compute_dose(component, _body(height, weight, age="50"))
    assert result.dose == D(banded)
    assert result.banded is not None
    assert result.banded.deviation_pct.quantize(D("0.01")) == D(deviation)


def test_dose_outside_the_bands_is_not_banded_and_warns() -> None:
    # √(200 × 150 / 3600) × 1000 = 2886.75 mg: no band
    component = DoseComponent("gemcitabina", D(1000), DoseUnit.MG_PER_M2, banding=GEMCITABINE_BANDS)
    result = compute_dose(component, _body("200", "150", age="50"))
    assert result.banded is None
    assert [w.code for w in result.warnings] == ["dose_not_banded"]
    assert abs(result.dose - D("2886.7513")) <= HALF_UNIT_4DP


def test_overlapping_bands_are_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        DoseBanding(bands=(DoseBand(D(100), D(200), D(150)), DoseBand(D(190), D(300), D(250))))
    assert refused.value.code == "dose_band_overlap"


def test_cumulative_limit_in_mg_per_m2_blocks() -> None:
    # doxorubicin 60 mg/m² with 420 mg/m² already received, limit 450: 480 > 450
    component = DoseComponent(
        "doxorubicina",
        D(60),
        DoseUnit.MG_PER_M2,
        cumulative_limit=CumulativeLimit(D(450), CumulativeBasis.MG_M2),
    )
    with pytest.raises(CumulativeDoseExceeded) as blocked:
        compute_dose(component, _body(), previous_cumulative=D(420))
    assert blocked.value.code == "cumulative_dose_exceeded"


def test_cumulative_limit_near_but_within_warns() -> None:
    # 360 + 60 = 420 mg/m² = 93 % of 450
    component = DoseComponent(
        "doxorubicina",
        D(60),
        DoseUnit.MG_PER_M2,
        cumulative_limit=CumulativeLimit(D(450), CumulativeBasis.MG_M2),
    )
    result = compute_dose(component, _body(), previous_cumulative=D(360))
    assert result.cumulative is not None
    assert result.cumulative.total == D(420)
    assert [w.code for w in result.warnings] == ["cumulative_near_limit"]


def test_cumulative_limit_needs_the_previous_total() -> None:
    component = DoseComponent(
        "bleomicina", D(30), DoseUnit.MG, cumulative_limit=CumulativeLimit(D(400))
    )
    with pytest.raises(ValidationFailed) as refused:
        compute_dose(component, _body())
    assert refused.value.code == "previous_cumulative_required"


@pytest.mark.parametrize(
    ("unit", "dose", "code"),
    [
        ("mg/m2", "0", "dose_out_of_range"),
        ("mg/m2", "-175", "dose_out_of_range"),
        ("AUC", "50", "auc_out_of_range"),
        ("mg", "NaN", "dose_out_of_range"),
    ],
)
def test_implausible_component_doses_are_refused(unit: str, dose: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        DoseComponent("x", D(dose), DoseUnit(unit))
    assert refused.value.code == code
    assert refused.value.field == "dose"


def test_rounding_that_would_give_zero_is_refused() -> None:
    # 0.05 mg/kg × 42 kg = 2.1 mg; to the 5 mg step that would be 0 mg
    component = DoseComponent("x", D("0.05"), DoseUnit.MG_PER_KG, rounding=RoundingRule(step=D(5)))
    with pytest.raises(ValidationFailed) as refused:
        compute_dose(component, _body("150", "42"))
    assert (refused.value.code, refused.value.field) == ("rounded_to_zero", "rounding")
