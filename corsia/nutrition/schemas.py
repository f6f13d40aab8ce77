"""The JSON shapes of ``POST /api/v1/nutrition/preview`` (a stable contract, see the
module README). Numbers are read as Decimal from the JSON text and written back as JSON
numbers rounded half-up to 4 decimals.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, PlainSerializer

from corsia.core.schemas import Amount, IsoDate
from corsia.nutrition.domain.checks import Assessment, Finding, Patient, Route
from corsia.nutrition.domain.composition import Item, Unit
from corsia.nutrition.domain.limits import BAND_LABELS
from corsia.nutrition.domain.sheet import compounding_sequence

_FOUR_PLACES = Decimal("0.0001")


def _as_number(value: Decimal) -> float:
    # Only at the JSON boundary: a 4-decimal Decimal is represented exactly enough by a
    # double for its shortest repr to be the same digits.
    return float(value.quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP))


Number = Annotated[Decimal, PlainSerializer(_as_number, return_type=float)]
UnitName = Literal["mL", "mL/kg", "g", "g/kg", "mmol", "mmol/kg", "mEq", "mEq/kg", "unit"]

FORMULAS = {
    "volume_ml": "somma dei volumi dei componenti (mL)",
    "kcal": "aminoacidi g x 4 + glucosio monoidrato g x 3,4 + kcal/mL dichiarate dei lipidi x mL",
    "glucose_monohydrate_g": "glucosio anidro g x 198,17 / 180,16",
    "non_protein_kcal": "kcal del glucosio + kcal dei lipidi",
    "npc_per_g_nitrogen": "kcal non proteiche / g di azoto dichiarati",
    "gir_mg_kg_min": "glucosio anidro mg / peso kg / (ore di infusione x 60)",
    "osmolarity_mosm_l": "somma (mL x osmolarità dichiarata mOsm/L) / volume totale mL",
    "calcium_phosphate": "Ca e fosfato mmol/L nella fase acquosa (volume senza lipidi), "
    "confrontati con la curva di solubilità della coppia di sali",
    "per_kg": "totale della sacca (una al giorno) / peso kg",
}


# The OpenAPI examples (the tests compute them by hand).
ADULT_EXAMPLE: dict[str, Any] = {
    "patient": {"weight_kg": 70, "age_years": 50, "route": "central"},
    "infusion_hours": 24,
    "components": [
        {"code": "AA_AMINOVEN_10", "amount": 1000, "unit": "mL"},
        {"code": "GLU_50", "amount": 500, "unit": "mL"},
        {"code": "LIP_SMOFLIPID_20", "amount": 250, "unit": "mL"},
        {"code": "NA_CL_2", "amount": 80, "unit": "mmol"},
        {"code": "K_CL_2", "amount": 60, "unit": "mEq"},
        {"code": "P_GLYCOPHOS", "amount": 15, "unit": "mmol"},
        {"code": "CA_GLUC_10", "amount": 4.5, "unit": "mmol"},
        {"code": "MG_SO4_10", "amount": 20, "unit": "mL"},
        {"code": "TE_ADDAVEN", "amount": 1, "unit": "unit"},
        {"code": "VIT_SOLUVIT_N", "amount": 1, "unit": "unit"},
    ],
}
NEONATE_EXAMPLE: dict[str, Any] = {
    "patient": {"weight_kg": 1.2, "age_days": 5, "preterm": True, "route": "peripheral"},
    "components": [
        {"code": "AA_PRIMENE_10", "amount": 3, "unit": "g/kg"},
        {"code": "GLU_20", "amount": 11.52, "unit": "g/kg"},
        {"code": "LIP_SMOFLIPID_20", "amount": 3, "unit": "g/kg"},
        {"code": "P_GLYCOPHOS", "amount": 1.5, "unit": "mmol/kg"},
        {"code": "CA_GLUC_10", "amount": 3, "unit": "mEq/kg"},
    ],
}


class PatientIn(Schema):
    weight_kg: Amount | None = None
    age_days: Amount | None = None
    age_years: Amount | None = None
    route: Literal["central", "peripheral"]
    preterm: bool = False
    weight_measured_on: IsoDate | None = None


class ComponentIn(Schema):
    code: str = Field(max_length=40)
    amount: Amount
    unit: UnitName = "mL"


class PreviewIn(Schema):
    patient: PatientIn
    infusion_hours: Amount = Decimal(24)
    components: list[ComponentIn] = Field(max_length=40)

    model_config = {"json_schema_extra": {"examples": [ADULT_EXAMPLE, NEONATE_EXAMPLE]}}


class ComponentOut(Schema):
    code: str
    name: str
    amount: Number
    unit: str
    volume_ml: Number


class StepOut(Schema):
    sequence: int
    code: str
    name: str
    volume_ml: Number
    stage: str


class CalciumPhosphateOut(Schema):
    verdict: Literal["not_applicable", "compatible", "precipitation", "no_curve"]
    calcium_mmol_l: Number
    phosphate_mmol_l: Number
    max_calcium_mmol_l: Number | None
    phosphate_salt: str | None
    calcium_salt: str | None
    source: str


class FindingOut(Schema):
    code: str
    severity: Literal["warn", "block"]
    message: str
    parameter: str | None
    value: Number | None
    limit: Number | None


class PreviewOut(Schema):
    band: str
    band_label: str
    route: str
    infusion_hours: Number
    volume_ml: Number
    rate_ml_h: Number
    kcal: Number
    protein_kcal: Number
    glucose_kcal: Number
    lipid_kcal: Number
    non_protein_kcal: Number
    npc_per_g_nitrogen: Number | None
    glucose_monohydrate_g: Number
    gir_mg_kg_min: Number
    osmolarity_mosm_l: Number
    nutrients: dict[str, Number]
    per_kg: dict[str, Number]
    calcium_phosphate: CalciumPhosphateOut
    components: list[ComponentOut]
    findings: list[FindingOut]
    blocked: bool
    compounding_sequence: list[StepOut]
    formulas: dict[str, str]


def patient_of(payload: PatientIn) -> Patient:
    return Patient(
        weight_kg=payload.weight_kg,
        route=Route(payload.route),
        age_days=payload.age_days,
        age_years=payload.age_years,
        preterm=payload.preterm,
        weight_measured_on=payload.weight_measured_on,
    )


def items_of(components: list[ComponentIn]) -> list[Item]:
    return [Item(c.code, c.amount, Unit(c.unit)) for c in components]


def _finding_out(finding: Finding) -> FindingOut:
    return FindingOut(
        code=finding.code,
        severity=finding.severity.value,
        message=finding.message,
        parameter=finding.parameter,
        value=finding.value,
        limit=finding.limit,
    )


def preview_out(assessment: Assessment) -> PreviewOut:
    c = assessment.composition
    ca_p = assessment.calcium_phosphate
    return PreviewOut(
        band=assessment.band.value,
        band_label=BAND_LABELS[assessment.band],
        route=assessment.route.value,
        infusion_hours=c.infusion_hours,
        volume_ml=c.volume_ml,
        rate_ml_h=c.rate_ml_h,
        kcal=c.total_kcal,
        protein_kcal=c.protein_kcal,
        glucose_kcal=c.glucose_kcal,
        lipid_kcal=c.lipid_kcal,
        non_protein_kcal=c.non_protein_kcal,
        npc_per_g_nitrogen=c.npc_per_g_nitrogen,
        glucose_monohydrate_g=c.glucose_monohydrate_g,
        gir_mg_kg_min=c.gir_mg_kg_min,
        osmolarity_mosm_l=c.osmolarity_mosm_l,
        nutrients=dict(c.nutrients),
        per_kg=dict(c.per_kg),
        calcium_phosphate=CalciumPhosphateOut(
            verdict=ca_p.verdict.value,
            calcium_mmol_l=ca_p.calcium_mmol_l,
            phosphate_mmol_l=ca_p.phosphate_mmol_l,
            max_calcium_mmol_l=ca_p.max_calcium_mmol_l,
            phosphate_salt=ca_p.salts[0] if ca_p.salts else None,
            calcium_salt=ca_p.salts[1] if ca_p.salts else None,
            source=ca_p.source,
        ),
        components=[
            ComponentOut(
                code=p.component.code,
                name=p.component.name,
                amount=p.amount,
                unit=p.unit.value,
                volume_ml=p.volume_ml,
            )
            for p in c.parts
        ],
        findings=[_finding_out(f) for f in assessment.findings],
        blocked=assessment.blocked,
        compounding_sequence=[
            StepOut(
                sequence=step.sequence,
                code=step.part.component.code,
                name=step.part.component.name,
                volume_ml=step.part.volume_ml,
                stage=step.stage,
            )
            for step in compounding_sequence(c.parts)
        ],
        formulas=FORMULAS,
    )
