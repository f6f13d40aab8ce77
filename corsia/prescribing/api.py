"""Dose preview API: computes doses for a patient and regimen components, saves nothing.

``POST /api/v1/dosing/preview`` — a stable contract (see the module README). Numbers
are read as Decimal from the JSON text and written back as JSON numbers rounded
half-up to 4 decimals.

No ``from __future__ import annotations`` here: ninja resolves the payload annotation
through the ``api_perm`` wrapper, whose module globals do not hold these schemas.
"""

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal, TypeVar

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field, PlainSerializer

from corsia.core.access import api_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.schemas import Amount, BoundedInt
from corsia.prescribing.domain.assessment import BodyAssessment, assess_patient
from corsia.prescribing.domain.body_size import BsaFormula
from corsia.prescribing.domain.dose import (
    DoseComponent,
    DoseResult,
    DoseUnit,
    MaxDoseAction,
    compute_dose,
)
from corsia.prescribing.domain.errors import DoseLimitExceeded
from corsia.prescribing.domain.patient import PatientMeasures, Sex
from corsia.prescribing.domain.policy import (
    ChildAucFormula,
    DosingPolicy,
    PaediatricRule,
    WeightBasis,
)
from corsia.prescribing.domain.quantity import AmountUnit, Quantity
from corsia.prescribing.domain.renal import DEFAULT_GFR_CAP
from corsia.prescribing.domain.rounding import RoundingRule, StepUnit
from corsia.prescribing.domain.warnings import DoseWarning

router = Router(tags=["dosing"])

_FOUR_PLACES = Decimal("0.0001")


def _as_number(value: Decimal) -> float:
    # Only at the JSON boundary: a 4-decimal Decimal is represented exactly enough by
    # a double for its shortest repr to be the same digits.
    return float(value.quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP))


Number = Annotated[Decimal, PlainSerializer(_as_number, return_type=float)]


class PatientIn(Schema):
    sex: Literal["F", "M"]
    age_years: Amount
    height_cm: Amount
    weight_kg: Amount
    serum_creatinine_mg_dl: Amount | None = None
    measured_gfr_ml_min: Amount | None = None


AmountUnitName = Literal["mg", "g", "mcg", "UI", "U", "mL"]


class RoundingIn(Schema):
    decimals: BoundedInt | None = None
    step: Amount | None = None
    step_unit: AmountUnitName = "mg"  # converted to the dose's unit (0.5 g -> 500 mg)


class ComponentIn(Schema):
    drug: str = Field(min_length=1, max_length=200)
    dose: Amount
    unit: Literal[
        "mg/m2",
        "g/m2",
        "mcg/m2",
        "UI/m2",
        "U/m2",
        "mL/m2",
        "mg/kg",
        "mcg/kg",
        "UI/kg",
        "mg",
        "g",
        "mcg",
        "UI",
        "U",
        "mL",
        "AUC",
    ]
    # the maximum single dose: either in mg (max_dose_mg, kept for existing clients) or as
    # a value with its unit (max_dose + max_dose_unit); converted before any comparison
    max_dose_mg: Amount | None = None
    max_dose: Amount | None = None
    max_dose_unit: AmountUnitName | None = None
    max_dose_action: Literal["cap", "block"] = "cap"
    rounding: RoundingIn | None = None
    concentration_mg_per_ml: Amount | None = None
    # the line's own weight for an obese patient's per-kg dose (None: the policy's), and the
    # adjusted weight's factor (0 < f < 1; None: 0.4), e.g. busulfan "adjusted", 0.25
    obese_weight_basis: Literal["actual", "ideal", "adjusted"] | None = None
    adjusted_weight_factor: Amount | None = None


class PaediatricIn(Schema):
    weight_below_kg: Amount | None = Decimal(10)
    bsa_below_m2: Amount | None = Decimal("0.6")


