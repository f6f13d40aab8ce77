"""The haematology, conditioning and paediatric protocol regimens added to the library
(``haem_myeloma.yaml``, ``haem_lymphoma.yaml``, ``haem_leukaemia.yaml``, ``conditioning.yaml``,
``paediatric_protocols.yaml``): they load and validate, their drugs are in the reference
archive, and a reference adult's or child's doses match a hand calculation from the cited
publication (flat, per kg, per m², UI per m², age-banded intrathecal and capped doses)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from corsia.prescribing.domain.assessment import assess_patient
from corsia.prescribing.domain.dose import DoseComponent, DoseResult, DoseUnit, compute_dose
from corsia.prescribing.domain.order_lines import regimen_maximum
from corsia.prescribing.domain.patient import PatientMeasures, Sex
from corsia.prescribing.domain.policy import DosingPolicy, PaediatricRule
from corsia.prescribing.domain.quantity import AmountUnit
from corsia.regimens import data
from corsia.regimens.data import loader
from corsia.regimens.domain.spec import Component, RegimenSpec
from corsia.regimens.domain.structure import validate_structure

NEW_FILES = (
    "haem_myeloma.yaml",
    "haem_lymphoma.yaml",
    "haem_leukaemia.yaml",
    "conditioning.yaml",
    "paediatric_protocols.yaml",
)
SPECS = {s.code: s for s in data.specs()}
BLOCKS = loader.load_blocks()
NEW = {
    name: [d["code"] for d in loader.load_file(loader.LIBRARY_DIR / name, BLOCKS)]
    for name in NEW_FILES
}
NEW_CODES = [code for codes in NEW.values() for code in codes]
CATALOGUE = Path(loader.__file__).resolve().parents[2] / "drugs" / "data" / "catalogue.jsonl"

# The reference adult: a man of 50, 170 cm, 70 kg (BMI 24.2, actual weight).
# BSA Mosteller = √(170 × 70 / 3600) = 1.818119 m².
ADULT = PatientMeasures(
    sex=Sex.MALE, age_years=Decimal(50), height_cm=Decimal(170), weight_kg=Decimal(70)
)
# The reference child: a girl of 7, 125 cm, 25 kg. BSA = √(125 × 25 / 3600) = 0.931695 m².
CHILD = PatientMeasures(
    sex=Sex.FEMALE, age_years=Decimal(7), height_cm=Decimal(125), weight_kg=Decimal(25)
)


def _lines(code: str, ingredient: str) -> list[Component]:
    return [c for c in SPECS[code].components if c.ingredient == ingredient]


def _policy(spec: RegimenSpec) -> DosingPolicy:
    """The regimen's paediatric rule, as prescribing builds it (``dosing_basis.policy_for``)."""
    rule = spec.paediatric
    if rule is None or not (rule.mg_kg_below_weight_kg or rule.mg_kg_below_bsa_m2):
        return DosingPolicy()
    return DosingPolicy(
        paediatric=PaediatricRule(
            weight_below_kg=rule.mg_kg_below_weight_kg, bsa_below_m2=rule.mg_kg_below_bsa_m2
        )
    )


def _dose(code: str, component: Component, patient: PatientMeasures) -> DoseResult:
    body = assess_patient(patient, _policy(SPECS[code]))
    return compute_dose(
        DoseComponent(
            component.ingredient,
            component.dose,
            DoseUnit(component.dose_unit),
            max_dose=regimen_maximum(component.max_dose, component.dose_unit),
        ),
        body,
    )


def _amount(code: str, component: Component, patient: PatientMeasures) -> Decimal:
    """The engine's dose, in mg (mcg and g doses are converted), to 4 decimals."""
    return _dose(code, component, patient).dose.quantize(Decimal("0.0001"))


def _band_dose(component: Component, age: int) -> Decimal:
    (band,) = [b for b in component.age_bands if b.contains(age)]
    return band.dose


# --- loading -------------------------------------------------------------------------------


