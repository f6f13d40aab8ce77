"""The patient's size and renal function as the doses will use them, under a policy."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.body_size import (
    ADJUSTED_WEIGHT_FACTOR,
    adjusted_body_weight,
    bmi,
    bsa,
    ideal_body_weight,
)
from corsia.prescribing.domain.freshness import StaleMeasure
from corsia.prescribing.domain.patient import PatientMeasures
from corsia.prescribing.domain.policy import WEIGHT_BASIS_LABELS, DosingPolicy, WeightBasis
from corsia.prescribing.domain.provenance import Step, StepInput, format_input
from corsia.prescribing.domain.renal import (
    cockcroft_gault,
    denormalised_gfr,
    floored_creatinine,
    measured_gfr,
    schwartz_bedside,
)
from corsia.prescribing.domain.warnings import DoseWarning

ADULT_AGE = Decimal(18)
# Below these, a mg/m² dose may need the protocol's mg/kg conversion (DOMAIN.md).
SMALL_CHILD_WEIGHT_KG = Decimal(10)
SMALL_CHILD_BSA_M2 = Decimal("0.6")


@dataclass(frozen=True)
class BodyAssessment:
    patient: PatientMeasures
    policy: DosingPolicy
    bmi: Step
    bsa: Step  # the BSA the doses use (after rounding and cap, if any)
    bsa_uncapped_m2: Decimal
    dosing_weight: Step  # the weight mg/kg doses and the BSA use
    weight_basis: WeightBasis  # the basis actually applied
    # from the creatinine: Cockcroft–Gault (adults) or Schwartz de-normalised (children)
    creatinine_clearance: Step | None
    renal_function: Step | None  # measured GFR if given, else the clearance, else None
    paediatric_rule_applies: bool
    warnings: tuple[DoseWarning, ...]
    ideal_weight: Step | None = None  # Devine, adults only (None for children)
    # the newest renal value, found too old to dose from: AUC doses are refused with it
    stale_renal: StaleMeasure | None = None
    obese: bool = False  # BMI ≥ the policy's threshold

    @property
    def is_child(self) -> bool:
        return self.patient.age_years < ADULT_AGE

    @property
    def bsa_m2(self) -> Decimal:
        return self.bsa.value

    @property
    def dosing_weight_kg(self) -> Decimal:
        return self.dosing_weight.value

    def render(self) -> str:
        steps = [self.bmi, self.bsa, self.dosing_weight]
        if self.renal_function is not None:
            steps.append(self.renal_function)
        if (
            self.creatinine_clearance is not None
            and self.creatinine_clearance is not self.renal_function
        ):
            steps.append(self.creatinine_clearance)
        return "\n".join(step.render() for step in steps)


_IDEAL_WEIGHT_CHILD = DoseWarning(
    "ideal_weight_child",
    "Peso ideale (Devine) non applicabile sotto i 18 anni: dosaggio sul peso "
    "reale; verificare il peso da usare secondo il protocollo pediatrico.",
)


def _ideal_weight(patient: PatientMeasures) -> tuple[Step | None, DoseWarning | None]:
    """Devine's ideal weight for an adult; None (and why) for a child, for whom Devine
    does not apply, or for an adult too short for it to give a positive weight."""
    if patient.age_years < ADULT_AGE:
        return None, None
    try:
        return ideal_body_weight(sex=patient.sex, height_cm=patient.height_cm), None
    except ValidationFailed as error:
        return None, DoseWarning(error.code, error.message)


def _weight_for(
    basis: WeightBasis,
    patient: PatientMeasures,
    *,
    obese: bool,
    ideal: Step | None,
    factor: Decimal = ADJUSTED_WEIGHT_FACTOR,
) -> tuple[Step, WeightBasis]:
    """The weight under ``basis`` for an obese patient; the actual weight otherwise, when
    there is no ideal weight (children) or the actual weight does not exceed it."""
    actual = Step(
        label="Peso reale",
        formula="peso misurato",
        expression="",
        value=patient.weight_kg,
        unit="kg",
    )
    if basis is WeightBasis.ACTUAL or not obese or ideal is None:
        return actual, WeightBasis.ACTUAL
    if patient.weight_kg <= ideal.value:
        return actual, WeightBasis.ACTUAL
    if basis is WeightBasis.IDEAL:
        return ideal, basis
    return adjusted_body_weight(weight_kg=patient.weight_kg, ideal=ideal, factor=factor), basis


def _dosing_weight(
    weight: Step,
    applied: WeightBasis,
    *,
    formula: str,
    expression: str,
    code: str,
    because: str,
    dosed: str,
    source: str,
) -> tuple[Step, DoseWarning | None]:
    """The "Peso per il dosaggio" step over ``weight`` (its child when a basis other
    than the actual weight was applied) and, then, the warning that says so:
    "<because>: <dosed> sul <expression> (<kg> kg) come da <source>." Shared by the
    order's dosing weight (the policy's basis) and a line's own basis (the regimen's)."""
    step = Step(
        label="Peso per il dosaggio",
        formula=formula,
        expression=expression,
        value=weight.value,
        unit="kg",
        children=(weight,) if applied is not WeightBasis.ACTUAL else (),
    )
    if applied is WeightBasis.ACTUAL:
        return step, None
    return step, DoseWarning(
        code,
        f"{because}: {dosed} sul {expression} ({step.display_value} kg) come da {source}.",
    )


def assess_patient(
    patient: PatientMeasures,
    policy: DosingPolicy,
    *,
    stale_renal: StaleMeasure | None = None,
    notes: tuple[DoseWarning, ...] = (),
) -> BodyAssessment:
    """``stale_renal``: the newest renal value when it was too old to be given here (AUC
    doses are then refused); ``notes``: the caller's warnings (e.g. a renal value
    ignored because a newer one exists), kept with the assessment's own."""
    warnings: list[DoseWarning] = list(notes)
    bmi_step = bmi(height_cm=patient.height_cm, weight_kg=patient.weight_kg)
    obese = bmi_step.value >= policy.obesity_bmi_threshold
    child = patient.age_years < ADULT_AGE
    ideal, ideal_warning = _ideal_weight(patient)
    wants_ideal = obese and (
        policy.obese_weight_basis is not WeightBasis.ACTUAL
        or policy.obese_crcl_weight_basis is not WeightBasis.ACTUAL
    )
    if wants_ideal and ideal is None:
        warnings.append(ideal_warning or _IDEAL_WEIGHT_CHILD)

    weight, applied_basis = _weight_for(
        policy.obese_weight_basis, patient, obese=obese, ideal=ideal
    )
    dosing_weight, applied_warning = _dosing_weight(
        weight,
        applied_basis,
        formula="secondo la politica di dosaggio",
        expression=WEIGHT_BASIS_LABELS[applied_basis],
        code="obese_weight_applied",
        because=f"BMI {bmi_step.display_value} ≥ {policy.obesity_bmi_threshold}",
        dosed="dosaggio",
        source="politica",
    )
    if applied_warning is not None:
        warnings.append(applied_warning)

    bsa_step = bsa(policy.bsa_formula, height_cm=patient.height_cm, weight_kg=weight.value)
    if policy.bsa_decimals is not None:
        rounded = bsa_step.value.quantize(
            Decimal(1).scaleb(-policy.bsa_decimals), rounding=ROUND_HALF_UP
        )
        bsa_step = Step(
            label="BSA arrotondata",
            formula="arrotondamento ROUND_HALF_UP",
            expression=f"arrotonda({bsa_step.operand}, {policy.bsa_decimals} decimali)",
            value=rounded,
            unit="m²",
            places=policy.bsa_decimals,
            children=(bsa_step,),
        )
    uncapped = bsa_step.value
    if policy.bsa_cap_m2 is not None and bsa_step.value > policy.bsa_cap_m2:
        bsa_step = Step(
            label="BSA limitata",
            formula="min(BSA, limite)",
            expression=f"min({bsa_step.operand}, {format_input(policy.bsa_cap_m2)})",
            value=policy.bsa_cap_m2,
            unit="m²",
            children=(bsa_step,),
            inputs=(StepInput("limite BSA", policy.bsa_cap_m2, "m²"),),
        )
        warnings.append(
            DoseWarning(
                "bsa_capped",
                f"Superficie corporea {format_input(uncapped.quantize(Decimal('0.01')))} m² "
                f"limitata a {format_input(policy.bsa_cap_m2)} m² come da politica.",
            )
        )

    clearance: Step | None = None
    if patient.serum_creatinine_mg_dl is not None and child:
        # Cockcroft–Gault is not valid in children: bedside Schwartz, then mL/min
        egfr = schwartz_bedside(
            height_cm=patient.height_cm, serum_creatinine_mg_dl=patient.serum_creatinine_mg_dl
        )
        clearance = denormalised_gfr(egfr, bsa_step)
    elif patient.serum_creatinine_mg_dl is not None:
        crcl_weight, _ = _weight_for(
            policy.obese_crcl_weight_basis, patient, obese=obese, ideal=ideal
        )
        minimum = (
            policy.min_creatinine_mg_dl
            if patient.age_years >= policy.min_creatinine_from_age
            else None
        )
        creatinine = floored_creatinine(patient.serum_creatinine_mg_dl, minimum)
        clearance = cockcroft_gault(
            sex=patient.sex,
            age_years=patient.age_years,
            weight_kg=crcl_weight.value,
            serum_creatinine_mg_dl=creatinine.value,
        )
        children = tuple(
            step
            for step in (
                crcl_weight if crcl_weight.value != patient.weight_kg else None,
                creatinine if creatinine.children else None,
            )
            if step is not None
        )
        if children:
            clearance = Step(
                label=clearance.label,
                formula=clearance.formula,
                expression=clearance.expression,
                value=clearance.value,
                unit=clearance.unit,
                inputs=clearance.inputs,
                children=children,
            )
        if creatinine.children:
            warnings.append(
                DoseWarning(
                    "min_creatinine_applied",
                    f"Creatinina {format_input(patient.serum_creatinine_mg_dl)} mg/dL "
                    f"portata a {format_input(creatinine.value)} mg/dL per Cockcroft-Gault "
                    "come da politica.",
                )
            )
    renal: Step | None = clearance
    if patient.measured_gfr_ml_min is not None:
        renal = measured_gfr(patient.measured_gfr_ml_min)

    paediatric = policy.paediatric is not None and policy.paediatric.applies(
        weight_kg=patient.weight_kg, bsa_m2=bsa_step.value
    )
    if policy.paediatric is None and (
        patient.weight_kg < SMALL_CHILD_WEIGHT_KG or bsa_step.value < SMALL_CHILD_BSA_M2
    ):
        warnings.append(
            DoseWarning(
                "small_child_no_paediatric_rule",
                "Peso < 10 kg o BSA < 0,6 m²: verificare se il protocollo prevede il "
                "dosaggio in mg/kg (regola pediatrica non impostata).",
            )
        )
    return BodyAssessment(
        patient=patient,
        policy=policy,
        bmi=bmi_step,
        bsa=bsa_step,
        bsa_uncapped_m2=uncapped,
        dosing_weight=dosing_weight,
        weight_basis=applied_basis,
        creatinine_clearance=clearance,
        renal_function=renal,
        paediatric_rule_applies=paediatric,
        warnings=tuple(warnings),
        ideal_weight=ideal,
        stale_renal=stale_renal,
        obese=obese,
    )