class PreviewIn(Schema):
    patient: PatientIn
    bsa_formula: Literal["mosteller", "dubois", "haycock", "gehan_george"] = "mosteller"
    components: list[ComponentIn] = Field(min_length=1, max_length=50)
    # optional settings (DosingPolicy); the defaults are the hospital defaults
    gfr_cap: Amount = DEFAULT_GFR_CAP
    obese_weight_basis: Literal["actual", "ideal", "adjusted"] = "actual"
    obese_crcl_weight_basis: Literal["actual", "ideal", "adjusted"] = "actual"
    obesity_bmi_threshold: Amount = Decimal(30)
    bsa_cap_m2: Amount | None = None
    bsa_decimals: BoundedInt | None = None
    paediatric: PaediatricIn | None = None
    min_creatinine_mg_dl: Amount | None = None
    min_creatinine_from_age: Amount = Decimal(18)
    child_auc_formula: Literal["newell", "calvert"] | None = None


class WarningOut(Schema):
    code: str
    message: str


class ComponentOut(Schema):
    drug: str
    dose: Number
    unit: str
    amount_unit: str  # the unit of every absolute dose below (mg, UI, U, mL)
    calculated_dose: Number  # the dose to prescribe, after rounding and any cap
    uncapped_dose: Number | None
    unrounded_dose: Number
    max_dose: Number | None  # the maximum, converted to amount_unit
    # the same in mg, for existing clients: null when the dose is not in mg (a dose in UI
    # is never labelled mg)
    calculated_dose_mg: Number | None
    capped: bool
    uncapped_dose_mg: Number | None
    unrounded_dose_mg: Number | None
    paediatric_rule_applied: bool
    # the weight a per-kg dose used (null: not dosed on a weight)
    weight_basis: str | None = None
    dosing_weight_kg: Number | None = None
    adjusted_weight_factor: Number | None = None
    warnings: list[WarningOut]
    provenance: str


class PreviewOut(Schema):
    bsa_m2: Number
    bsa_formula: str
    bmi: Number
    creatinine_clearance_ml_min: Number | None
    renal_function_ml_min: Number | None
    dosing_weight_kg: Number
    weight_basis: str
    policy: list[str]
    warnings: list[WarningOut]
    provenance: str
    components: list[ComponentOut]


T = TypeVar("T")


def _at(prefix: str, build: Callable[[], T]) -> T:
    """Run ``build``; a refusal names the field by its path in the request."""
    try:
        return build()
    except (ValidationFailed, DoseLimitExceeded) as error:
        error.field = f"{prefix}.{error.field}" if error.field else prefix
        raise


def _warnings(items: tuple[DoseWarning, ...]) -> list[WarningOut]:
    return [WarningOut(code=w.code, message=w.message) for w in items]


def _policy(payload: PreviewIn) -> DosingPolicy:
    paediatric = None
    if payload.paediatric is not None:
        rule = payload.paediatric
        paediatric = _at(
            "paediatric",
            lambda: PaediatricRule(
                weight_below_kg=rule.weight_below_kg, bsa_below_m2=rule.bsa_below_m2
            ),
        )
    # DosingPolicy names its refused fields as this request does (gfr_cap, bsa_cap_m2, ...)
    return DosingPolicy(
        bsa_formula=BsaFormula(payload.bsa_formula),
        obese_weight_basis=WeightBasis(payload.obese_weight_basis),
        obese_crcl_weight_basis=WeightBasis(payload.obese_crcl_weight_basis),
        obesity_bmi_threshold=payload.obesity_bmi_threshold,
        bsa_cap_m2=payload.bsa_cap_m2,
        bsa_decimals=payload.bsa_decimals,
        gfr_cap_ml_min=payload.gfr_cap,
        paediatric=paediatric,
        min_creatinine_mg_dl=payload.min_creatinine_mg_dl,
        min_creatinine_from_age=payload.min_creatinine_from_age,
        child_auc_formula=(
            ChildAucFormula(payload.child_auc_formula) if payload.child_auc_formula else None
        ),
    )


def _maximum(item: ComponentIn) -> Quantity | None:
    if item.max_dose is not None and item.max_dose_mg is not None:
        raise ValidationFailed(
            "Indicare la dose massima una sola volta: max_dose_mg oppure max_dose con l'unità.",
            code="max_dose_ambiguous",
            field="max_dose",
        )
    if item.max_dose_mg is not None:
        return Quantity(item.max_dose_mg, AmountUnit.MG)
    if item.max_dose is None:
        return None
    if item.max_dose_unit is None:
        raise ValidationFailed(
            "Indicare l'unità della dose massima (mg, g, mcg, UI, U, mL).",
            code="max_dose_unit_required",
            field="max_dose_unit",
        )
    return Quantity(item.max_dose, AmountUnit(item.max_dose_unit))