def test_the_new_files_load_in_the_library_order_and_validate() -> None:
    assert loader.REGIMEN_FILES[-len(NEW_FILES) :] == NEW_FILES
    assert len(NEW_CODES) == len(set(NEW_CODES)) >= 90
    codes = [d["code"] for d in loader.load_documents()]
    # after the files that were there, in the files' order
    assert codes.index(NEW["haem_myeloma.yaml"][0]) > codes.index("CIS-SIOPEL")
    assert codes[-len(NEW["paediatric_protocols.yaml"]) :] == NEW["paediatric_protocols.yaml"]
    for code in NEW_CODES:
        spec = SPECS[code]
        assert validate_structure(spec) == [], code
        assert spec.bibliography and spec.bibliography[0].year, code
        assert spec.diseases, code
    # every paediatric protocol phase converts to per-kg under 10 kg, as AIEOP-BFM does
    for code in NEW["paediatric_protocols.yaml"]:
        rule = SPECS[code].paediatric
        assert rule is not None and rule.mg_kg_below_weight_kg == Decimal(10), code


def test_every_drug_is_in_the_reference_catalogue() -> None:
    lines = CATALOGUE.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]
    ingredients = {r["code"]: r for r in rows if r["type"] == "ingredient"}
    used = {c.ingredient for code in NEW_CODES for c in SPECS[code].components}
    assert used - set(ingredients) == set()
    assert ingredients["luspatercept"]["atc_code"] == "B03XA06"
    assert ingredients["antithymocyte_immunoglobulin_horse"]["atc_code"] == "L04AA03"
    assert ingredients["prednisolone"]["atc_code"] == "H02AB06"
    assert ingredients["lenograstim"]["atc_code"] == "L03AA10"
    assert ingredients["isotretinoin"]["atc_code"] == "D10BA01"


def test_vincristine_is_capped_at_2_mg_and_intrathecal_lines_are_by_age() -> None:
    # Every bolus vincristine line carries the 2 mg maximum; DA-EPOCH-R's 96-hour infusion
    # (0.4 mg/m²/day) is uncapped in the source. Every intrathecal line is dosed by age band.
    for code in NEW_CODES:
        for c in SPECS[code].components:
            if c.ingredient == "vincristine" and code != "DA-EPOCH-R":
                assert c.max_dose == Decimal(2), code
            if c.route == "it":
                assert c.dose_unit == "mg" and c.age_bands, (code, c.ingredient)
    (infusional,) = _lines("DA-EPOCH-R", "vincristine")
    assert infusional.max_dose is None and infusional.duration_minutes == 1440


def test_conditioning_descriptions_anchor_day_one_to_the_infusion() -> None:
    anchors = {
        "BEAM": -6,
        "BCNU-THIO": -6,
        "CY-TBI": -6,
        "FLU-CY-TBI": -6,
        "TREO10-FLU": -6,
        "CY-ATG-AA": -5,
        "LD-FLU-CY-500": -5,
        "LD-FLU-CY-250": -5,
    }
    assert set(anchors) == set(NEW["conditioning.yaml"])
    for code, day_one in anchors.items():
        match = re.search(r"Giorno 1 dello schema = giorno ([-+]\d+)", SPECS[code].description)
        assert match is not None and int(match[1]) == day_one, code
        assert SPECS[code].max_cycles == 1


# --- doses and days from the publications ----------------------------------------------------


def test_beam_mills_jco_1995_days_relative_to_the_infusion() -> None:
    # Carmustine 300 mg/m² day −6; etoposide 200 mg/m² and cytarabine 200 mg/m² every 12 hours
    # days −5 to −2; melphalan 140 mg/m² day −1 (schema day d = day d − 7).
    def relative(ingredient: str) -> list[tuple[str, tuple[int, ...]]]:
        return [
            (format(c.dose.normalize(), "f"), tuple(d - 7 for d in c.days))
            for c in _lines("BEAM", ingredient)
        ]

    assert relative("carmustine") == [("300", (-6,))]
    assert relative("etoposide") == [("200", (-5, -4, -3, -2))]
    assert relative("cytarabine") == [("200", (-5, -4, -3, -2))] * 2
    assert relative("melphalan") == [("140", (-1,))]


