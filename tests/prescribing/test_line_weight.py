"""A regimen line's own obese weight basis (busulfan on IBW + 0.25 × (actual − IBW),
Busilvex SmPC 4.2) while the rest of the regimen keeps the regimen's / hospital's rule.

Reference values are computed by hand in the comments (never from the code's output).

The obese man of the examples: male, 50 years, 175 cm, 110 kg.
  BMI = 110 / 1.75² = 110 / 3.0625 = 35.92 (≥ 30: obese)
  Devine IBW = 50 + 2.3 × (175/2.54 − 60) = 50 + 0.9055 × (175 − 152.4)
             = 50 + 0.9055 × 22.6 = 50 + 20.4643 = 70.4643 kg
    (the code uses 0.9055 kg/cm; 2.3/2.54 = 0.905512 gives 70.4646: same to 0.001 kg)
  actual − IBW = 110 − 70.4643 = 39.5357 kg
  AdjBW(0.25) = 70.4643 + 0.25 × 39.5357 = 70.4643 + 9.883925 = 80.348225 kg
  AdjBW(0.4)  = 70.4643 + 0.4 × 39.5357 = 70.4643 + 15.81428 = 86.27858 kg
  busulfan 3.2 mg/kg:
    × 80.348225 = 257.11432 mg → 2 decimals half-up: 257.11 mg
    × 86.27858  = 276.091456 mg → 276.09 mg
    × 70.4643   = 225.48576 mg → 225.49 mg
    × 110       = 352 mg
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.assessment import assess_patient, line_weight
from corsia.prescribing.domain.body_size import adjusted_body_weight, ideal_body_weight
from corsia.prescribing.domain.dose import DoseComponent, DoseUnit, compute_dose
from corsia.prescribing.domain.order_lines import engine_dose, engine_unit
from corsia.prescribing.domain.patient import PatientMeasures, Sex
from corsia.prescribing.domain.policy import DosingPolicy, WeightBasis
from corsia.prescribing.domain.rounding import RoundingRule

OBESE = PatientMeasures(
    sex=Sex.MALE, age_years=Decimal(50), height_cm=Decimal(175), weight_kg=Decimal(110)
)
Q2 = Decimal("0.01")
Q4 = Decimal("0.0001")


def _busulfan(
    basis: WeightBasis | None = None, factor: Decimal | None = None, *, decimals: int = 2
) -> DoseComponent:
    return DoseComponent(
        drug="busulfano",
        dose=Decimal("3.2"),
        unit=DoseUnit.MG_PER_KG,
        rounding=RoundingRule(decimals=decimals),
        weight_basis=basis,
        adjusted_weight_factor=factor,
    )


def _dose(
    component: DoseComponent,
    patient: PatientMeasures = OBESE,
    policy: DosingPolicy | None = None,
) -> Decimal:
    return compute_dose(component, assess_patient(patient, policy or DosingPolicy())).dose


def test_busulfan_on_the_smpc_adjusted_weight_with_factor_0_25() -> None:
    body = assess_patient(OBESE, DosingPolicy())
    result = compute_dose(_busulfan(WeightBasis.ADJUSTED, Decimal("0.25")), body)
    assert result.weight is not None
    assert result.weight.kg.quantize(Q4) == Decimal("80.3482")  # 80.348225
    assert result.weight.basis is WeightBasis.ADJUSTED
    assert result.weight.factor == Decimal("0.25")
    assert result.calculated.quantize(Q4) == Decimal("257.1143")  # 257.11432
    assert result.dose == Decimal("257.11")
    # the order itself stays on the actual weight (hospital policy: actual)
    assert body.dosing_weight_kg == Decimal(110)
    assert body.weight_basis is WeightBasis.ACTUAL
    # the provenance and the warning say which weight, with its factor
    text = result.render()
    assert "peso corretto (fattore 0.25)" in text
    assert "70.4643 + 0.25 × (110 − 70.4643)" in text
    assert [w.code for w in result.warnings] == ["line_weight_basis_applied"]
    assert "80.35 kg" in result.warnings[0].message


def test_adjusted_without_a_factor_is_the_default_0_4() -> None:
    # AdjBW(0.4) = 86.27858 kg; 3.2 × 86.27858 = 276.091456 → 276.09 mg
    assert _dose(_busulfan(WeightBasis.ADJUSTED)) == Decimal("276.09")
    assert _dose(_busulfan(WeightBasis.ADJUSTED, Decimal("0.4"))) == Decimal("276.09")


def test_ideal_and_actual_bases_of_a_line() -> None:
    assert _dose(_busulfan(WeightBasis.IDEAL)) == Decimal("225.49")  # 3.2 × 70.4643
    assert _dose(_busulfan(WeightBasis.ACTUAL)) == Decimal("352.00")  # 3.2 × 110


def test_a_line_basis_of_actual_overrides_an_adjusted_regimen() -> None:
    policy = DosingPolicy(obese_weight_basis=WeightBasis.ADJUSTED)
    # the regimen's basis applies to a line without its own: AdjBW(0.4) → 276.09 mg
    assert _dose(_busulfan(), policy=policy) == Decimal("276.09")
    # the line's own actual basis: 3.2 × 110 = 352 mg
    assert _dose(_busulfan(WeightBasis.ACTUAL), policy=policy) == Decimal("352.00")
    # the line's own factor under the line's adjusted basis: 257.11 mg
    assert _dose(_busulfan(WeightBasis.ADJUSTED, Decimal("0.25")), policy=policy) == Decimal(
        "257.11"
    )


def test_per_m2_line_of_the_same_regimen_keeps_the_bsa_of_the_actual_weight() -> None:
    # fludarabine 40 mg/m², Mosteller on the actual weight:
    # BSA = √(175 × 110 / 3600) = √(19250 / 3600) = √5.347222 = 2.312406 m²
    # 40 × 2.312406 = 92.49624 mg → 92.50 mg (the busulfan line's basis does not touch it)
    body = assess_patient(OBESE, DosingPolicy())
    fludarabine = DoseComponent(
        drug="fludarabina",
        dose=Decimal(40),
        unit=DoseUnit.MG_PER_M2,
        rounding=RoundingRule(decimals=2),
    )
    result = compute_dose(fludarabine, body)
    assert result.dose == Decimal("92.50")
    assert result.weight is None


def test_non_obese_patient_gets_the_actual_weight_whatever_the_basis() -> None:
    # 175 cm, 80 kg: BMI = 80 / 3.0625 = 26.12 (< 30): 3.2 × 80 = 256 mg on every basis
    lean = PatientMeasures(
        sex=Sex.MALE, age_years=Decimal(50), height_cm=Decimal(175), weight_kg=Decimal(80)
    )
    for basis in WeightBasis:
        component = _busulfan(basis, Decimal("0.25") if basis is WeightBasis.ADJUSTED else None)
        result = compute_dose(component, assess_patient(lean, DosingPolicy()))
        assert result.dose == Decimal("256.00"), basis
        assert result.weight is not None and result.weight.basis is WeightBasis.ACTUAL
        assert result.weight.factor is None
        assert result.warnings == ()


def test_obese_child_warns_and_is_dosed_on_the_actual_weight() -> None:
    # 16 years, 175 cm, 110 kg: BMI 35.92 but Devine does not apply under 18:
    # 3.2 × 110 = 352 mg, with the warning ideal_weight_child on the line
    child = PatientMeasures(
        sex=Sex.MALE, age_years=Decimal(16), height_cm=Decimal(175), weight_kg=Decimal(110)
    )
    result = compute_dose(
        _busulfan(WeightBasis.ADJUSTED, Decimal("0.25")), assess_patient(child, DosingPolicy())
    )
    assert result.dose == Decimal("352.00")
    assert result.weight is not None and result.weight.basis is WeightBasis.ACTUAL
    codes = [w.code for w in result.warnings]
    assert codes == ["ideal_weight_child"]
    assert result.warnings[0].message.startswith("busulfano: ")


def test_a_line_without_its_own_basis_uses_the_order_weight_and_adds_no_warning() -> None:
    body = assess_patient(OBESE, DosingPolicy(obese_weight_basis=WeightBasis.IDEAL))
    weight = line_weight(body)
    assert weight.step is body.dosing_weight
    assert weight.own is False
    assert weight.warnings == ()


def test_engine_dose_carries_the_weight_used_for_the_order_line() -> None:
    # what the order line stores and shows: adjusted, 80.35 kg (80.348225), factor 0.25
    body = assess_patient(OBESE, DosingPolicy())
    line = engine_dose(_busulfan(WeightBasis.ADJUSTED, Decimal("0.25")), body, engine_unit("mg/kg"))
    assert (line.weight_basis, line.dosing_weight_kg, line.adjusted_weight_factor) == (
        "adjusted",
        Decimal("80.35"),
        Decimal("0.25"),
    )
    assert line.calculated == Decimal("257.11")
    flat = engine_dose(
        DoseComponent(drug="ondansetron", dose=Decimal(8), unit=DoseUnit.MG),
        body,
        engine_unit("mg"),
    )
    assert (flat.weight_basis, flat.dosing_weight_kg, flat.adjusted_weight_factor) == (
        "",
        None,
        None,
    )


@pytest.mark.parametrize("factor", ["0", "1", "-0.25", "1e308", "NaN", "Infinity"])
def test_a_factor_outside_0_1_is_refused(factor: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        _busulfan(WeightBasis.ADJUSTED, Decimal(factor))
    assert error.value.code == "adjusted_weight_factor_out_of_range"
    ideal = ideal_body_weight(sex=Sex.MALE, height_cm=Decimal(175))
    with pytest.raises(ValidationFailed):
        adjusted_body_weight(weight_kg=Decimal(110), ideal=ideal, factor=Decimal(factor))


@settings(max_examples=150, deadline=None)
@given(
    sex=st.sampled_from(list(Sex)),
    height=st.integers(min_value=150, max_value=205),
    bmi_over=st.integers(min_value=0, max_value=30),
    factor=st.decimals(min_value=Decimal("0.001"), max_value=Decimal("0.999"), places=3),
)
def test_obese_adult_ideal_le_adjusted_le_actual(
    sex: Sex, height: int, bmi_over: int, factor: Decimal
) -> None:
    # weight for a BMI of 30 + bmi_over (≥ 30: obese); at BMI ≥ 30 and ≥ 150 cm the actual
    # weight is always above Devine's (e.g. 150 cm: 67.5 kg > IBW 47.8 kg)
    metres = Decimal(height) / 100
    weight = (Decimal(30 + bmi_over) * metres * metres).quantize(Decimal("0.1")) + Decimal("0.1")
    patient = PatientMeasures(
        sex=sex, age_years=Decimal(40), height_cm=Decimal(height), weight_kg=weight
    )

    def dose(basis: WeightBasis, f: Decimal | None = None) -> Decimal:
        component = DoseComponent(
            drug="busulfano",
            dose=Decimal("3.2"),
            unit=DoseUnit.MG_PER_KG,
            weight_basis=basis,
            adjusted_weight_factor=f,
        )
        return compute_dose(component, assess_patient(patient, DosingPolicy())).dose

    ideal, adjusted, actual = (
        dose(WeightBasis.IDEAL),
        dose(WeightBasis.ADJUSTED, factor),
        dose(WeightBasis.ACTUAL),
    )
    assert ideal <= adjusted <= actual
    assert actual == Decimal("3.2") * weight