def _component(item: ComponentIn) -> DoseComponent:
    rounding = None
    if item.rounding is not None:
        spec = item.rounding
        rounding = _at(
            "rounding",
            lambda: RoundingRule(
                decimals=spec.decimals, step=spec.step, step_unit=StepUnit(spec.step_unit)
            ),
        )
    return DoseComponent(
        drug=item.drug,
        dose=item.dose,
        unit=DoseUnit(item.unit),
        max_dose=_maximum(item),
        max_dose_action=MaxDoseAction(item.max_dose_action),
        rounding=rounding,
        concentration_mg_per_ml=item.concentration_mg_per_ml,
        weight_basis=WeightBasis(item.obese_weight_basis) if item.obese_weight_basis else None,
        adjusted_weight_factor=item.adjusted_weight_factor,
    )


def _component_out(result: DoseResult) -> ComponentOut:
    component = result.component
    in_mg = result.amount_unit is AmountUnit.MG
    uncapped = result.uncapped if result.capped else None
    maximum = component.max_in_amount_unit
    return ComponentOut(
        drug=component.drug,
        dose=component.dose,
        unit=component.unit.value,
        amount_unit=result.amount_unit.value,
        calculated_dose=result.dose,
        uncapped_dose=uncapped,
        unrounded_dose=result.calculated,
        max_dose=maximum.value if maximum is not None else None,
        calculated_dose_mg=result.dose if in_mg else None,
        capped=result.capped,
        uncapped_dose_mg=uncapped if in_mg else None,
        unrounded_dose_mg=result.calculated if in_mg else None,
        paediatric_rule_applied=result.paediatric_rule_applied,
        weight_basis=result.weight.basis.value if result.weight is not None else None,
        dosing_weight_kg=result.weight.kg if result.weight is not None else None,
        adjusted_weight_factor=result.weight.factor if result.weight is not None else None,
        warnings=_warnings(result.warnings),
        provenance=result.render(),
    )


def _dose_at(index: int, item: ComponentIn, body: BodyAssessment) -> DoseResult:
    component = _at(f"components.{index}", lambda: _component(item))
    try:
        return compute_dose(component, body)
    except (ValidationFailed, DoseLimitExceeded) as error:
        if error.field == "serum_creatinine_mg_dl":  # AUC dose without renal function
            error.field = "patient.serum_creatinine_mg_dl"
        else:
            error.field = f"components.{index}.{error.field}"
        raise


def _preview(payload: PreviewIn) -> PreviewOut:
    policy = _policy(payload)
    patient_in = payload.patient
    patient = _at(
        "patient",
        lambda: PatientMeasures(
            sex=Sex(patient_in.sex),
            age_years=patient_in.age_years,
            height_cm=patient_in.height_cm,
            weight_kg=patient_in.weight_kg,
            serum_creatinine_mg_dl=patient_in.serum_creatinine_mg_dl,
            measured_gfr_ml_min=patient_in.measured_gfr_ml_min,
        ),
    )
    body: BodyAssessment = _at("patient", lambda: assess_patient(patient, policy))
    results: list[DoseResult] = []
    for index, item in enumerate(payload.components):
        results.append(_dose_at(index, item, body))
    return PreviewOut(
        bsa_m2=body.bsa_m2,
        bsa_formula=policy.bsa_formula.value,
        bmi=body.bmi.value,
        creatinine_clearance_ml_min=(
            body.creatinine_clearance.value if body.creatinine_clearance else None
        ),
        renal_function_ml_min=body.renal_function.value if body.renal_function else None,
        dosing_weight_kg=body.dosing_weight_kg,
        weight_basis=body.weight_basis.value,
        policy=policy.describe(),
        warnings=_warnings(body.warnings),
        provenance=body.render(),
        components=[_component_out(result) for result in results],
    )


@router.post("/preview", response=PreviewOut)
@api_perm("prescribing.preview_dose")
def dose_preview(request: HttpRequest, payload: PreviewIn) -> PreviewOut:
    """Compute the doses for the patient's measures; nothing is saved."""
    return _preview(payload)
