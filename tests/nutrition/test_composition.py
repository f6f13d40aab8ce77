"""The composition of a bag against hand calculations written out here (Decimal; every
unit named). Glucose in the catalogue is anhydrous (the Italian label's %); the kcal use
the monohydrate mass, anhydrous x 198.17 / 180.16 = x 1.0999667, at 3.4 kcal/g."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.nutrition import reference
from corsia.nutrition.domain.checks import Patient, Route, assess
from corsia.nutrition.domain.composition import Item, Unit, compose

TODAY = date(2026, 12, 3)


def q(value: Decimal | None, places: str = "0.01") -> Decimal:
    assert value is not None
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def items(*rows: tuple[str, str, str]) -> list[Item]:
    return [Item(code, Decimal(amount), Unit(unit)) for code, amount, unit in rows]


ADULT = items(
    ("AA_AMINOVEN_10", "1000", "mL"),
    ("GLU_50", "500", "mL"),
    ("LIP_SMOFLIPID_20", "250", "mL"),
    ("NA_CL_2", "40", "mL"),
    ("K_CL_2", "30", "mL"),
    ("P_GLYCOPHOS", "15", "mL"),
    ("CA_GLUC_10", "20", "mL"),
    ("MG_SO4_10", "20", "mL"),
    ("TE_ADDAVEN", "1", "unit"),
    ("VIT_SOLUVIT_N", "1", "unit"),
)


def test_adult_central_bag_by_hand() -> None:
    # given a 70 kg adult's 24-hour bag, every component in mL or units
    c = compose(
        items=ADULT,
        catalogue=reference.catalogue(),
        weight_kg=Decimal(70),
        infusion_hours=Decimal(24),
    )
    # volume: 1000 + 500 + 250 + 40 + 30 + 15 + 20 + 20 + 10 (Addaven) + 10 (Soluvit) mL
    assert c.volume_ml == Decimal(1895)
    # amino acids 1000 mL x 10 g/100 mL = 100 g; nitrogen 1000 x 1.62/100 = 16.2 g
    assert c.nutrients["amino_acids_g"] == Decimal(100)
    assert c.nutrients["nitrogen_g"] == Decimal("16.2")
    # glucose 500 mL x 50 g/100 mL = 250 g anhydrous = 274.99 g monohydrate
    assert c.nutrients["glucose_g"] == Decimal(250)
    assert q(c.glucose_monohydrate_g) == Decimal("274.99")
    # kcal: protein 100 x 4 = 400; glucose 274.9917 x 3.4 = 934.97; lipid 250 x 2.0 = 500
    assert c.protein_kcal == Decimal(400)
    assert q(c.glucose_kcal) == Decimal("934.97")
    assert c.lipid_kcal == Decimal(500)
    assert q(c.total_kcal) == Decimal("1834.97")
    assert q(c.non_protein_kcal) == Decimal("1434.97")
    # non-protein kcal : g N = 1434.97 / 16.2 = 88.58
    assert q(c.npc_per_g_nitrogen) == Decimal("88.58")
    # GIR = 250 000 mg / 70 kg / 1440 min = 2.48 mg/kg/min
    assert q(c.gir_mg_kg_min) == Decimal("2.48")
    # osmolarity: (1000x990 + 500x2775 + 250x380 + 40x4000 + 30x4000 + 15x2760 + 20x675
    #   + 20x811 + 10x3100 + 10x0) / 1895 = 2 854 620 / 1895 = 1506.40 mOsm/L
    assert q(c.osmolarity_mosm_l) == Decimal("1506.40")
    assert c.unlabelled_osmolarity == ("VIT_SOLUVIT_N",)
    # electrolytes: Na 40x2 + 15x2 (glycerophosphate) = 110 mmol; K 60; Ca 20x0.225 = 4.5;
    # Mg 20 x 0.406 = 8.12; phosphate 15; chloride 80 + 60 = 140 mmol
    assert c.nutrients["sodium_mmol"] == Decimal(110)
    assert c.nutrients["potassium_mmol"] == Decimal(60)
    assert c.nutrients["calcium_mmol"] == Decimal("4.5")
    assert c.nutrients["magnesium_mmol"] == Decimal("8.12")
    assert c.nutrients["phosphate_mmol"] == Decimal(15)
    assert c.nutrients["chloride_mmol"] == Decimal(140)
    # per kg: Na 110/70 = 1.57 mmol/kg; lipid 50 g / 70 = 0.71 g/kg; water 1895/70 = 27.07
    assert q(c.per_kg["sodium_mmol_kg"]) == Decimal("1.57")
    assert q(c.per_kg["lipid_g_kg"]) == Decimal("0.71")
    assert q(c.per_kg["water_ml_kg"]) == Decimal("27.07")
    # rate 1895 mL / 24 h = 78.96 mL/h; aqueous phase 1895 - 250 (lipid) = 1645 mL
    assert q(c.rate_ml_h) == Decimal("78.96")
    assert c.aqueous_volume_ml == Decimal(1645)


def test_preterm_neonate_by_needs_per_kg() -> None:
    # given a 1 kg preterm neonate prescribed by needs per kg (24 h)
    bag = items(
        ("AA_PRIMENE_10", "3", "g/kg"),  # 3 g / (10 g/100 mL) = 30 mL
        ("GLU_20", "11.52", "g/kg"),  # 11.52 g / 0.2 g/mL = 57.6 mL (8 mg/kg/min)
        ("LIP_SMOFLIPID_20", "3", "g/kg"),  # 3 g / 0.2 g/mL = 15 mL
        ("P_GLYCOPHOS", "1.5", "mmol/kg"),  # 1.5 mL, also 3 mmol Na
        ("CA_GLUC_10", "3", "mEq/kg"),  # 3 mEq = 1.5 mmol / 0.225 = 6.6667 mL
        ("K_CL_2", "2", "mEq/kg"),  # 2 mmol / 2 mmol/mL = 1 mL
        ("TE_PEDITRACE", "1", "mL/kg"),
        ("VIT_VITALIPID_INF", "4", "mL/kg"),
        ("WFI", "20", "mL"),
    )
    assessment = assess(
        patient=Patient(
            weight_kg=Decimal(1), route=Route.PERIPHERAL, age_days=Decimal(3), preterm=True
        ),
        items=bag,
        infusion_hours=Decimal(24),
        catalogue=reference.catalogue(),
        limits=reference.limits(),
        curves=reference.curves(),
        today=TODAY,
    )
    c = assessment.composition
    # volume 30 + 57.6 + 15 + 1.5 + 6.6667 + 1 + 1 + 4 + 20 = 136.77 mL
    assert q(c.volume_ml) == Decimal("136.77")
    # GIR = 11 520 mg / 1 kg / 1440 min = 8.00 mg/kg/min
    assert c.gir_mg_kg_min == Decimal(8)
    # kcal: protein 3 x 4 = 12; glucose 11.52 x 1.0999667 x 3.4 = 43.08;
    # lipid 15 x 2.0 + 4 x 1.1 (Vitalipid in Intralipid 10%) = 34.4; total 89.48
    assert q(c.glucose_kcal) == Decimal("43.08")
    assert c.lipid_kcal == Decimal("34.4")
    assert q(c.total_kcal) == Decimal("89.48")
    # osmolarity (30x780 + 57.6x1110 + 15x380 + 1.5x2760 + 6.6667x675 + 1x4000 + 1x38
    #   + 4x300 + 20x0) / 136.7667 = 106 914 / 136.7667 = 781.73 mOsm/L: peripheral allowed
    assert q(c.osmolarity_mosm_l) == Decimal("781.73")
    # lipid 3 + 0.4 (Vitalipid 4 mL x 0.1 g/mL) = 3.4 g/kg, within 4 g/kg
    assert c.per_kg["lipid_g_kg"] == Decimal("3.4")
    assert c.per_kg["sodium_mmol_kg"] == Decimal(3)
    # Ca-P in the aqueous phase 136.7667 - 15 = 121.7667 mL: Ca 1.5 mmol -> 12.32 mmol/L,
    # phosphate (glycerophosphate) 1.5 mmol -> 12.32 mmol/L; organic curve allows 50
    ca_p = assessment.calcium_phosphate
    assert q(ca_p.calcium_mmol_l) == Decimal("12.32")
    assert q(ca_p.phosphate_mmol_l) == Decimal("12.32")
    assert ca_p.verdict == "compatible"
    assert assessment.band == "neonate_preterm"
    assert not assessment.blocked
    assert assessment.findings == ()


def test_200_kg_adult_from_two_commercial_bags() -> None:
    # two Kabiven 1026 mL bags (units) over 24 h for a 200 kg adult
    c = compose(
        items=items(("BAG_KABIVEN_1026", "2", "unit")),
        catalogue=reference.catalogue(),
        weight_kg=Decimal(200),
        infusion_hours=Decimal(24),
    )
    # 2 x 1026 = 2052 mL; glucose 2 x 100 = 200 g; amino acids 68 g; nitrogen 10.8 g
    assert c.volume_ml == Decimal(2052)
    assert c.nutrients["glucose_g"] == Decimal(200)
    assert c.nutrients["amino_acids_g"] == Decimal(68)
    assert c.nutrients["nitrogen_g"] == Decimal("10.8")
    # GIR 200 000 / 200 / 1440 = 0.69 mg/kg/min; lipid kcal 2 x 400 = 800
    assert q(c.gir_mg_kg_min) == Decimal("0.69")
    assert c.lipid_kcal == Decimal(800)
    # the bag's labelled osmolarity, unchanged by taking two of it
    assert c.osmolarity_mosm_l == Decimal(1060)


def test_gir_over_a_cyclic_infusion_of_12_hours() -> None:
    # 500 mL glucose 10% = 50 g for a 10 kg child over 12 h: 50 000 / 10 / 720 = 6.94
    c = compose(
        items=items(("GLU_10", "500", "mL")),
        catalogue=reference.catalogue(),
        weight_kg=Decimal(10),
        infusion_hours=Decimal(12),
    )
    assert q(c.gir_mg_kg_min) == Decimal("6.94")
    assert c.rate_ml_h == Decimal("500") / 12


@pytest.mark.parametrize(
    ("code", "amount", "unit", "ml"),
    [
        ("CA_GLUC_10", "9", "mEq", "20"),  # 9 mEq = 4.5 mmol / 0.225 mmol/mL
        ("MG_SO4_10", "2.03", "mmol", "5"),  # 2.03 / 0.406
        ("NA_CL_2", "1", "mmol/kg", "1.25"),  # 2.5 kg x 1 mmol / 2 mmol/mL
        ("LIP_INTRALIPID_20", "2", "g/kg", "25"),  # 5 g / 0.2 g/mL
        ("GLU_50", "12.5", "g", "25"),
        ("AA_VAMINOLACT", "2", "mL/kg", "5"),
        ("BAG_KABIVEN_PERIF_1440", "1", "unit", "1440"),
    ],
)
def test_units_convert_to_millilitres(code: str, amount: str, unit: str, ml: str) -> None:
    c = compose(
        items=items((code, amount, unit)),
        catalogue=reference.catalogue(),
        weight_kg=Decimal("2.5"),
        infusion_hours=Decimal(24),
    )
    assert c.volume_ml == Decimal(ml)


@pytest.mark.parametrize(
    ("code", "unit"),
    [
        ("P_GLYCOPHOS", "mEq"),  # phosphate's mEq depend on the pH
        ("NA_CL_2", "g"),  # prescribed by its sodium in mmol
        ("GLU_10", "unit"),  # no unit volume
        ("TE_PEDITRACE", "mmol"),
        ("WFI", "g/kg"),
    ],
)
def test_a_unit_the_component_is_not_prescribed_in_is_refused(code: str, unit: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        compose(
            items=items((code, "1", unit)),
            catalogue=reference.catalogue(),
            weight_kg=Decimal(3),
            infusion_hours=Decimal(24),
        )
    assert error.value.code == "unit_not_applicable"
    assert error.value.field == "components.0.unit"
