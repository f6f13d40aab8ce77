"""Every regimen of the library, dosed: each component's dose for a reference adult and a
reference child through the project's dose engine (``prescribing.domain``: the same
``engine_dose``, maxima and policy rules prescribing uses), with no error and within its
maximum; and the new adult solid-tumour regimens' doses against hand calculations from
their publications (values written here from the papers).

Pure computation: the library files, the reference drug catalogue (``catalogue.jsonl``)
and the engine; no database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from corsia.prescribing.domain.assessment import BodyAssessment, assess_patient
from corsia.prescribing.domain.dose import DoseComponent, MaxDoseAction
from corsia.prescribing.domain.order_lines import EngineDose, engine_dose, engine_unit
from corsia.prescribing.domain.patient import PatientMeasures, Sex
from corsia.prescribing.domain.policy import ChildAucFormula, DosingPolicy, PaediatricRule
from corsia.prescribing.domain.renal import DEFAULT_GFR_CAP
from corsia.prescribing.services.doses import line_maximum
from corsia.regimens import data
from corsia.regimens.data import loader
from corsia.regimens.domain.spec import Calculation, Component, RegimenSpec

SPECS = {s.code: s for s in data.specs()}
CATALOGUE = Path(loader.__file__).resolve().parents[2] / "drugs" / "data" / "catalogue.jsonl"
NEW_FILES = (
    "solid_breast.yaml",
    "solid_thoracic.yaml",
    "solid_gi.yaml",
    "solid_gu_gyn.yaml",
    "solid_other.yaml",
)

# The reference adult: a man of 50, 170 cm, 70 kg, creatinine 1.0 mg/dL (BMI 24.2, not obese).
# BSA Mosteller = √(170 × 70 / 3600) = 1.818119 m²; Cockcroft-Gault = (140 − 50) × 70 / 72
# = 87.5 mL/min (below the GFR cap of 125).
ADULT = PatientMeasures(
    sex=Sex.MALE,
    age_years=Decimal(50),
    height_cm=Decimal(170),
    weight_kg=Decimal(70),
    serum_creatinine_mg_dl=Decimal("1.0"),
)
# The reference child: 8 years, 125 cm, 25 kg, a measured GFR of 90 mL/min.
# BSA Mosteller = √(125 × 25 / 3600) = 0.931695 m².
CHILD = PatientMeasures(
    sex=Sex.FEMALE,
    age_years=Decimal(8),
    height_cm=Decimal(125),
    weight_kg=Decimal(25),
    measured_gfr_ml_min=Decimal(90),
)


@dataclass(frozen=True)
class _Ingredient:
    """An ingredient of the reference catalogue, as ``line_maximum`` reads it."""

    name_it: str
    name_en: str
    max_single_dose: Decimal | None
    max_single_dose_unit: str


def _catalogue() -> dict[str, _Ingredient]:
    rows = [
        json.loads(line)
        for line in CATALOGUE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return {
        r["code"]: _Ingredient(
            name_it=r["name_it"],
            name_en=r["name_en"],
            max_single_dose=(
                Decimal(r["max_single_dose"]) if r.get("max_single_dose") is not None else None
            ),
            max_single_dose_unit=r.get("max_single_dose_unit") or "",
        )
        for r in rows
        if r["type"] == "ingredient"
    }


INGREDIENTS = _catalogue()


def _policy(spec: RegimenSpec) -> DosingPolicy:
    """The policy prescribing builds for the regimen (``dosing_basis.policy_for``) with the
    hospital defaults; a child's AUC by Newell (the hospital setting has none by default,
    and then an AUC dose for a child is refused)."""
    paediatric = None
    p = spec.paediatric
    if p is not None and (p.mg_kg_below_weight_kg or p.mg_kg_below_bsa_m2):
        paediatric = PaediatricRule(
            weight_below_kg=p.mg_kg_below_weight_kg, bsa_below_m2=p.mg_kg_below_bsa_m2
        )
    child_auc = spec.dosing.child_auc_formula if spec.dosing else None
    gfr_cap = spec.dosing.gfr_cap_ml_min if spec.dosing else None
    return DosingPolicy(
        paediatric=paediatric,
        child_auc_formula=ChildAucFormula(child_auc or "newell"),
        gfr_cap_ml_min=gfr_cap or DEFAULT_GFR_CAP,
    )


def _dose(
    spec: RegimenSpec, component: Component, patient: PatientMeasures
) -> tuple[EngineDose, Decimal | None]:
    """(the engine's dose of the component, its maximum in the dose's unit or None)."""
    body: BodyAssessment = assess_patient(patient, _policy(spec))
    dose = component.dose
    band = component.band_for(int(patient.age_years))
    if band is not None:
        dose = band.dose
    mapping = engine_unit(component.dose_unit)
    maximum, action = line_maximum(
        ingredient=INGREDIENTS[component.ingredient],
        max_dose=component.max_dose,
        dose_unit=component.dose_unit,
    )
    engine = engine_dose(
        DoseComponent(
            drug=component.ingredient,
            dose=dose,
            unit=mapping.unit,
            max_dose=maximum,
            max_dose_action=action if maximum is not None else MaxDoseAction.CAP,
            weight_basis=None,
        ),
        body,
        mapping,
    )
    limit = None if maximum is None else maximum.to(mapping.amount_unit).value
    return engine, limit


def _mg(code: str, index: int, patient: PatientMeasures = ADULT) -> Decimal:
    spec = SPECS[code]
    engine, _ = _dose(spec, spec.components[index], patient)
    return engine.calculated.quantize(Decimal("0.01"))


def _lines(code: str, ingredient: str) -> list[Component]:
    return [c for c in SPECS[code].components if c.ingredient == ingredient]


def _index(code: str, ingredient: str, nth: int = 0) -> int:
    found = [i for i, c in enumerate(SPECS[code].components) if c.ingredient == ingredient]
    return found[nth]


# --- the whole library ---------------------------------------------------------------------


def test_every_ingredient_of_the_library_is_in_the_reference_catalogue() -> None:
    used = {c.ingredient for s in SPECS.values() for c in s.components}
    assert used - set(INGREDIENTS) == set()


@pytest.mark.parametrize("patient", [ADULT, CHILD], ids=["adult", "child"])
def test_every_component_of_every_regimen_doses_within_its_maximum(
    patient: PatientMeasures,
) -> None:
    problems: list[str] = []
    doses = 0
    for spec in SPECS.values():
        for component in spec.components:
            where = f"{spec.code} #{component.sequence} {component.ingredient}"
            try:
                engine, limit = _dose(spec, component, patient)
            except Exception as error:  # every failure is reported by name
                problems.append(f"{where}: {type(error).__name__}: {error}")
                continue
            doses += 1
            if engine.block_code:
                problems.append(f"{where}: blocked ({engine.block_code})")
            if not engine.calculated > 0:
                problems.append(f"{where}: dose {engine.calculated}")
            if limit is not None and engine.calculated > limit:
                problems.append(f"{where}: {engine.calculated} above the maximum {limit}")
            if component.calculation is Calculation.AUC and patient is ADULT:
                # Calvert with the GFR capped at 125 mL/min: never above AUC × 150
                assert engine.calculated <= component.dose * 150, where
    assert problems == []
    assert doses == sum(len(s.components) for s in SPECS.values())


def test_the_new_files_are_adult_solid_tumour_regimens() -> None:
    directory = loader.LIBRARY_DIR
    blocks = loader.load_blocks()
    codes = [d["code"] for name in NEW_FILES for d in loader.load_file(directory / name, blocks)]
    assert len(codes) >= 95
    assert len(set(codes)) == len(codes)
    for code in codes:
        spec = SPECS[code]
        assert spec.paediatric is None, code
        assert spec.bibliography, code
        assert all(r.year and r.journal and r.citation for r in spec.bibliography), code
        assert {d.system for d in spec.diseases} >= {"icd9cm", "icdo3_site"}, code
    files = loader.REGIMEN_FILES
    assert files.index("solid.yaml") < min(files.index(name) for name in NEW_FILES)


# --- hand-computed doses of the new regimens -----------------------------------------------


def test_tchp_pertuzumab_840_then_420_and_carboplatin_auc6() -> None:
    # Schneeweiss, Ann Oncol 2013 (TRYPHAENA): pertuzumab 840 mg loading then 420 mg,
    # trastuzumab 8 then 6 mg/kg, docetaxel 75 mg/m², carboplatin AUC 6, every 21 days × 6.
    spec = SPECS["TCHP"]
    assert (spec.cycle_length_days, spec.max_cycles) == (21, 6)
    pertuzumab = _lines("TCHP", "pertuzumab")
    assert [(c.dose, c.cycle_from, c.cycle_to) for c in pertuzumab] == [
        (Decimal(840), 1, 1),
        (Decimal(420), 2, None),
    ]
    assert _mg("TCHP", _index("TCHP", "trastuzumab", 0)) == Decimal("560.00")  # 8 × 70
    assert _mg("TCHP", _index("TCHP", "trastuzumab", 1)) == Decimal("420.00")  # 6 × 70
    # 75 × 1.818119 = 136.36
    assert _mg("TCHP", _index("TCHP", "docetaxel")) == Decimal("136.36")
    # Calvert: 6 × (87.5 + 25) = 675
    assert _mg("TCHP", _index("TCHP", "carboplatin")) == Decimal("675.00")


def test_carboplatin_auc5_for_a_gfr_of_100_is_625_mg_and_the_gfr_is_capped() -> None:
    measured = PatientMeasures(
        sex=Sex.FEMALE,
        age_years=Decimal(45),
        height_cm=Decimal(165),
        weight_kg=Decimal(60),
        measured_gfr_ml_min=Decimal(100),
    )
    index = _index("KN522-PACLI-CARBO", "carboplatin")
    assert _mg("KN522-PACLI-CARBO", index, measured) == Decimal("625.00")  # 5 × (100 + 25)
    high = PatientMeasures(
        sex=Sex.FEMALE,
        age_years=Decimal(30),
        height_cm=Decimal(165),
        weight_kg=Decimal(60),
        measured_gfr_ml_min=Decimal(160),
    )
    # TNT: AUC 6; GFR 160 capped at 125 -> 6 × 150 = 900 mg
    assert _mg("CARBO-AUC6-TNBC", _index("CARBO-AUC6-TNBC", "carboplatin"), high) == Decimal(
        "900.00"
    )


def test_kn522_phases_schmid_nejm_2020() -> None:
    # Pembrolizumab 200 mg every 3 weeks with paclitaxel 80 mg/m² weekly and carboplatin
    # AUC 5 (4 cycles), then with doxorubicin 60 / cyclophosphamide 600 (4), then 9 cycles.
    assert [c.days for c in _lines("KN522-PACLI-CARBO", "paclitaxel")] == [(1, 8, 15)]
    assert _mg("KN522-PACLI-CARBO", _index("KN522-PACLI-CARBO", "paclitaxel")) == Decimal(
        "145.45"
    )  # 80 × 1.818119
    assert _mg("KN522-AC", _index("KN522-AC", "doxorubicin")) == Decimal("109.09")
    assert _mg("KN522-AC", _index("KN522-AC", "cyclophosphamide")) == Decimal("1090.87")
    assert [SPECS[c].max_cycles for c in ("KN522-PACLI-CARBO", "KN522-AC", "KN522-PEMBRO-ADJ")] == [
        4,
        4,
        9,
    ]
    assert _mg("KN522-PEMBRO-ADJ", 0) == Decimal("200.00")


def test_antibody_drug_conjugates_per_kg() -> None:
    # T-DM1 3.6 mg/kg (EMILIA, KATHERINE ×14); T-DXd 5.4 mg/kg breast, 6.4 mg/kg gastric;
    # sacituzumab govitecan 10 mg/kg days 1 and 8.
    assert _mg("TDM1", 0) == Decimal("252.00")
    assert SPECS["TDM1-ADJ"].max_cycles == 14
    assert _mg("TDXD-BREAST", _index("TDXD-BREAST", "trastuzumab_deruxtecan")) == Decimal("378.00")
    assert _mg("TDXD-GASTRIC", _index("TDXD-GASTRIC", "trastuzumab_deruxtecan")) == Decimal(
        "448.00"
    )
    index = _index("SACITUZUMAB", "sacituzumab_govitecan")
    assert SPECS["SACITUZUMAB"].components[index].days == (1, 8)
    assert _mg("SACITUZUMAB", index) == Decimal("700.00")


def test_enfortumab_vedotin_is_capped_at_125_mg() -> None:
    # Powles, NEJM 2024 (EV-302): 1.25 mg/kg days 1 and 8, at most 125 mg (100 kg).
    index = _index("EV-PEMBRO", "enfortumab_vedotin")
    assert _mg("EV-PEMBRO", index) == Decimal("87.50")  # 1.25 × 70
    heavy = PatientMeasures(
        sex=Sex.MALE,
        age_years=Decimal(60),
        height_cm=Decimal(190),
        weight_kg=Decimal(110),
        serum_creatinine_mg_dl=Decimal("1.0"),
    )
    spec = SPECS["EV-PEMBRO"]
    engine, limit = _dose(spec, spec.components[index], heavy)
    assert (engine.calculated, engine.capped, engine.uncapped) == (
        Decimal(125),
        True,
        Decimal("137.5"),
    )
    assert limit == Decimal(125)


def test_pcv_vincristine_is_capped_at_2_mg() -> None:
    # van den Bent, JCO 2013 (EORTC 26951): lomustine 110 mg/m² day 1, procarbazine
    # 60 mg/m² days 8-21, vincristine 1.4 mg/m² (max 2 mg) days 8 and 29, every 6 weeks.
    spec = SPECS["PCV"]
    assert spec.cycle_length_days == 42
    vincristine = spec.components[_index("PCV", "vincristine")]
    assert vincristine.days == (8, 29)
    engine, limit = _dose(spec, vincristine, ADULT)
    # 1.4 × 1.818119 = 2.545 mg -> 2 mg
    assert (engine.calculated, engine.capped, limit) == (Decimal(2), True, Decimal(2))
    assert _mg("PCV", _index("PCV", "lomustine")) == Decimal("199.99")
    assert _mg("PCV", _index("PCV", "procarbazine")) == Decimal("109.09")
    assert spec.components[_index("PCV", "procarbazine")].days == tuple(range(8, 22))


def test_mitomycin_act2_is_capped_at_20_mg() -> None:
    # James, Lancet Oncol 2013 (ACT II): mitomycin 12 mg/m² day 1 (max 20 mg), 5-FU
    # 1000 mg/m²/day days 1-4 and 29-32 with radiotherapy.
    spec = SPECS["MMC-5FU-RT"]
    engine, limit = _dose(spec, spec.components[_index("MMC-5FU-RT", "mitomycin")], ADULT)
    assert (engine.calculated, engine.capped, limit) == (Decimal(20), True, Decimal(20))
    fu = spec.components[_index("MMC-5FU-RT", "fluorouracil")]
    assert fu.days == (1, 2, 3, 4, 29, 30, 31, 32)
    assert _mg("MMC-5FU-RT", _index("MMC-5FU-RT", "fluorouracil")) == Decimal("1818.12")


def test_trifluridine_tipiracil_twice_a_day_at_most_80_mg() -> None:
    # Mayer, NEJM 2015 (RECOURSE): 35 mg/m² twice a day days 1-5 and 8-12 every 28 days.
    line = _lines("TAS102", "trifluridine_tipiracil")[0]
    assert (line.administrations_per_day, line.days) == (2, (1, 2, 3, 4, 5, 8, 9, 10, 11, 12))
    assert _mg("TAS102", 0) == Decimal("63.63")  # 35 × 1.818119
    large = PatientMeasures(
        sex=Sex.MALE,
        age_years=Decimal(55),
        height_cm=Decimal(200),
        weight_kg=Decimal(105),
        serum_creatinine_mg_dl=Decimal("1.0"),
    )
    # BSA √(200 × 105 / 3600) = 2.4152 m²; 35 × 2.4152 = 84.53 -> 80 mg
    assert _mg("TAS102", 0, large) == Decimal("80.00")


def test_stupp_temozolomide_and_captem() -> None:
    # Stupp, NEJM 2005: 75 mg/m² daily with radiotherapy (42 days), then 150 mg/m² days 1-5
    # (cycle 1) and 200 mg/m² (cycles 2-6) every 28 days.
    assert SPECS["TMZ-RT"].components[0].days == tuple(range(1, 43))
    assert _mg("TMZ-RT", 0) == Decimal("136.36")  # 75 × 1.818119
    tmz = _lines("TMZ-ADJ", "temozolomide")
    assert [(c.dose, c.cycle_from, c.cycle_to) for c in tmz] == [
        (Decimal(150), 1, 1),
        (Decimal(200), 2, None),
    ]
    assert _mg("TMZ-ADJ", _index("TMZ-ADJ", "temozolomide", 1)) == Decimal("363.62")
    # Kunz, JCO 2023 (E2211): capecitabine 750 mg/m² twice a day days 1-14, temozolomide
    # 200 mg/m² days 10-14, every 28 days.
    assert _mg("CAPTEM", _index("CAPTEM", "capecitabine")) == Decimal("1363.59")
    assert _lines("CAPTEM", "temozolomide")[0].days == (10, 11, 12, 13, 14)


def test_liposomal_irinotecan_is_its_own_formulation() -> None:
    # Wainberg, Lancet 2023 (NAPOLI 3): liposomal irinotecan 50 mg/m², oxaliplatin 60 mg/m²,
    # leucovorin 400 mg/m², 5-FU 2400 mg/m² over 46 h, days 1 and 15 of 28.
    line = _lines("NALIRIFOX", "irinotecan")[0]
    assert (line.formulation.value, line.days) == ("pegylated_liposomal", (1, 15))
    assert _mg("NALIRIFOX", _index("NALIRIFOX", "irinotecan")) == Decimal("90.91")
    assert _mg("NALIRIFOX", _index("NALIRIFOX", "oxaliplatin")) == Decimal("109.09")
    # Wang-Gillam, Lancet 2016 (NAPOLI-1): 70 mg/m² (free base) every 2 weeks.
    assert _mg("NALIRI-5FU", _index("NALIRI-5FU", "irinotecan")) == Decimal("127.27")


def test_nivolumab_ipilimumab_chemotherapy_checkmate_9la() -> None:
    # Paz-Ares, Lancet Oncol 2021: nivolumab 360 mg every 3 weeks, ipilimumab 1 mg/kg
    # every 6 weeks, two cycles of chemotherapy (a 42-day cycle here: chemotherapy in cycle 1).
    spec = SPECS["NIVO-IPI-CHEMO"]
    assert spec.cycle_length_days == 42
    assert [c.days for c in _lines("NIVO-IPI-CHEMO", "nivolumab")] == [(1, 22)]
    assert [c.days for c in _lines("NIVO-IPI-CHEMO", "ipilimumab")] == [(1,)]
    assert _mg("NIVO-IPI-CHEMO", _index("NIVO-IPI-CHEMO", "ipilimumab")) == Decimal("70.00")
    for ingredient in ("pemetrexed", "carboplatin"):
        (line,) = _lines("NIVO-IPI-CHEMO", ingredient)
        assert (line.days, line.cycle_from, line.cycle_to) == ((1, 22), 1, 1)


def test_oral_lines_per_administration() -> None:
    # Abiraterone 1000 mg once a day + prednisone 5 mg twice a day (COU-AA-301); abemaciclib
    # 150 mg twice a day (MONARCH); osimertinib 80 mg once a day; brigatinib 90 mg days 1-7 then
    # 180 mg (ALTA-1L); palbociclib 125 mg days 1-21 of 28.
    assert [(c.dose, c.administrations_per_day) for c in SPECS["ABI-PRED-CRPC"].components] == [
        (Decimal(1000), 1),
        (Decimal(5), 2),
    ]
    (abema,) = _lines("ABEMA-FULV", "abemaciclib")
    assert (abema.dose, abema.administrations_per_day, abema.days) == (
        Decimal(150),
        2,
        tuple(range(1, 29)),
    )
    assert _mg("OSIMERTINIB", 0) == Decimal("80.00")
    brigatinib = _lines("BRIGATINIB", "brigatinib")
    assert [(c.dose, c.days[0], c.days[-1], c.cycle_from) for c in brigatinib] == [
        (Decimal(90), 1, 7, 1),
        (Decimal(180), 8, 28, 1),
        (Decimal(180), 1, 28, 2),
    ]
    (palbo,) = _lines("PALBO-LET", "palbociclib")
    assert (palbo.dose, palbo.days, SPECS["PALBO-LET"].cycle_length_days) == (
        Decimal(125),
        tuple(range(1, 22)),
        28,
    )


def test_fulvestrant_500_days_1_and_15_then_monthly() -> None:
    # Di Leo, JCO 2010 (CONFIRM): 500 mg i.m. days 0, 14, 28 and every 28 days after.
    lines = _lines("FULVESTRANT-500", "fulvestrant")
    assert [(c.dose, c.days, c.cycle_from, c.cycle_to, c.route.value) for c in lines] == [
        (Decimal(500), (1, 15), 1, 1, "im"),
        (Decimal(500), (1,), 2, None, "im"),
    ]


def test_vinblastine_per_kg_veip_and_ifosfamide_vip() -> None:
    # Loehrer, JCO 1998: vinblastine 0.11 mg/kg days 1-2, ifosfamide 1.2 g/m² and cisplatin
    # 20 mg/m² days 1-5; Nichols, JCO 1998: VIP etoposide 75 mg/m² days 1-5.
    assert _mg("VEIP", _index("VEIP", "vinblastine")) == Decimal("7.70")
    assert _mg("VEIP", _index("VEIP", "ifosfamide")) == Decimal("2181.74")
    assert _mg("VIP", _index("VIP", "etoposide")) == Decimal("136.36")
    assert _mg("VIP", _index("VIP", "cisplatin")) == Decimal("36.36")


def test_lomustine_110_is_capped_at_200_mg() -> None:
    # Wick, NEJM 2017 (EORTC 26101): lomustine 110 mg/m² every 6 weeks, at most 200 mg.
    large = PatientMeasures(
        sex=Sex.MALE,
        age_years=Decimal(55),
        height_cm=Decimal(190),
        weight_kg=Decimal(90),
        serum_creatinine_mg_dl=Decimal("1.0"),
    )
    # BSA √(190 × 90 / 3600) = 2.17945 m²; 110 × 2.17945 = 239.74 -> 200 mg
    assert _mg("LOMUSTINE-110", 0, large) == Decimal("200.00")
    assert _mg("LOMUSTINE-110", 0) == Decimal("199.99")


def test_a_child_gets_its_own_doses() -> None:
    # 0.931695 m², 25 kg: pembrolizumab stays 200 mg flat; carboplatin AUC 5 by Newell
    # 5 × (90 + 0.36 × 25) = 495 mg; trastuzumab 8 mg/kg = 200 mg.
    assert _mg("PEMBRO-MSI-CRC", 0, CHILD) == Decimal("200.00")
    index = _index("KN522-PACLI-CARBO", "carboplatin")
    assert _mg("KN522-PACLI-CARBO", index, CHILD) == Decimal("495.00")
    assert _mg("TCHP", _index("TCHP", "trastuzumab", 0), CHILD) == Decimal("200.00")
    assert _mg("TMZ-ADJ", _index("TMZ-ADJ", "temozolomide", 1), CHILD) == Decimal("186.34")


def test_paediatric_hyperhydration_is_per_m2_never_a_flat_three_litres() -> None:
    """3 L/m² in 24 hours (the protocols' hyperhydration with high-dose methotrexate and
    cisplatin): for the reference child (√(125 × 25 / 3600) = 0.9316950 m²) 3000 × 0.9316950 = 2795.08 mL over
    1440 minutes, not the 3000 mL in 2 hours the line once carried; an adult of 1.818119 m²
    gets 5454.36 mL. Below 10 kg the per-m² dose becomes per kg (÷ 30): 100 mL/kg, 900 mL
    for a 9 kg infant."""
    hydration = [
        (spec.code, c)
        for spec in SPECS.values()
        for c in spec.components
        if c.ingredient == "sodium_chloride"
        and c.role == "hydration"
        and spec.code.startswith(("AIEOP", "CIS-SIOPEL", "MAP"))
    ]
    assert len(hydration) == 5
    for code, component in hydration:
        assert component.dose_unit == "mL/m2", code
        assert component.duration_minutes == 1440, code
    code, component = hydration[0]
    engine, _ = _dose(SPECS[code], component, CHILD)
    assert engine.calculated.quantize(Decimal("0.01")) == Decimal("2795.08")
    assert engine.amount_unit == "mL"
    engine, _ = _dose(SPECS[code], component, ADULT)
    assert engine.calculated.quantize(Decimal("0.01")) == Decimal("5454.36")
    infant = PatientMeasures(
        sex=Sex.MALE,
        age_years=Decimal(1),
        height_cm=Decimal(72),
        weight_kg=Decimal(9),
    )
    engine, _ = _dose(SPECS[code], component, infant)
    assert engine.calculated.quantize(Decimal("0.01")) == Decimal("900.00")
