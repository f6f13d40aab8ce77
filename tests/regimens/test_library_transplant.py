"""The allogeneic conditioning regimens of the library (``library/transplant.yaml``): they load,
their doses and days are those of the cited publications (written here by hand), a reference
patient's doses match a hand calculation, and each regimen's totals are right."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from corsia.prescribing.domain.assessment import assess_patient
from corsia.prescribing.domain.dose import DoseComponent, DoseUnit, compute_dose
from corsia.prescribing.domain.patient import PatientMeasures, Sex
from corsia.prescribing.domain.policy import DosingPolicy, WeightBasis
from corsia.regimens import data
from corsia.regimens.data import loader
from corsia.regimens.domain.spec import Component, ComponentRole, RegimenSpec, TherapyType
from corsia.regimens.domain.structure import validate_structure

SPECS = {s.code: s for s in data.specs()}
TRANSPLANT = ("FLU-BU4", "FLU-BU2", "FLU-TREO", "BU-CY", "TBF", "FLU-MEL", "PTCY", "ATG-THYMO")
CATALOGUE = Path(loader.__file__).resolve().parents[2] / "drugs" / "data" / "catalogue.jsonl"

# Day 1 of each schema, relative to the infusion (day 0), as its description says.
DAY_ONE = {
    "FLU-BU4": -6,
    "FLU-BU2": -6,
    "FLU-TREO": -6,
    "BU-CY": -8,
    "TBF": -6,
    "FLU-MEL": -6,
    "PTCY": 3,
    "ATG-THYMO": -2,
}

# The reference patient: a man of 50, 170 cm, 70 kg (BMI 24.2: not obese, actual weight).
# BSA Mosteller = √(170 × 70 / 3600) = √(11900 / 3600) = √3.30556 = 1.818119 m².
REFERENCE = PatientMeasures(
    sex=Sex.MALE, age_years=Decimal(50), height_cm=Decimal(170), weight_kg=Decimal(70)
)
BSA = Decimal("1.818119")


def _antineoplastic(spec: RegimenSpec, ingredient: str) -> list[Component]:
    return [c for c in spec.components if c.ingredient == ingredient]


def _schedule(code: str, ingredient: str) -> list[tuple[str, str, tuple[int, ...]]]:
    """(dose, unit, days relative to day 0) of each component of ``ingredient``."""
    # day 0 (the infusion) is a day of its own: schema day d is day DAY_ONE + d - 1
    return [
        (
            format(c.dose.normalize(), "f"),
            c.dose_unit,
            tuple(DAY_ONE[code] + d - 1 for d in c.days),
        )
        for c in _antineoplastic(SPECS[code], ingredient)
    ]


def _total(code: str, ingredient: str) -> tuple[Decimal, str]:
    """Σ dose × number of days of the ingredient's components (one unit per ingredient)."""
    found = _antineoplastic(SPECS[code], ingredient)
    assert len({c.dose_unit for c in found}) == 1, found
    return sum((c.dose * len(c.days) for c in found), Decimal(0)), found[0].dose_unit


def _dose_mg(component: Component, patient: PatientMeasures = REFERENCE) -> Decimal:
    body = assess_patient(patient, DosingPolicy())
    result = compute_dose(
        DoseComponent(component.ingredient, component.dose, DoseUnit(component.dose_unit)), body
    )
    return result.dose.quantize(Decimal("0.01"))


# --- loading -------------------------------------------------------------------------------


def test_the_library_yields_the_transplant_regimens() -> None:
    for code in TRANSPLANT:
        spec = SPECS[code]
        assert validate_structure(spec) == [], code
        assert spec.therapy_type is TherapyType.CONDITIONING
        assert spec.max_cycles == 1
        assert spec.bibliography, code
        # the description anchors the schema's day 1 to day 0, as MEL200 does
        match = re.search(r"Giorno 1 dello schema = giorno ([-+]\d+)", spec.description)
        assert match is not None, code
        assert int(match[1]) == DAY_ONE[code], code
    codes = [d["code"] for d in loader.load_documents()]
    first = codes.index(TRANSPLANT[0])
    assert codes[first : first + len(TRANSPLANT)] == list(TRANSPLANT)  # the file's order


