"""The patient's size and renal function as the doses will use them, under a policy."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from corsia.prescribing.domain.body_size import (
    adjusted_body_weight,
    bmi,
    bsa,
    ideal_body_weight,
)
from corsia.prescribing.domain.patient import PatientMeasures
from corsia.prescribing.domain.policy import WEIGHT_BASIS_LABELS, DosingPolicy, WeightBasis
from corsia.prescribing.domain.provenance import Step, StepInput, format_input
from corsia.prescribing.domain.renal import cockcroft_gault, measured_gfr
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
    creatinine_clearance: Step | None  # Cockcroft–Gault, when a creatinine is given
    renal_function: Step | None  # measured GFR if given, else the clearance, else None
    paediatric_rule_applies: bool
    warnings: tuple[DoseWarning, ...]

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


def _weight_for(
    basis: WeightBasis, patient: PatientMeasures, *, obese: bool
) -> tuple[Step, WeightBasis]:
    """The weight under ``basis`` for an obese patient; the actual weight otherwise or
    when the actual weight does not exceed the ideal one."""
    actual = Step(
        label="Peso reale",
        formula="peso misurato",
        expression="",
        value=patient.weight_kg,
        unit="kg",
    )
    if basis is WeightBasis.ACTUAL or not obese:
        return actual, WeightBasis.ACTUAL
    ideal = ideal_body_weight(sex=patient.sex, height_cm=patient.height_cm)
    if patient.weight_kg <= ideal.value:
        return actual, WeightBasis.ACTUAL
    if basis is WeightBasis.IDEAL:
        return ideal, basis
    return adjusted_body_weight(weight_kg=patient.weight_kg, ideal=ideal), basis


def assess_patient(patient: PatientMeasures, policy: DosingPolicy) -> BodyAssessment:
    warnings: list[DoseWarning] = []
    bmi_step = bmi(height_cm=patient.height_cm, weight_kg=patient.weight_kg)
    obese = bmi_step.value >= policy.obesity_bmi_threshold

    weight, applied_basis = _weight_for(policy.obese_weight_basis, patient, obese=obese)
    dosing_weight = Step(
        label="Peso per il dosaggio",
        formula="secondo la politica di dosaggio",
        expression=WEIGHT_BASIS_LABELS[applied_basis],
        value=weight.value,
        unit="kg",
        children=(weight,) if applied_basis is not WeightBasis.ACTUAL else (),
    )
    if applied_basis is not WeightBasis.ACTUAL:
        warnings.append(
            DoseWarning(
                "obese_weight_applied",
                f"BMI {bmi_step.display_value} ≥ {policy.obesity_bmi_threshold}: dosaggio sul "
                f"{WEIGHT_BASIS_LABELS[applied_basis]} ({dosing_weight.display_value} kg) "
                "come da politica.",
            )
        )

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
    if patient.serum_creatinine_mg_dl is not None:
        crcl_weight, _ = _weight_for(policy.obese_crcl_weight_basis, patient, obese=obese)
        clearance = cockcroft_gault(
            sex=patient.sex,
            age_years=patient.age_years,
            weight_kg=crcl_weight.value,
            serum_creatinine_mg_dl=patient.serum_creatinine_mg_dl,
        )
        if crcl_weight.value != patient.weight_kg:
            clearance = Step(
                label=clearance.label,
                formula=clearance.formula,
                expression=clearance.expression,
                value=clearance.value,
                unit=clearance.unit,
                inputs=clearance.inputs,
                children=(crcl_weight,),
            )
        if patient.age_years < ADULT_AGE:
            warnings.append(
                DoseWarning(
                    "cockcroft_gault_paediatric",
                    "Cockcroft-Gault non è validata sotto i 18 anni: "
                    "preferire un GFR misurato o una formula pediatrica.",
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
    )