def test_cy_atg_storb_blood_1994_totals() -> None:
    # Cyclophosphamide 50 mg/kg × 4 = 200 mg/kg; horse ATG 30 mg/kg × 3 = 90 mg/kg.
    (cy,) = _lines("CY-ATG-AA", "cyclophosphamide")
    (atg,) = _lines("CY-ATG-AA", "antithymocyte_immunoglobulin_horse")
    assert cy.dose * len(cy.days) == Decimal(200) and cy.dose_unit == "mg/kg"
    assert atg.dose * len(atg.days) == Decimal(90) and atg.dose_unit == "mg/kg"
    # for the reference adult: 50 × 70 = 3500 mg, 30 × 70 = 2100 mg a day
    assert _amount("CY-ATG-AA", cy, ADULT) == Decimal(3500)
    assert _amount("CY-ATG-AA", atg, ADULT) == Decimal(2100)


def test_venetoclax_obinutuzumab_fischer_nejm_2019_schedule() -> None:
    # Obinutuzumab 100 mg day 1 + 900 mg day 2 + 1000 mg days 8 and 15 of cycle 1 (flat);
    # venetoclax 20 mg from day 22 of cycle 1, then 50/100/200/400 mg weekly in cycle 2.
    obi = [(c.dose, tuple(c.days), c.cycle_from) for c in _lines("VEN-OBI", "obinutuzumab")]
    assert obi[:3] == [
        (Decimal(100), (1,), 1),
        (Decimal(900), (2,), 1),
        (Decimal(1000), (8, 15), 1),
    ]
    ven = [(c.dose, c.days[0], c.cycle_from) for c in _lines("VEN-OBI", "venetoclax")]
    assert ven[:5] == [
        (Decimal(20), 22, 1),
        (Decimal(50), 1, 2),
        (Decimal(100), 8, 2),
        (Decimal(200), 15, 2),
        (Decimal(400), 22, 2),
    ]
    # the flat dose is the same for every patient
    assert _amount("VEN-OBI", _lines("VEN-OBI", "obinutuzumab")[2], ADULT) == Decimal(1000)
    assert _amount("VEN-OBI", _lines("VEN-OBI", "obinutuzumab")[2], CHILD) == Decimal(1000)


# --- a reference patient's doses, by hand ----------------------------------------------------


@pytest.mark.parametrize(
    ("code", "ingredient", "index", "expected"),
    [
        # flat: daratumumab s.c. 1800 mg (PERSEUS), blinatumomab 9 mcg/day = 0.009 mg
        # (Kantarjian 2017; the engine works in mg)
        ("DARA-VRD-SC", "daratumumab", 0, "1800"),
        ("BLINA", "blinatumomab", 0, "0.009"),
        # per kg on the actual weight: daratumumab 16 mg/kg (ALCYONE) × 70 = 1120 mg
        ("D-VMP", "daratumumab", 1, "1120"),
        # teclistamab step-up 0.06 and 0.3 mg/kg, then 1.5 mg/kg: 4.2, 21 and 105 mg
        ("TECLISTAMAB-STEPUP", "teclistamab", 0, "4.2"),
        ("TECLISTAMAB-STEPUP", "teclistamab", 1, "21"),
        ("TECLISTAMAB-STEPUP", "teclistamab", 2, "105"),
        # arsenic trioxide 0.15 mg/kg × 70 = 10.5 mg (Lo-Coco 2013)
        ("APL-ATRA-ATO-IND", "arsenic_trioxide", 0, "10.5"),
        # chlorambucil 0.5 mg/kg × 70 = 35 mg (CLL11); cladribine 0.1 mg/kg/day × 70 = 7 mg
        # (Piro 1990); selinexor 80 mg flat (STORM)
        ("CLB-OBI", "chlorambucil", 0, "35"),
        ("CLADRIBINE-HCL", "cladribine", 0, "7"),
        ("SEL-D", "selinexor", 0, "80"),
        # per m² (BSA 1.8181187): carfilzomib 27 × = 49.0892 (ASPIRE); fludarabine 30 × =
        # 54.5436 and cyclophosphamide 500 × = 909.0593 (axi-cel lymphodepletion)
        ("KRD", "carfilzomib", 1, "49.0892"),
        ("LD-FLU-CY-500", "fludarabine", 0, "54.5436"),
        ("LD-FLU-CY-500", "cyclophosphamide", 0, "909.0593"),
        # ATRA 22.5 mg/m² twice a day (45 mg/m²/day): 22.5 × 1.8181187 = 40.9077 per dose
        ("APL-ATRA-ATO-IND", "tretinoin", 0, "40.9077"),
        # MATRix methotrexate 3 g/m² over 3 hours: 3 × 1.8181187 = 5.4544 g = 5454.3561 mg
        ("MATRIX", "methotrexate", 1, "5454.3561"),
        # dactinomycin 1.5 mg/m² = 2.7272 mg, capped at 2 mg (EpSSG RMS 2005)
        ("IVA-RMS", "dactinomycin", 0, "2"),
    ],
)
def test_reference_adult_dose(code: str, ingredient: str, index: int, expected: str) -> None:
    assert _amount(code, _lines(code, ingredient)[index], ADULT) == Decimal(expected)