def test_every_drug_is_in_the_reference_catalogue() -> None:
    lines = CATALOGUE.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]
    ingredients = {r["code"]: r for r in rows if r["type"] == "ingredient"}
    used = {c.ingredient for code in TRANSPLANT for c in SPECS[code].components}
    assert used - set(ingredients) == set()
    assert ingredients["levetiracetam"]["atc_code"] == "N03AX14"
    assert ingredients["antithymocyte_immunoglobulin_rabbit"]["atc_code"] == "L04AA04"
    assert ingredients["treosulfan"]["atc_code"] == "L01AB02"


# --- doses and days from the publications --------------------------------------------------


def test_flu_bu4_rambaldi_lancet_oncol_2015() -> None:
    # Fludarabine 40 mg/m²/day × 4 and IV busulfan 3.2 mg/kg/day × 4 (12.8 mg/kg).
    assert _schedule("FLU-BU4", "fludarabine") == [("40", "mg/m2", (-6, -5, -4, -3))]
    assert _schedule("FLU-BU4", "busulfan") == [("3.2", "mg/kg", (-5, -4, -3, -2))]
    assert _total("FLU-BU4", "busulfan") == (Decimal("12.8"), "mg/kg")
    assert _total("FLU-BU4", "fludarabine") == (Decimal(160), "mg/m2")


def test_flu_bu2_beelen_lancet_haematol_2020() -> None:
    # Fludarabine 30 mg/m² days −6 to −2; busulfan 3.2 mg/kg/day (0.8 mg/kg q6h) days −4, −3.
    assert _schedule("FLU-BU2", "fludarabine") == [("30", "mg/m2", (-6, -5, -4, -3, -2))]
    assert _schedule("FLU-BU2", "busulfan") == [("3.2", "mg/kg", (-4, -3))]
    assert _total("FLU-BU2", "busulfan") == (Decimal("6.4"), "mg/kg")


def test_flu_treo_ruutu_haematologica_2011() -> None:
    # Treosulfan 14 g/m² × 3 (days −6 to −4) and fludarabine 30 mg/m² × 5 (days −6 to −2).
    assert _schedule("FLU-TREO", "treosulfan") == [("14", "g/m2", (-6, -5, -4))]
    assert _schedule("FLU-TREO", "fludarabine") == [("30", "mg/m2", (-6, -5, -4, -3, -2))]
    assert _total("FLU-TREO", "treosulfan") == (Decimal(42), "g/m2")
    assert _total("FLU-TREO", "fludarabine") == (Decimal(150), "mg/m2")


def test_bu_cy_rambaldi_lancet_oncol_2015() -> None:
    # IV busulfan 3.2 mg/kg/day × 4, then cyclophosphamide 60 mg/kg/day × 2, with mesna.
    assert _schedule("BU-CY", "busulfan") == [("3.2", "mg/kg", (-7, -6, -5, -4))]
    assert _schedule("BU-CY", "cyclophosphamide") == [("60", "mg/kg", (-3, -2))]
    assert _total("BU-CY", "busulfan") == (Decimal("12.8"), "mg/kg")
    assert _total("BU-CY", "cyclophosphamide") == (Decimal(120), "mg/kg")
    # mesna 20% of the cyclophosphamide dose at 0, 4 and 8 hours on both days:
    # 3 × 12 mg/kg × 2 days = 72 mg/kg = 60% of 120 mg/kg
    assert _schedule("BU-CY", "mesna") == [("12", "mg/kg", (-3, -2))] * 3
    assert _total("BU-CY", "mesna") == (Decimal(72), "mg/kg")


