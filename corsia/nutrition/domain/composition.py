"""What a bag contains and what it gives the patient, from its components' amounts.

Formulas (each with its reference; Decimal throughout):

- amount of a component in mL: mL as prescribed; ``X/kg`` multiplied by the weight;
  g or mmol of its primary nutrient divided by its content per mL; mEq divided by the
  ion's charge first (Ca, Mg: 2 mEq per mmol); ``unit`` (vials, bags) times the unit's
  volume.
- total volume (mL) = sum of the components' volumes (volumes taken as additive).
- nutrient n (g, mmol) = sum over components of mL_i x content_i,n / reference_ml_i.
- kcal (the conventions of the issue and of ASPEN, Mirtallo J et al. JPEN
  2004;28:S39-70): protein 4 kcal per g of amino acids; glucose 3.4 kcal per g of
  glucose MONOHYDRATE, the mass of anhydrous glucose x 198.17 / 180.16 (molar masses);
  lipid emulsions by their labelled kcal/mL (glycerol and phospholipids included).
  Non-protein kcal = glucose kcal + lipid kcal.
- non-protein kcal : g nitrogen = non-protein kcal / nitrogen g (nitrogen as labelled;
  none without nitrogen).
- glucose infusion rate (mg/kg/min) = anhydrous glucose g x 1000 / weight kg /
  (infusion hours x 60) (Mesotten D et al. ESPGHAN/ESPEN/ESPR/CSPEN guidelines,
  Carbohydrates, Clin Nutr 2018;37:2337-43, express glucose in mg/kg/min).
- osmolarity (mOsm/L) = sum of mL_i x labelled osmolarity_i / total mL: each product's
  labelled osmolarity weighted by its volume (the mixture rule: osmoles are additive,
  total milliosmoles divided by total litres). It estimates osmolarity; the measured
  osmolality of concentrated admixtures is higher (Valero Zanuy MA et al. Nutr Hosp
  2015;32:2757-62), so the peripheral limit of 900 mOsm/L (Mirtallo J et al. JPEN
  2004;28:S39-70; ESPEN says 850: Pittiruti M et al. Clin Nutr 2009;28:365-77) is a
  setting the hospital may lower.
- per kg per day: one bag a day, total / weight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.nutrition.domain.catalogue import (
    GRAM_NUTRIENTS,
    MMOL_NUTRIENTS,
    NUTRIENTS,
    VALENCE,
    Catalogue,
    Component,
    Kind,
)

PROTEIN_KCAL_PER_G = Decimal(4)
GLUCOSE_MONOHYDRATE_KCAL_PER_G = Decimal("3.4")
GLUCOSE_ANHYDROUS_G_MOL = Decimal("180.16")
GLUCOSE_MONOHYDRATE_G_MOL = Decimal("198.17")

WEIGHT_MIN_KG = Decimal("0.3")
WEIGHT_MAX_KG = Decimal(350)
VOLUME_MAX_ML = Decimal(10000)  # a day's bag of a 200 kg adult is under 5 L
AMOUNT_MAX = Decimal(100000)
MAX_COMPONENTS = 40


class Unit(StrEnum):
    ML = "mL"
    ML_KG = "mL/kg"
    G = "g"
    G_KG = "g/kg"
    MMOL = "mmol"
    MMOL_KG = "mmol/kg"
    MEQ = "mEq"
    MEQ_KG = "mEq/kg"
    UNIT = "unit"

    @property
    def per_kg(self) -> bool:
        return self.value.endswith("/kg")

    @property
    def base(self) -> Unit:
        return Unit(self.value.removesuffix("/kg"))


@dataclass(frozen=True)
class Item:
    code: str
    amount: Decimal
    unit: Unit


@dataclass(frozen=True)
class Part:
    component: Component
    amount: Decimal
    unit: Unit
    volume_ml: Decimal


@dataclass(frozen=True)
class Composition:
    weight_kg: Decimal
    infusion_hours: Decimal
    parts: tuple[Part, ...]
    volume_ml: Decimal
    nutrients: Mapping[str, Decimal]  # totals, g or mmol (and lipid_kcal)
    glucose_monohydrate_g: Decimal
    protein_kcal: Decimal
    glucose_kcal: Decimal
    lipid_kcal: Decimal
    total_kcal: Decimal
    non_protein_kcal: Decimal
    npc_per_g_nitrogen: Decimal | None
    gir_mg_kg_min: Decimal
    osmolarity_mosm_l: Decimal
    unlabelled_osmolarity: tuple[str, ...]  # codes counted as 0 mOsm/L
    aqueous_volume_ml: Decimal  # without the lipid emulsions
    rate_ml_h: Decimal
    per_kg: Mapping[str, Decimal] = field(default_factory=dict)


def check_weight(weight_kg: Decimal | None) -> Decimal:
    if weight_kg is None:
        raise ValidationFailed(
            "Il peso del paziente è necessario per la nutrizione parenterale.",
            code="weight_missing",
            field="weight_kg",
        )
    if not weight_kg.is_finite() or not WEIGHT_MIN_KG <= weight_kg <= WEIGHT_MAX_KG:
        raise ValidationFailed(
            f"Peso fuori dall'intervallo ammesso ({WEIGHT_MIN_KG}-{WEIGHT_MAX_KG} kg).",
            code="weight_out_of_range",
            field="weight_kg",
        )
    return weight_kg


def check_hours(hours: Decimal) -> Decimal:
    if not hours.is_finite() or not Decimal(1) <= hours <= Decimal(24):
        raise ValidationFailed(
            "Le ore di infusione vanno da 1 a 24.",
            code="infusion_hours_out_of_range",
            field="infusion_hours",
        )
    return hours


def volume_of(component: Component, amount: Decimal, unit: Unit, weight_kg: Decimal) -> Decimal:
    """The millilitres of ``component`` that give ``amount`` ``unit``."""
    if not amount.is_finite() or amount <= 0:
        raise ValidationFailed(
            "La quantità deve essere un numero positivo.",
            code="amount_not_positive",
            field="amount",
        )
    if amount > AMOUNT_MAX:
        raise ValidationFailed("Quantità fuori scala.", code="amount_out_of_range", field="amount")
    quantity = amount * weight_kg if unit.per_kg else amount
    base = unit.base
    if base is Unit.ML:
        return quantity
    if base is Unit.UNIT:
        if component.unit_volume_ml is None:
            raise _not_applicable(component, unit)
        return quantity * component.unit_volume_ml
    primary = component.primary
    if base is Unit.G and primary in GRAM_NUTRIENTS:
        return quantity / component.per_ml(primary)
    if base is Unit.MMOL and primary in MMOL_NUTRIENTS:
        return quantity / component.per_ml(primary)
    if base is Unit.MEQ and primary is not None and primary in VALENCE:
        return quantity / Decimal(VALENCE[primary]) / component.per_ml(primary)
    raise _not_applicable(component, unit)


def _not_applicable(component: Component, unit: Unit) -> ValidationFailed:
    return ValidationFailed(
        f"«{component.name}» non si prescrive in {unit.value}.",
        code="unit_not_applicable",
        field="unit",
    )


def component_of(catalogue: Catalogue, code: str) -> Component:
    component = catalogue.get(code)
    if component is None:
        raise ValidationFailed(
            "Componente sconosciuto nel catalogo della Farmacia.",
            code="component_unknown",
            field="code",
        )
    return component


def _at(index: int, error: ValidationFailed) -> ValidationFailed:
    error.field = f"components.{index}.{error.field}" if error.field else f"components.{index}"
    return error


def parts_of(items: Sequence[Item], catalogue: Catalogue, weight_kg: Decimal) -> tuple[Part, ...]:
    if not items:
        raise ValidationFailed(
            "Indica almeno un componente.", code="components_required", field="components"
        )
    if len(items) > MAX_COMPONENTS:
        raise ValidationFailed(
            f"Al massimo {MAX_COMPONENTS} componenti.",
            code="too_many_components",
            field="components",
        )
    parts = []
    for index, item in enumerate(items):
        try:
            component = component_of(catalogue, item.code)
            volume = volume_of(component, item.amount, item.unit, weight_kg)
        except ValidationFailed as error:
            raise _at(index, error) from None
        parts.append(Part(component, item.amount, item.unit, volume))
    return tuple(parts)


def compose(
    *, items: Sequence[Item], catalogue: Catalogue, weight_kg: Decimal, infusion_hours: Decimal
) -> Composition:
    weight = check_weight(weight_kg)
    hours = check_hours(infusion_hours)
    parts = parts_of(items, catalogue, weight)
    volume = sum((p.volume_ml for p in parts), Decimal(0))
    if volume > VOLUME_MAX_ML:
        raise ValidationFailed(
            f"Volume totale oltre {VOLUME_MAX_ML} mL.",
            code="volume_out_of_range",
            field="components",
        )
    nutrients = {
        n: sum((p.component.amount_in(p.volume_ml, n) for p in parts), Decimal(0))
        for n in NUTRIENTS
    }
    osmoles = sum((p.volume_ml * (p.component.osmolarity_mosm_l or 0) for p in parts), Decimal(0))
    unlabelled = tuple(
        sorted({p.component.code for p in parts if p.component.osmolarity_mosm_l is None})
    )
    aqueous = sum((p.volume_ml for p in parts if p.component.kind is not Kind.LIPID), Decimal(0))
    monohydrate = nutrients["glucose_g"] * GLUCOSE_MONOHYDRATE_G_MOL / GLUCOSE_ANHYDROUS_G_MOL
    protein_kcal = nutrients["amino_acids_g"] * PROTEIN_KCAL_PER_G
    glucose_kcal = monohydrate * GLUCOSE_MONOHYDRATE_KCAL_PER_G
    lipid_kcal = nutrients["lipid_kcal"]
    non_protein = glucose_kcal + lipid_kcal
    nitrogen = nutrients["nitrogen_g"]
    per_kg = {
        "water_ml_kg": volume / weight,
        "energy_kcal_kg": (protein_kcal + non_protein) / weight,
        "amino_acids_g_kg": nutrients["amino_acids_g"] / weight,
        "glucose_mg_kg_min": nutrients["glucose_g"] * 1000 / weight / (hours * 60),
        "lipid_g_kg": nutrients["lipid_g"] / weight,
        "sodium_mmol_kg": nutrients["sodium_mmol"] / weight,
        "potassium_mmol_kg": nutrients["potassium_mmol"] / weight,
        "calcium_mmol_kg": nutrients["calcium_mmol"] / weight,
        "phosphate_mmol_kg": nutrients["phosphate_mmol"] / weight,
        "magnesium_mmol_kg": nutrients["magnesium_mmol"] / weight,
    }
    return Composition(
        weight_kg=weight,
        infusion_hours=hours,
        parts=parts,
        volume_ml=volume,
        nutrients=nutrients,
        glucose_monohydrate_g=monohydrate,
        protein_kcal=protein_kcal,
        glucose_kcal=glucose_kcal,
        lipid_kcal=lipid_kcal,
        total_kcal=protein_kcal + non_protein,
        non_protein_kcal=non_protein,
        npc_per_g_nitrogen=non_protein / nitrogen if nitrogen > 0 else None,
        gir_mg_kg_min=per_kg["glucose_mg_kg_min"],
        osmolarity_mosm_l=osmoles / volume,
        unlabelled_osmolarity=unlabelled,
        aqueous_volume_ml=aqueous,
        rate_ml_h=volume / hours,
        per_kg=per_kg,
    )
