"""The dose of one regimen component for one patient, with its provenance.

Order of operations, each step recorded in the provenance tree:

1. the per-unit dose times the basis (BSA, dosing weight, Calvert GFR, or flat); a
   per-kg dose uses the component's own obese weight basis when it has one
   (``assessment.line_weight``), else the order's dosing weight; under the paediatric
   rule a per-m² dose becomes (dose ÷ divisor) per kg;
2. dose banding when a table is given, else rounding (the paediatric rounding
   replaces the drug's rounding when the paediatric rule applies);
3. the maximum single dose: capped (with a warning) or blocked, as the component says;
   applied last so the dose to prescribe never exceeds the maximum;
4. the cumulative lifetime limit, which blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.assessment import BodyAssessment, LineWeight, line_weight
from corsia.prescribing.domain.checks import (
    CumulativeBasis,
    CumulativeCheck,
    CumulativeLimit,
    cumulative_dose_check,
)
from corsia.prescribing.domain.errors import MaxSingleDoseExceeded, RenalFunctionMissing
from corsia.prescribing.domain.policy import ChildAucFormula, WeightBasis
from corsia.prescribing.domain.provenance import Step, StepInput, format_input, format_result
from corsia.prescribing.domain.quantity import AmountUnit, Quantity, conversion_factor, is_mass
from corsia.prescribing.domain.renal import calvert, capped_gfr, newell
from corsia.prescribing.domain.rounding import (
    BandedDose,
    DoseBanding,
    RoundingRule,
    band_dose,
    round_dose,
)
from corsia.prescribing.domain.warnings import DoseWarning


class DoseBasis(StrEnum):
    PER_M2 = "per_m2"
    PER_KG = "per_kg"
    FLAT = "flat"
    AUC = "auc"


class DoseUnit(StrEnum):
    """The unit of the per-unit dose, as regimens write it (``corsia.regimens.domain.spec``)."""

    MG_PER_M2 = "mg/m2"
    G_PER_M2 = "g/m2"
    MCG_PER_M2 = "mcg/m2"
    UI_PER_M2 = "UI/m2"
    U_PER_M2 = "U/m2"
    ML_PER_M2 = "mL/m2"  # hyperhydration by body surface (3 L/m² a day)
    MG_PER_KG = "mg/kg"
    MCG_PER_KG = "mcg/kg"
    UI_PER_KG = "UI/kg"
    MG = "mg"
    G = "g"
    MCG = "mcg"
    UI = "UI"
    U = "U"
    ML = "mL"
    AUC = "AUC"

    @property
    def basis(self) -> DoseBasis:
        if self is DoseUnit.AUC:
            return DoseBasis.AUC
        if self.value.endswith("/m2"):
            return DoseBasis.PER_M2
        if self.value.endswith("/kg"):
            return DoseBasis.PER_KG
        return DoseBasis.FLAT

    @property
    def numerator(self) -> AmountUnit:
        """The amount unit the per-unit dose is written in (AUC: Calvert gives mg)."""
        if self is DoseUnit.AUC:
            return AmountUnit.MG
        return AmountUnit(self.value.split("/")[0])

    @property
    def engine_unit(self) -> AmountUnit:
        """The unit of the absolute dose the engine computes and every limit is compared in:
        mg for any mass (the pharmacy weighs and draws mg), else the numerator itself."""
        return AmountUnit.MG if is_mass(self.numerator) else self.numerator

    @property
    def display(self) -> str:
        return self.value.replace("m2", "m²")


_PER_M2 = frozenset(u for u in DoseUnit if u.basis is DoseBasis.PER_M2)
MAX_PLAUSIBLE_AUC = Decimal(10)


class MaxDoseAction(StrEnum):
    CAP = "cap"  # prescribe the maximum, with a warning
    BLOCK = "block"  # refuse: only an authorised override (order level) may exceed it


@dataclass(frozen=True)
class DoseComponent:
    drug: str  # active ingredient
    dose: Decimal
    unit: DoseUnit
    # the maximum single dose, in any unit convertible to ``amount_unit`` (2,000 mcg is 2 mg)
    max_dose: Quantity | None = None
    max_dose_action: MaxDoseAction = MaxDoseAction.CAP
    rounding: RoundingRule | None = None
    banding: DoseBanding | None = None
    concentration_mg_per_ml: Decimal | None = None  # for rounding to a volume step
    cumulative_limit: CumulativeLimit | None = None
    # the line's own weight for an obese patient (None: the order's dosing weight) and the
    # adjusted weight's factor (None: 0.4)
    weight_basis: WeightBasis | None = None
    adjusted_weight_factor: Decimal | None = None

    @property
    def amount_unit(self) -> AmountUnit:
        """The unit of the absolute dose: every limit is converted to it before comparing."""
        return self.unit.engine_unit

    def __post_init__(self) -> None:
        if not isinstance(self.unit, DoseUnit):
            raise TypeError(f"DoseComponent.unit must be a DoseUnit, not {self.unit!r}")
        factor = self.adjusted_weight_factor
        if factor is not None and not (factor.is_finite() and 0 < factor < 1):
            raise ValidationFailed(
                f"Fattore del peso corretto di {self.drug} non valido: ammesso tra 0 e 1 esclusi.",
                code="adjusted_weight_factor_out_of_range",
                field="adjusted_weight_factor",
            )
        if self.max_dose is not None and not isinstance(self.max_dose, Quantity):
            # a bare number in an unknown unit must never reach a comparison
            raise TypeError("DoseComponent.max_dose must be a Quantity (value and unit)")
        if not (self.dose.is_finite() and self.dose > 0):
            raise ValidationFailed(
                f"Dose di {self.drug} non valida: deve essere maggiore di zero.",
                code="dose_out_of_range",
                field="dose",
            )
        if self.unit is DoseUnit.AUC and self.dose > MAX_PLAUSIBLE_AUC:
            raise ValidationFailed(
                f"AUC di {self.drug} non plausibile: {format_input(self.dose)} "
                f"(ammesso fino a {MAX_PLAUSIBLE_AUC} mg/mL·min).",
                code="auc_out_of_range",
                field="dose",
            )
        if self.max_dose is not None:
            if not (self.max_dose.value.is_finite() and self.max_dose.value > 0):
                raise ValidationFailed(
                    f"Dose massima di {self.drug} non valida: deve essere maggiore di zero.",
                    code="max_dose_out_of_range",
                    field="max_dose_mg",
                )
            try:
                conversion_factor(self.max_dose.unit, self.amount_unit)
            except ValidationFailed:
                raise ValidationFailed(
                    f"Dose massima di {self.drug} in {self.max_dose.unit.value}: non "
                    f"confrontabile con una dose in {self.amount_unit.value}.",
                    code="max_dose_unit_incompatible",
                    field="max_dose_unit",
                ) from None

    @property
    def max_in_amount_unit(self) -> Quantity | None:
        """The maximum expressed in the unit of the absolute dose."""
        return None if self.max_dose is None else self.max_dose.to(self.amount_unit)


@dataclass(frozen=True)
class DoseResult:
    component: DoseComponent
    calculated: Decimal  # step 1, unrounded
    uncapped: Decimal  # after banding/rounding, before the maximum
    dose: Decimal  # the dose to prescribe (after the cap)
    capped: bool
    banded: BandedDose | None
    rounded: bool
    paediatric_rule_applied: bool
    cumulative: CumulativeCheck | None
    warnings: tuple[DoseWarning, ...]
    provenance: Step
    weight: LineWeight | None = None  # the weight a per-kg dose used (None: none)

    @property
    def amount_unit(self) -> AmountUnit:
        return self.component.amount_unit

    @property
    def quantity(self) -> Quantity:
        """The dose to prescribe, with its unit."""
        return Quantity(self.dose, self.amount_unit)

    def render(self) -> str:
        return self.provenance.render()


def _base_dose(
    component: DoseComponent, body: BodyAssessment
) -> tuple[Step, bool, LineWeight | None]:
    """Step 1: the dose before rounding and limits; whether the paediatric rule applied;
    the weight used, if any (the line's own obese basis, else the order's)."""
    weight = line_weight(
        body,
        basis=component.weight_basis,
        factor=component.adjusted_weight_factor,
        drug=component.drug,
    )
    label = f"Dose {component.drug}"
    per_unit = f"{format_input(component.dose)} {component.unit.display}"
    unit = component.amount_unit.value
    numerator = component.unit.numerator
    factor = conversion_factor(numerator, component.amount_unit)
    factor_text = (
        f" × {format_input(factor)} {unit}/{numerator.value}"
        if numerator is not component.amount_unit
        else ""
    )
    if component.unit.basis is DoseBasis.PER_M2:
        rule = body.policy.paediatric
        if body.paediatric_rule_applies and rule is not None:
            per_kg = component.dose / rule.divisor
            return (
                Step(
                    label=label,
                    formula=f"dose/m² ÷ {format_input(rule.divisor)} × peso_kg",
                    expression=(
                        f"{per_unit} ÷ {format_input(rule.divisor)}{factor_text} × "
                        f"{weight.step.operand} kg"
                    ),
                    value=per_kg * factor * weight.kg,
                    unit=unit,
                    children=(weight.step, body.bsa),
                    note=f"regola pediatrica {component.unit.display} → {numerator.value}/kg",
                ),
                True,
                weight,
            )
        return (
            Step(
                label=label,
                formula="dose/m² × BSA",
                expression=f"{per_unit}{factor_text} × {body.bsa.operand} m²",
                value=component.dose * factor * body.bsa_m2,
                unit=unit,
                children=(body.bsa,),
            ),
            False,
            None,
        )
    if component.unit.basis is DoseBasis.PER_KG:
        return (
            Step(
                label=label,
                formula="dose/kg × peso_kg",
                expression=f"{per_unit}{factor_text} × {weight.step.operand} kg",
                value=component.dose * factor * weight.kg,
                unit=unit,
                children=(weight.step,),
            ),
            False,
            weight,
        )
    if component.unit.basis is DoseBasis.FLAT:
        return (
            Step(
                label=label,
                formula="dose fissa",
                expression=f"{per_unit}{factor_text}",
                value=component.dose * factor,
                unit=unit,
            ),
            False,
            None,
        )
    return _auc_dose(component, body, label=label, unit=unit), False, None


def _auc_dose(component: DoseComponent, body: BodyAssessment, *, label: str, unit: str) -> Step:
    """Calvert for adults; for children (< 18 years) the formula the policy chooses
    (Newell or Calvert), refused when the policy chooses none."""
    if body.renal_function is None:
        if body.stale_renal is not None:
            raise body.stale_renal.error(what=f"la dose di {component.drug} in AUC")
        raise RenalFunctionMissing(
            f"Per la dose di {component.drug} in AUC (Calvert) serve la funzione renale: "
            "indicare la creatinina sierica o un GFR misurato.",
            field="serum_creatinine_mg_dl",
        )
    gfr = capped_gfr(body.renal_function, body.policy.gfr_cap_ml_min)
    formula = ChildAucFormula.CALVERT
    if body.is_child:
        if body.policy.child_auc_formula is None:
            raise ValidationFailed(
                f"Dose di {component.drug} in AUC per un paziente sotto i 18 anni: lo schema "
                "o l'ospedale non indicano la formula pediatrica (Newell o Calvert).",
                code="paediatric_auc_formula_missing",
                field="child_auc_formula",
            )
        formula = body.policy.child_auc_formula
    if formula is ChildAucFormula.NEWELL:
        step = newell(target_auc=component.dose, gfr=gfr, weight_kg=body.patient.weight_kg)
        note = "Newell, pediatrica"
    else:
        step = calvert(target_auc=component.dose, gfr=gfr)
        note = "Calvert"
    return Step(
        label=label,
        formula=step.formula,
        expression=step.expression,
        value=step.value,
        unit=unit,
        inputs=step.inputs,
        children=step.children,
        note=note,
    )


def compute_dose(
    component: DoseComponent,
    body: BodyAssessment,
    *,
    previous_cumulative: Decimal | None = None,
) -> DoseResult:
    """The dose of ``component`` for the assessed patient. Raises on a blocked dose."""
    step, paediatric, weight = _base_dose(component, body)
    warnings: list[DoseWarning] = list(weight.warnings) if weight is not None else []
    calculated = step.value
    if component.unit is DoseUnit.AUC and body.renal_function is not None:
        cap = body.policy.gfr_cap_ml_min
        if cap is not None and body.renal_function.value > cap:
            warnings.append(
                DoseWarning(
                    "gfr_capped",
                    f"GFR {body.renal_function.display_value} mL/min limitato a "
                    f"{format_input(cap)} mL/min per il calcolo di Calvert.",
                )
            )

    unit = component.amount_unit
    banded: BandedDose | None = None
    rounded = False
    if component.banding is not None:
        banded = band_dose(calculated, component.banding, unit=unit)
        if banded is None:
            warnings.append(
                DoseWarning(
                    "dose_not_banded",
                    f"Dose di {component.drug} ({format_result(calculated, 2)} {unit.value}) "
                    "fuori dalle fasce o oltre lo scostamento ammesso: non in fascia.",
                )
            )
        else:
            step = _wrap(banded.step, step)
    rule = component.rounding
    policy_rule = body.policy.paediatric
    if paediatric and policy_rule is not None and policy_rule.rounding is not None:
        rule = policy_rule.rounding
    if banded is None and rule is not None:
        rounded_step = round_dose(
            step.value,
            rule,
            concentration_mg_per_ml=component.concentration_mg_per_ml,
            unit=unit,
        )
        if rounded_step.value <= 0:
            raise ValidationFailed(
                f"L'arrotondamento ({rule.describe()}) porterebbe a zero la dose di "
                f"{component.drug} ({format_result(step.value, 4)} {unit.value}): "
                "usare un passo minore.",
                code="rounded_to_zero",
                field="rounding",
            )
        step = _wrap(rounded_step, step)
        rounded = True
    uncapped = step.value

    capped = False
    maximum = component.max_in_amount_unit  # converted: 2,000 mcg is compared as 2 mg
    if (
        component.max_dose is not None
        and maximum is not None
        and Quantity(uncapped, unit) > maximum
    ):
        declared = component.max_dose
        limit_text = declared.text()
        if declared.unit is not unit:
            limit_text = f"{limit_text} = {maximum.text()}"
        if component.max_dose_action is MaxDoseAction.BLOCK:
            raise MaxSingleDoseExceeded(
                f"Dose di {component.drug} ({format_result(uncapped, 2)} "
                f"{unit.value}) oltre la dose massima di {limit_text}.",
                field="max_dose_mg",
                details={
                    "dose": str(uncapped),
                    "max_dose": str(maximum.value),
                    "unit": unit.value,
                },
            )
        capped = True
        step = Step(
            label=f"Dose {component.drug} limitata",
            formula="min(dose, dose massima)",
            expression=f"min({step.operand}, {format_input(maximum.value)})",
            value=maximum.value,
            unit=unit.value,
            inputs=(StepInput("dose massima", declared.value, declared.unit.value),),
            children=(step,),
            note="" if declared.unit is unit else f"dose massima {limit_text}",
        )
        warnings.append(
            DoseWarning(
                "max_dose_capped",
                f"Dose di {component.drug} {format_result(uncapped, 2)} {unit.value} "
                f"limitata alla dose massima di {limit_text}.",
            )
        )

    cumulative: CumulativeCheck | None = None
    if component.cumulative_limit is not None:
        if previous_cumulative is None:
            raise ValidationFailed(
                f"Per {component.drug} serve la dose cumulativa ricevuta finora.",
                code="previous_cumulative_required",
                field="previous_cumulative",
            )
        if unit is not AmountUnit.MG:  # the limit is in mg or mg/m², the dose is not
            raise ValidationFailed(
                f"Limite cumulativo di {component.drug} in mg: non confrontabile con una "
                f"dose in {unit.value}.",
                code="cumulative_limit_unit_incompatible",
                field="cumulative_limit",
            )
        this_dose = step.value
        if component.cumulative_limit.basis is CumulativeBasis.MG_M2:
            this_dose = step.value / body.bsa_m2
        cumulative = cumulative_dose_check(
            drug=component.drug,
            previous=previous_cumulative,
            this_dose=this_dose,
            limit=component.cumulative_limit,
        )
        if cumulative.near_limit:
            warnings.append(
                DoseWarning(
                    "cumulative_near_limit",
                    f"Dose cumulativa di {component.drug} al "
                    f"{format_result(cumulative.pct_of_limit, 0)} % del limite.",
                )
            )

    return DoseResult(
        component=component,
        calculated=calculated,
        uncapped=uncapped,
        dose=step.value,
        capped=capped,
        banded=banded,
        rounded=rounded,
        paediatric_rule_applied=paediatric,
        cumulative=cumulative,
        warnings=tuple(warnings),
        provenance=step,
        weight=weight,
    )


def _wrap(outer: Step, inner: Step) -> Step:
    """``outer`` with ``inner`` as the step it was built from."""
    return Step(
        label=outer.label,
        formula=outer.formula,
        expression=outer.expression,
        value=outer.value,
        unit=outer.unit,
        places=outer.places,
        inputs=outer.inputs,
        children=(inner, *outer.children),
        note=outer.note,
    )