def test_tbf_raiola_bbmt_2013() -> None:
    # Thiotepa 5 mg/kg × 2 (day −6), busulfan 3.2 mg/kg × 3, fludarabine 50 mg/m² × 3.
    assert _schedule("TBF", "thiotepa") == [("5", "mg/kg", (-6,)), ("5", "mg/kg", (-6,))]
    assert _schedule("TBF", "busulfan") == [("3.2", "mg/kg", (-5, -4, -3))]
    assert _schedule("TBF", "fludarabine") == [("50", "mg/m2", (-5, -4, -3))]
    assert _total("TBF", "thiotepa") == (Decimal(10), "mg/kg")
    assert _total("TBF", "busulfan") == (Decimal("9.6"), "mg/kg")
    assert _total("TBF", "fludarabine") == (Decimal(150), "mg/m2")


def test_flu_mel_shimoni_leukemia_2007() -> None:
    # Fludarabine 30 mg/m² × 5 and melphalan 140 mg/m² once.
    assert _schedule("FLU-MEL", "fludarabine") == [("30", "mg/m2", (-6, -5, -4, -3, -2))]
    assert _schedule("FLU-MEL", "melphalan") == [("140", "mg/m2", (-1,))]
    assert _total("FLU-MEL", "fludarabine") == (Decimal(150), "mg/m2")


def test_ptcy_luznik_bbmt_2008() -> None:
    # Cyclophosphamide 50 mg/kg on days +3 and +4, with mesna; no steroid antiemetic.
    assert _schedule("PTCY", "cyclophosphamide") == [("50", "mg/kg", (3, 4))]
    assert _total("PTCY", "cyclophosphamide") == (Decimal(100), "mg/kg")
    assert _total("PTCY", "mesna") == (Decimal(60), "mg/kg")  # 3 × 10 mg/kg × 2 days
    assert "dexamethasone" not in {c.ingredient for c in SPECS["PTCY"].components}


def test_atg_walker_lancet_oncol_2016() -> None:
    # Rabbit ATG 0.5 mg/kg day −2, 2 mg/kg days −1 and +1: 4.5 mg/kg.
    atg = "antithymocyte_immunoglobulin_rabbit"
    assert _schedule("ATG-THYMO", atg) == [("0.5", "mg/kg", (-2,)), ("2", "mg/kg", (-1, 1))]
    assert _total("ATG-THYMO", atg) == (Decimal("4.5"), "mg/kg")


def test_busulfan_is_followed_by_seizure_prophylaxis_from_before_to_after() -> None:
    # An anticonvulsant from 12 h before the first busulfan dose to 24 h after the last: the
    # levetiracetam days cover the day before the first busulfan day to the day after the last.
    for code in ("FLU-BU4", "FLU-BU2", "BU-CY", "TBF"):
        spec = SPECS[code]
        busulfan = {d for c in spec.components if c.ingredient == "busulfan" for d in c.days}
        (levetiracetam,) = [c for c in spec.components if c.ingredient == "levetiracetam"]
        assert levetiracetam.role is ComponentRole.PREMEDICATION
        assert set(levetiracetam.days) == set(range(min(busulfan) - 1, max(busulfan) + 2)), code
        assert "phenytoin" not in {c.ingredient for c in spec.components}


# --- a reference patient's doses, by hand --------------------------------------------------


def test_reference_patient_bsa_and_weight() -> None:
    body = assess_patient(REFERENCE, DosingPolicy())
    assert body.bsa_m2.quantize(Decimal("0.000001")) == BSA
    assert body.dosing_weight_kg == Decimal(70)  # BMI 70 / 1.70² = 24.2 < 30: actual weight