@pytest.mark.parametrize(
    ("code", "ingredient", "index", "expected"),
    [
        # native E. coli asparaginase 25000 UI/m² × 0.9316950 m² = 23292.3748 UI (ALL-BFM 95)
        ("AIEOP-BFM-HR1", "asparaginase", 0, "23292.3748"),
        # 10000 UI/m² × 0.9316950 = 9316.9499 UI (protocol II)
        ("AIEOP-BFM-IIA", "asparaginase", 0, "9316.9499"),
        # blinatumomab 15 mcg/m²/day × 0.9316950 = 13.975 mcg = 0.0140 mg (Locatelli, JAMA 2021)
        ("BLINA-PED", "blinatumomab", 0, "0.0140"),
        # dactinomycin 1.5 mg/m² × 0.9316950 = 1.3975 mg, under the 2 mg maximum
        ("IVA-RMS", "dactinomycin", 0, "1.3975"),
        # rapid COJEC cyclophosphamide 1050 × 0.9316950 = 978.2797 mg; cisplatin 80 × = 74.5356
        ("RAPID-COJEC", "cyclophosphamide", 0, "978.2797"),
        ("RAPID-COJEC", "cisplatin", 0, "74.5356"),
        # a flat dose is flat for a child too: lenograstim 263 mcg = 0.263 mg
        ("FLAG-IDA", "lenograstim", 0, "0.263"),
    ],
)
def test_reference_child_dose(code: str, ingredient: str, index: int, expected: str) -> None:
    assert _amount(code, _lines(code, ingredient)[index], CHILD) == Decimal(expected)


def test_asparaginase_dose_is_in_international_units() -> None:
    (asparaginase,) = _lines("AIEOP-BFM-HR1", "asparaginase")
    assert asparaginase.dose_unit == "UI/m2"
    assert _dose("AIEOP-BFM-HR1", asparaginase, CHILD).quantity.unit is AmountUnit.UI


def test_triple_intrathecal_by_age_band_bfm() -> None:
    # MTX 6/8/10/12 mg, cytarabine 16/20/26/30 mg, prednisolone 4/6/8/10 mg at < 1, 1, 2, ≥ 3
    # completed years; the reference child (7 years) gets 12, 30 and 10 mg.
    spec_lines = [c for c in SPECS["AIEOP-BFM-HR1"].components if c.route == "it"]
    by_drug = {c.ingredient: c for c in spec_lines}
    assert set(by_drug) == {"methotrexate", "cytarabine", "prednisolone"}
    expected = {
        "methotrexate": (6, 8, 10, 12),
        "cytarabine": (16, 20, 26, 30),
        "prednisolone": (4, 6, 8, 10),
    }
    for drug, doses in expected.items():
        got = [_band_dose(by_drug[drug], age) for age in (0, 1, 2, 7)]
        assert got == [Decimal(d) for d in doses], drug
    # HR-3 gives it on day 5, HR-1 and HR-2 on day 1
    for code in ("AIEOP-BFM-HR1", "AIEOP-BFM-HR2"):
        assert {c.days for c in SPECS[code].components if c.route == "it"} == {(1,)}, code
    assert {c.days for c in SPECS["AIEOP-BFM-HR3"].components if c.route == "it"} == {(5,)}


