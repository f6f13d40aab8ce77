"""Units of the dose engine: a maximum, a rounding step or a band is compared with the dose
only after both are in one unit; a dose in units (UI, U) is never labelled mg.

Reference values are computed by hand in the comments (never from the code's output).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.assessment import BodyAssessment, assess_patient
from corsia.prescribing.domain.dose import DoseComponent, DoseUnit, MaxDoseAction, compute_dose
from corsia.prescribing.domain.errors import MaxSingleDoseExceeded
from corsia.prescribing.domain.limits import (
    MAX_DOSE,
    LimitOverride,
    final_dose_blocks,
    pending_blocks,
    void_other_values,
)
from corsia.prescribing.domain.order_lines import engine_unit, regimen_maximum
from corsia.prescribing.domain.patient import PatientMeasures, Sex
from corsia.prescribing.domain.policy import DosingPolicy
from corsia.prescribing.domain.quantity import AmountUnit, Quantity, convertible
from corsia.prescribing.domain.rounding import (
    DoseBand,
    DoseBanding,
    RoundingRule,
    StepUnit,
    band_dose,
    round_dose,
)
from corsia.regimens import data

D = Decimal
MG, G, MCG, UI, U = AmountUnit.MG, AmountUnit.G, AmountUnit.MCG, AmountUnit.UI, AmountUnit.U


def _body(height: str, weight: str, *, sex: Sex = Sex.FEMALE, age: str = "15") -> BodyAssessment:
    return assess_patient(
        PatientMeasures(sex, D(age), D(height), D(weight), serum_creatinine_mg_dl=D("0.8")),
        DosingPolicy(),
    )


def _regimen_line(dose: str, unit: str, max_dose: str | None, body: BodyAssessment) -> Quantity:
    """The dose of a regimen line as the order service computes it (cap, 4 decimals)."""
    mapping = engine_unit(unit)
    component = DoseComponent(
        "farmaco",
        D(dose),
        mapping.unit,
        max_dose=regimen_maximum(D(max_dose) if max_dose else None, unit),
        max_dose_action=MaxDoseAction.CAP,
        rounding=RoundingRule(decimals=4),
    )
    return compute_dose(component, body).quantity


# ---------------------------------------------------------------- the two reported cases


def test_H_unit_dactinomycin_mcg_maximum_is_compared_in_mcg_not_mg() -> None:
    # VA-WILMS, girl 15 y, 170 cm, 65 kg: dactinomycin 45 mcg/kg, maximum 2000 (mcg).
    # 45 mcg/kg x 65 kg = 2,925 mcg = 2.925 mg > 2,000 mcg = 2 mg -> capped at 2.000 mg.
    body = _body("170", "65")
    mapping = engine_unit("mcg/kg")
    component = DoseComponent(
        "dattinomicina",
        D(45),
        mapping.unit,
        max_dose=regimen_maximum(D(2000), "mcg/kg"),
        rounding=RoundingRule(decimals=4),
    )
    result = compute_dose(component, body)
    assert result.amount_unit is MG
    assert result.uncapped == D("2.925")
    assert result.dose == D(2)
    assert result.capped is True
    assert [w.code for w in result.warnings] == ["max_dose_capped"]
    assert "2000 mcg = 2 mg" in result.warnings[0].message
    assert result.render().splitlines()[0].endswith("= 2.00 mg (dose massima 2000 mcg = 2 mg)")


def test_H_unit_methotrexate_gram_maximum_is_20000_mg_not_20_mg() -> None:
    # MAP-OSTEO, 175 cm, 65 kg: BSA Mosteller sqrt(175 x 65 / 3600) = sqrt(3.159722)
    # = 1.777561 m²; 12 g/m² x 1.777561 = 21.3307 g = 21,330.7 mg > 20 g = 20,000 mg
    # -> capped at 20,000 mg (not 20 mg, a 1,000-fold underdose).
    body = _body("175", "65")
    dose = _regimen_line("12", "g/m2", "20", body)
    assert dose == Quantity(D(20000), MG)


def test_H_unit_methotrexate_below_the_gram_maximum_is_not_capped() -> None:
    # 150 cm, 45 kg: BSA sqrt(150 x 45 / 3600) = sqrt(1.875) = 1.369306 m²;
    # 12 g/m² x 1.369306 = 16.4317 g = 16,431.68 mg < 20 g -> not capped.
    body = _body("150", "45")
    mapping = engine_unit("g/m2")
    result = compute_dose(
        DoseComponent(
            "metotrexato",
            D(12),
            mapping.unit,
            max_dose=regimen_maximum(D(20), "g/m2"),
            rounding=RoundingRule(decimals=2),
        ),
        body,
    )
    assert (result.dose, result.capped) == (D("16431.68"), False)


def test_H_unit_block_message_states_both_units() -> None:
    # 45 mcg/kg x 65 kg = 2.925 mg; maximum 2,000 mcg = 2 mg, blocking.
    component = DoseComponent(
        "dattinomicina",
        D(45),
        DoseUnit.MCG_PER_KG,
        max_dose=Quantity(D(2000), MCG),
        max_dose_action=MaxDoseAction.BLOCK,
    )
    with pytest.raises(MaxSingleDoseExceeded) as blocked:
        compute_dose(component, _body("170", "65"))
    assert "2.93 mg" in blocked.value.message
    assert "2000 mcg = 2 mg" in blocked.value.message
    assert blocked.value.details["max_dose"] == "2.000"


# ---------------------------------------------------------------- the shipped regimens

# The maxima of the shipped library in the engine's unit, by hand: the regimen declares
# each in the unit of the absolute dose its per-unit dose implies (spec.ABSOLUTE_UNIT).
SHIPPED_MAXIMA_MG = {
    ("vincristine", "mg/m2", D(2)): D(2),  # 2 mg
    ("brentuximab_vedotin", "mg/kg", D(120)): D(120),  # 120 mg (100 kg x 1.2 mg/kg)
    ("carboplatin", "AUC", D(800)): D(800),  # 800 mg
    ("dactinomycin", "mcg/kg", D(2000)): D(2),  # 2,000 mcg = 2 mg
    ("dactinomycin", "mcg/kg", D(2500)): D("2.5"),  # 2,500 mcg = 2.5 mg
    ("methotrexate", "g/m2", D(20)): D(20000),  # 20 g = 20,000 mg
    ("trifluridine_tipiracil", "mg/m2", D(80)): D(80),  # 80 mg a dose (RECOURSE, SUNLIGHT)
    ("enfortumab_vedotin", "mg/kg", D(125)): D(125),  # 125 mg (100 kg x 1.25 mg/kg)
    ("mitomycin", "mg/m2", D(20)): D(20),  # 20 mg (ACT II)
    ("lomustine", "mg/m2", D(200)): D(200),  # 200 mg (EORTC 26101)
    # the haematology and paediatric protocol files (test_library_haematology.py)
    ("blinatumomab", "mcg/m2", D(28)): D("0.028"),  # 28 mcg a day = 0.028 mg
    ("brentuximab_vedotin", "mg/kg", D(180)): D(180),  # 180 mg (100 kg x 1.8 mg/kg)
    ("carfilzomib", "mg/m2", D(44)): D(44),  # 20 mg/m² x 2.2 m²
    ("carfilzomib", "mg/m2", D("59.4")): D("59.4"),  # 27 mg/m² x 2.2 m²
    ("carfilzomib", "mg/m2", D("123.2")): D("123.2"),  # 56 mg/m² x 2.2 m²
    ("carfilzomib", "mg/m2", D(154)): D(154),  # 70 mg/m² x 2.2 m²
    ("dactinomycin", "mg/m2", D(2)): D(2),  # 2 mg
    ("gemtuzumab_ozogamicin", "mg/m2", D(5)): D(5),  # one 5 mg vial
    ("vindesine", "mg/m2", D(5)): D(5),  # 5 mg
}


def test_H_unit_every_shipped_maximum_is_read_in_its_declared_unit() -> None:
    seen = set()
    for spec in data.specs():
        for c in spec.components:
            if c.max_dose is None:
                continue
            key = (c.ingredient, c.dose_unit, c.max_dose)
            assert key in SHIPPED_MAXIMA_MG, f"{spec.code}: maximum not checked by hand: {key}"
            maximum = regimen_maximum(c.max_dose, c.dose_unit)
            assert maximum is not None
            assert maximum.to(MG).value == SHIPPED_MAXIMA_MG[key], spec.code
            seen.add(key)
    assert seen == set(SHIPPED_MAXIMA_MG)


@pytest.mark.parametrize(
    ("height", "weight", "sex", "age"),
    [
        ("175", "70", Sex.MALE, "50"),  # reference adult, BSA 1.8447 m²
        ("200", "150", Sex.MALE, "40"),  # large adult, BSA 2.8868 m²: most doses capped
    ],
)
def test_H_unit_shipped_regimens_never_compute_a_dose_above_their_maximum(
    height: str, weight: str, sex: Sex, age: str
) -> None:
    # e.g. 200 cm 150 kg: vincristine 1.4 x 2.8868 = 4.04 mg -> 2 mg; dactinomycin
    # 45 mcg/kg x 150 kg = 6.75 mg -> 2 mg (or 2.5 mg); methotrexate 12 g/m² x 2.8868
    # = 34.64 g -> 20,000 mg; brentuximab 1.2 x 150 = 180 mg -> 120 mg.
    body = _body(height, weight, sex=sex, age=age)
    checked = 0
    for spec in data.specs():
        for c in spec.components:
            if c.max_dose is None:
                continue
            dose = _regimen_line(format(c.dose, "f"), c.dose_unit, format(c.max_dose, "f"), body)
            declared = regimen_maximum(c.max_dose, c.dose_unit)
            assert declared is not None
            assert dose <= declared, (
                f"{spec.code} {c.ingredient}: {dose.text()} > {declared.text()}"
            )
            assert dose.to(MG).value <= SHIPPED_MAXIMA_MG[(c.ingredient, c.dose_unit, c.max_dose)]
            checked += 1
    # components with a maximum in the library (see the table above): 16, then 7 of the adult
    # solid-tumour files (trifluridine x 2, enfortumab vedotin x 2, mitomycin, vincristine of PCV,
    # lomustine) and 39 of the haematology and paediatric protocol files (15 of them
    # vincristine 2 mg)
    assert checked == 62


# ---------------------------------------------------------------- units are never mg


@pytest.mark.parametrize(
    ("unit", "dose", "expected", "label"),
    [
        # BSA sqrt(175 x 70 / 3600) = sqrt(3.4027778) = 1.8446620 m²
        # bleomycin 10 U/m² x 1.8446620 m² = 18.4466 U
        ("U/m2", "10", D("18.4466"), "U"),
        # bleomycin 30 U flat (BEP)
        ("U", "30", D(30), "U"),
        # asparaginase 5,000 UI/m² x 1.8446620 m² = 9,223.3098 UI
        ("UI/m2", "5000", D("9223.3098"), "UI"),
        # 100 UI/kg x 70 kg = 7,000 UI
        ("UI/kg", "100", D(7000), "UI"),
    ],
)
def test_H_unit_a_dose_in_units_is_never_labelled_mg(
    unit: str, dose: str, expected: Decimal, label: str
) -> None:
    body = _body("175", "70", sex=Sex.MALE, age="50")
    mapping = engine_unit(unit)
    result = compute_dose(
        DoseComponent("x", D(dose), mapping.unit, rounding=RoundingRule(decimals=4)), body
    )
    assert abs(result.dose - expected) <= D("0.0001")
    assert result.amount_unit.value == label
    for line in result.render().splitlines():
        assert " mg" not in line and "mg/" not in line, line
        if line.lstrip().startswith("Dose"):
            assert re.search(rf"= [0-9.]+ {label}( |$)", line), line


def test_H_unit_usp_units_and_international_units_do_not_compare() -> None:
    # bleomycin: 1 USP unit = 1,000 UI is a fact of the drug, not arithmetic: refused
    with pytest.raises(ValidationFailed) as refused:
        Quantity(D(30), U) > Quantity(D(400000), UI)  # noqa: B015 - the comparison raises
    assert refused.value.code == "unit_incompatible"
    with pytest.raises(ValidationFailed) as refused:
        DoseComponent("bleomicina", D(10), DoseUnit.U_PER_M2, max_dose=Quantity(D(30), MG))
    assert refused.value.code == "max_dose_unit_incompatible"


def test_H_unit_a_bare_number_cannot_be_a_maximum_or_be_compared() -> None:
    with pytest.raises(TypeError):
        DoseComponent("x", D(1), DoseUnit.MG, max_dose=D(2))  # type: ignore[arg-type]  # the hazard itself
    with pytest.raises(TypeError):
        Quantity(D(2), MG) > D(1)  # noqa: B015 - the comparison raises
    with pytest.raises(TypeError):
        Quantity(2.0, MG)  # type: ignore[arg-type]  # a float is refused too


def test_H_unit_mass_quantities_compare_after_conversion() -> None:
    # 2,925 mcg = 2.925 mg > 2 mg; 0.02 g = 20 mg; 1 g = 1,000,000 mcg
    assert Quantity(D(2925), MCG) > Quantity(D(2), MG)
    assert Quantity(D("0.02"), G).same_amount(Quantity(D(20), MG))
    assert Quantity(D(1), G).to(MCG).value == D(1000000)
    assert not Quantity(D(1999), MCG) > Quantity(D(2), MG)


# ---------------------------------------------------------------- rounding steps and bands


def test_H_unit_a_rounding_step_in_grams_is_converted_before_rounding() -> None:
    # 21,330.7 mg to a 0.5 g (= 500 mg) step: 21,330.7 / 500 = 42.66 -> 43 x 500 = 21,500 mg
    step = round_dose(D("21330.7"), RoundingRule(step=D("0.5"), step_unit=StepUnit.G), unit=MG)
    assert step.value == D("21500.0")
    assert step.unit == "mg"


def test_H_unit_a_rounding_step_in_mg_is_refused_for_a_dose_in_units() -> None:
    with pytest.raises(ValidationFailed) as refused:
        round_dose(D("9223.29"), RoundingRule(step=D(5)), unit=UI)
    assert refused.value.code == "rounding_unit_incompatible"
    # a step in UI is fine: 9,223.29 UI to 100 UI -> 9,200 UI
    step = round_dose(D("9223.29"), RoundingRule(step=D(100), step_unit=StepUnit.UI), unit=UI)
    assert (step.value, step.unit) == (D(9200), "UI")


def test_H_unit_a_banding_table_in_grams_bands_a_dose_in_mg() -> None:
    # band [1.8, 2.0) g -> 1.9 g; a dose of 1,880 mg is 1.88 g: banded to 1,900 mg (+1.06 %)
    table = DoseBanding(bands=(DoseBand(D("1.8"), D("2.0"), D("1.9")),), unit=G)
    banded = band_dose(D(1880), table, unit=MG)
    assert banded is not None
    assert banded.step.value == D("1900.0")
    assert banded.step.unit == "mg"
    with pytest.raises(ValidationFailed) as refused:
        band_dose(D(1880), table, unit=UI)
    assert refused.value.code == "banding_unit_incompatible"


# ---------------------------------------------------------------- invariants (hypothesis)

_MASS = [MG, G, MCG]
heights = st.decimals(min_value=45, max_value=210, places=1)
weights = st.decimals(min_value=3, max_value=200, places=1)
per_units = st.decimals(min_value=D("0.1"), max_value=D(5000), places=1)
maxima = st.decimals(min_value=D("0.001"), max_value=D(100000), places=3)


def _convertible_units(unit: DoseUnit) -> list[AmountUnit]:
    return [u for u in AmountUnit if convertible(u, unit.engine_unit)]


@settings(max_examples=300, deadline=None)
@given(st.tuples(heights, weights), st.sampled_from(list(DoseUnit)), per_units, maxima, st.data())
def test_H_unit_no_computed_dose_ever_exceeds_its_maximum_in_any_unit(
    size: tuple[Decimal, Decimal],
    unit: DoseUnit,
    per_unit: Decimal,
    maximum: Decimal,
    drawn: st.DataObject,
) -> None:
    if unit is DoseUnit.AUC:
        per_unit = min(per_unit, D(10))
    height, weight = size  # from 45 cm, 3 kg to 210 cm, 200 kg
    max_unit = drawn.draw(st.sampled_from(_convertible_units(unit)))
    declared = Quantity(maximum, max_unit)
    body = assess_patient(
        PatientMeasures(Sex.FEMALE, D(30), height, weight, serum_creatinine_mg_dl=D(1)),
        DosingPolicy(),
    )
    component = DoseComponent("x", per_unit, unit, max_dose=declared)
    result = compute_dose(component, body)
    assert result.quantity <= declared
    for other in _convertible_units(unit):  # whatever unit it is read in
        assert result.quantity.to(other) <= declared.to(other)
        assert result.quantity.to(other).value <= declared.to(other).value
    assert result.capped is (Quantity(result.uncapped, result.amount_unit) > declared)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([MG, UI, U, AmountUnit.ML]),
    maxima,
    st.decimals(min_value=D("0.0001"), max_value=D(1000), places=4),
    st.booleans(),
)
def test_H_unit_a_typed_dose_above_the_maximum_is_never_accepted_without_its_override(
    unit: AmountUnit, maximum: Decimal, excess: Decimal, override_other_value: bool
) -> None:
    limit_unit = G if unit is MG else unit
    declared = Quantity(maximum, limit_unit)
    typed = Quantity(declared.to(unit).value + excess, unit)
    blocks = final_dose_blocks(drug="x", dose=typed, maximum=declared)
    assert [b.code for b in blocks] == [MAX_DOSE]
    # an override for another value (or another check) lifts nothing
    other = LimitOverride(MAX_DOSE, typed.value + 1, unit.value, "r", 1, "dr", "t")
    wrong_check = LimitOverride("cumulative_dose_exceeded", typed.value, unit.value, "r", 1, "", "")
    overrides = [wrong_check, other] if override_other_value else [wrong_check]
    assert pending_blocks(blocks, overrides, typed) == blocks
    # the override for this value and this check lifts it ...
    own = LimitOverride(MAX_DOSE, typed.value, unit.value, "r", 1, "dr", "t")
    assert pending_blocks(blocks, [*overrides, own], typed) == ()
    # ... until the dose changes: going back to the value needs a new override
    moved = Quantity(typed.value + excess, unit)
    voided = void_other_values([own], moved)
    assert pending_blocks(blocks, voided, typed) == blocks
    # a dose at or below the maximum has no block at all
    assert final_dose_blocks(drug="x", dose=declared.to(unit), maximum=declared) == ()