@dataclass(frozen=True)
class LineWeight:
    """The weight one line's per-kg dose uses: the order's dosing weight, or the line's
    own obese basis (regimen component) when it has one."""

    step: Step
    basis: WeightBasis  # the basis actually applied (actual when not obese)
    factor: Decimal | None  # the adjusted weight's factor, when ``basis`` is adjusted
    own: bool  # the line's own basis, not the order's (regimen's / hospital's)
    warnings: tuple[DoseWarning, ...] = ()

    @property
    def kg(self) -> Decimal:
        return self.step.value


def line_weight(
    body: BodyAssessment,
    *,
    basis: WeightBasis | None = None,
    factor: Decimal | None = None,
    drug: str = "",
) -> LineWeight:
    """The weight of a per-kg dose. ``basis``/``factor`` are the line's own (None: the
    policy's, i.e. the order's dosing weight). The same rule as the order's: the basis is
    applied only to an obese patient (BMI ≥ threshold) whose actual weight exceeds the
    ideal one; a child (no Devine ideal weight) is dosed on the actual weight, with the
    warning ``ideal_weight_child`` (or ``ideal_weight_undefined``) on the line."""
    if basis is None and factor is None:
        applied = body.weight_basis
        return LineWeight(
            step=body.dosing_weight,
            basis=applied,
            factor=ADJUSTED_WEIGHT_FACTOR if applied is WeightBasis.ADJUSTED else None,
            own=False,
        )
    requested = basis or body.policy.obese_weight_basis
    used_factor = factor if factor is not None else ADJUSTED_WEIGHT_FACTOR
    patient = body.patient
    warnings: list[DoseWarning] = []
    ideal, ideal_warning = _ideal_weight(patient)
    if body.obese and requested is not WeightBasis.ACTUAL and ideal is None:
        cause = ideal_warning or _IDEAL_WEIGHT_CHILD
        warnings.append(
            DoseWarning(cause.code, f"{drug}: {cause.message}" if drug else cause.message)
        )
    weight, applied = _weight_for(
        requested, patient, obese=body.obese, ideal=ideal, factor=used_factor
    )
    label = WEIGHT_BASIS_LABELS[applied]
    shown_factor = used_factor if applied is WeightBasis.ADJUSTED else None
    if shown_factor is not None:
        label = f"{label} (fattore {format_input(shown_factor)})"
    step, applied_warning = _dosing_weight(
        weight,
        applied,
        formula="secondo lo schema (riga)",
        expression=label,
        code="line_weight_basis_applied",
        because=(
            f"{drug + ': ' if drug else ''}BMI {body.bmi.display_value} ≥ "
            f"{body.policy.obesity_bmi_threshold}"
        ),
        dosed="dose per kg",
        source="schema",
    )
    if applied_warning is not None:
        warnings.append(applied_warning)
    return LineWeight(
        step=step, basis=applied, factor=shown_factor, own=True, warnings=tuple(warnings)
    )