def test_carfilzomib_is_capped_at_a_bsa_of_2_2() -> None:
    # ENDEAVOR 56 mg/m² with a BSA of at most 2.2 m²: 123.2 mg. A man of 200 cm and 112.5 kg
    # (BSA √(200 × 112.5 / 3600) = 2.5 m², BMI 28.1): 56 × 2.5 = 140 mg, capped at 123.2.
    big = PatientMeasures(
        sex=Sex.MALE, age_years=Decimal(60), height_cm=Decimal(200), weight_kg=Decimal("112.5")
    )
    full = _lines("KD56", "carfilzomib")[2]
    result = _dose("KD56", full, big)
    assert result.uncapped.quantize(Decimal("0.01")) == Decimal("140.00")
    assert result.dose == Decimal("123.2") and result.capped


def test_blinatumomab_paediatric_is_capped_at_the_adult_28_mcg() -> None:
    # 15 mcg/m² for a BSA of 2.0 m² (180 cm, 80 kg) is 30 mcg: capped at 28 mcg/day.
    teenager = PatientMeasures(
        sex=Sex.MALE, age_years=Decimal(16), height_cm=Decimal(180), weight_kg=Decimal(80)
    )
    (blina,) = _lines("BLINA-PED", "blinatumomab")
    result = _dose("BLINA-PED", blina, teenager)
    assert result.uncapped.quantize(Decimal("0.0001")) == Decimal("0.03")  # 30 mcg, in mg
    assert result.dose == Decimal("0.028") and result.capped  # 28 mcg


def test_infant_under_10_kg_gets_per_kg_doses() -> None:
    # An infant of 8 kg, 70 cm: below 10 kg a per-m² dose becomes (dose ÷ 30) per kg.
    # Protocol II doxorubicin 30 mg/m² -> 1 mg/kg × 8 = 8 mg; vincristine 1.5 mg/m² ->
    # 0.05 mg/kg × 8 = 0.4 mg.
    infant = PatientMeasures(
        sex=Sex.MALE, age_years=Decimal("0.8"), height_cm=Decimal(70), weight_kg=Decimal(8)
    )
    (doxorubicin,) = _lines("AIEOP-BFM-IIA", "doxorubicin")
    (vincristine,) = _lines("AIEOP-BFM-IIA", "vincristine")
    result = _dose("AIEOP-BFM-IIA", doxorubicin, infant)
    assert result.paediatric_rule_applied
    assert result.dose.quantize(Decimal("0.01")) == Decimal("8.00")
    assert _amount("AIEOP-BFM-IIA", vincristine, infant) == Decimal("0.4")


def test_oral_lines_given_several_times_a_day() -> None:
    # ATRA 45 mg/m²/day in two doses, nilotinib 300 mg twice a day, isotretinoin 160 mg/m²/day
    # in two doses, cyclophosphamide 100 mg/m² twice a day (DRC).
    cases = {
        ("APL-ATRA-ATO-IND", "tretinoin"): (Decimal("22.5"), 2),
        ("NILOTINIB-300", "nilotinib"): (Decimal(300), 2),
        ("ISOTRETINOIN-NBL", "isotretinoin"): (Decimal(80), 2),
        ("DRC", "cyclophosphamide"): (Decimal(100), 2),
    }
    for (code, ingredient), (dose, per_day) in cases.items():
        (line,) = _lines(code, ingredient)
        assert line.route == "po", code
        assert (line.dose, line.administrations_per_day) == (dose, per_day), code