@pytest.mark.parametrize(
    ("code", "ingredient", "expected_mg"),
    [
        # per m²: dose × 1.818119 m²
        ("FLU-BU4", "fludarabine", "72.72"),  # 40 × 1.818119 = 72.7247
        ("FLU-BU2", "fludarabine", "54.54"),  # 30 × 1.818119 = 54.5436
        ("FLU-TREO", "treosulfan", "25453.66"),  # 14 g = 14000 mg × 1.818119 = 25453.66
        ("TBF", "fludarabine", "90.91"),  # 50 × 1.818119 = 90.9059
        ("FLU-MEL", "melphalan", "254.54"),  # 140 × 1.818119 = 254.5366
        # per kg on the actual weight (the sources' basis for a non-obese adult): dose × 70 kg
        ("FLU-BU4", "busulfan", "224.00"),  # 3.2 × 70 = 224
        ("BU-CY", "cyclophosphamide", "4200.00"),  # 60 × 70 = 4200
        ("BU-CY", "mesna", "840.00"),  # 12 × 70 = 840 (20% of 4200)
        ("TBF", "thiotepa", "350.00"),  # 5 × 70 = 350
        ("PTCY", "cyclophosphamide", "3500.00"),  # 50 × 70 = 3500
        ("ATG-THYMO", "antithymocyte_immunoglobulin_rabbit", "35.00"),  # 0.5 × 70 = 35
    ],
)
def test_reference_patient_dose(code: str, ingredient: str, expected_mg: str) -> None:
    component = _antineoplastic(SPECS[code], ingredient)[0]
    assert _dose_mg(component) == Decimal(expected_mg)


def test_busulfan_per_kg_uses_the_actual_weight_and_names_the_obese_rule() -> None:
    # A non-obese patient of 60 kg: 3.2 × 60 = 192 mg a day, 4 days = 768 mg = 12.8 × 60.
    light = PatientMeasures(
        sex=Sex.FEMALE, age_years=Decimal(40), height_cm=Decimal(165), weight_kg=Decimal(60)
    )
    (busulfan,) = _antineoplastic(SPECS["FLU-BU4"], "busulfan")
    daily = _dose_mg(busulfan, light)
    assert daily == Decimal("192.00")
    assert daily * len(busulfan.days) == Decimal("12.8") * 60
    # The SmPC's adjusted ideal weight for obese patients (IBW + 0.25 × (actual − IBW)) is the
    # busulfan line's own basis; the fludarabine of the same regimen keeps the regimen's rule.
    for code in ("FLU-BU4", "FLU-BU2", "BU-CY", "TBF"):
        (component,) = _antineoplastic(SPECS[code], "busulfan")
        assert component.obese_weight_basis == "adjusted", code
        assert component.adjusted_weight_factor == Decimal("0.25"), code
        assert "verificare la dose" not in component.notes, code
        for other in SPECS[code].components:
            if other.ingredient != "busulfan":
                assert other.obese_weight_basis is None, (code, other.ingredient)
    # no regimen of the library asks the pharmacist to recompute a dose by hand
    for spec in SPECS.values():
        for c in spec.components:
            assert "verificare la dose" not in c.notes.lower(), (spec.code, c.ingredient)


def test_busulfan_of_flu_bu4_for_an_obese_man_on_the_smpc_adjusted_weight() -> None:
    # male 50 y, 175 cm, 110 kg (BMI 35.92): IBW = 50 + 0.9055 × (175 − 152.4) = 70.4643 kg;
    # AdjBW = 70.4643 + 0.25 × (110 − 70.4643) = 80.348225 kg; 3.2 × 80.348225 = 257.11432 mg
    obese = PatientMeasures(
        sex=Sex.MALE, age_years=Decimal(50), height_cm=Decimal(175), weight_kg=Decimal(110)
    )
    (busulfan,) = _antineoplastic(SPECS["FLU-BU4"], "busulfan")
    body = assess_patient(obese, DosingPolicy())
    result = compute_dose(
        DoseComponent(
            busulfan.ingredient,
            busulfan.dose,
            DoseUnit(busulfan.dose_unit),
            weight_basis=WeightBasis(busulfan.obese_weight_basis or "actual"),
            adjusted_weight_factor=busulfan.adjusted_weight_factor,
        ),
        body,
    )
    assert result.dose.quantize(Decimal("0.01")) == Decimal("257.11")
