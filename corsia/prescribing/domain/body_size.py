"""Body surface area, BMI, ideal and adjusted body weight (formulas in DOMAIN.md).

Sources of the formulas:

* Mosteller RD. Simplified calculation of body-surface area. N Engl J Med 1987;317:1098.
* Du Bois D, Du Bois EF. A formula to estimate the approximate surface area if height
  and weight be known. Arch Intern Med 1916;17:863-71.
* Haycock GB et al. Geometric method for measuring body surface area: a height-weight
  formula validated in infants, children, and adults. J Pediatr 1978;93:62-6.
* Gehan EA, George SL. Estimation of human body surface area from height and weight.
  Cancer Chemother Rep 1970;54:225-35.
* Devine BJ. Gentamicin therapy. Drug Intell Clin Pharm 1974;8:650-5 (ideal weight).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.decimal_math import decimal_power, decimal_sqrt
from corsia.prescribing.domain.patient import Sex
from corsia.prescribing.domain.provenance import Step, StepInput, format_input


class BsaFormula(LabelledCode):
    MOSTELLER = "mosteller", "Mosteller"
    DUBOIS = "dubois", "DuBois"
    HAYCOCK = "haycock", "Haycock"
    GEHAN_GEORGE = "gehan_george", "Gehan-George"


BSA_FORMULA_LABELS: dict[BsaFormula, str] = BsaFormula.labels_it()


@dataclass(frozen=True)
class _PowerLaw:
    """BSA = factor × weight_kg^weight_exp × height_cm^height_exp."""

    factor: Decimal
    weight_exp: Decimal
    height_exp: Decimal


_POWER_LAWS: dict[BsaFormula, _PowerLaw] = {
    BsaFormula.DUBOIS: _PowerLaw(Decimal("0.007184"), Decimal("0.425"), Decimal("0.725")),
    BsaFormula.HAYCOCK: _PowerLaw(Decimal("0.024265"), Decimal("0.5378"), Decimal("0.3964")),
    BsaFormula.GEHAN_GEORGE: _PowerLaw(Decimal("0.0235"), Decimal("0.51456"), Decimal("0.42246")),
}

_MOSTELLER_DIVISOR = Decimal(3600)


def bsa(formula: BsaFormula, *, height_cm: Decimal, weight_kg: Decimal) -> Step:
    """Body surface area in m² by ``formula``."""
    h, w = format_input(height_cm), format_input(weight_kg)
    label = f"BSA {BSA_FORMULA_LABELS[formula]}"
    inputs = (StepInput("altezza", height_cm, "cm"), StepInput("peso", weight_kg, "kg"))
    if formula is BsaFormula.MOSTELLER:
        value = decimal_sqrt(height_cm * weight_kg / _MOSTELLER_DIVISOR)
        return Step(
            label=label,
            formula="√(altezza_cm × peso_kg / 3600)",
            expression=f"√({h} × {w} / 3600)",
            value=value,
            unit="m²",
            inputs=inputs,
        )
    law = _POWER_LAWS[formula]
    value = (
        law.factor
        * decimal_power(weight_kg, law.weight_exp)
        * decimal_power(height_cm, law.height_exp)
    )
    return Step(
        label=label,
        formula=f"{law.factor} × peso_kg^{law.weight_exp} × altezza_cm^{law.height_exp}",
        expression=f"{law.factor} × {w}^{law.weight_exp} × {h}^{law.height_exp}",
        value=value,
        unit="m²",
        inputs=inputs,
    )


def bmi(*, height_cm: Decimal, weight_kg: Decimal) -> Step:
    """Body-mass index in kg/m²."""
    height_m = height_cm / 100
    return Step(
        label="BMI",
        formula="peso_kg / altezza_m²",
        expression=f"{format_input(weight_kg)} / {format_input(height_m)}²",
        value=weight_kg / (height_m * height_m),
        unit="kg/m²",
        inputs=(StepInput("altezza", height_cm, "cm"), StepInput("peso", weight_kg, "kg")),
    )


_DEVINE_BASE = {Sex.MALE: Decimal(50), Sex.FEMALE: Decimal("45.5")}
_DEVINE_PER_CM = Decimal("0.9055")
_DEVINE_HEIGHT_REF = Decimal("152.4")


def ideal_body_weight(*, sex: Sex, height_cm: Decimal) -> Step:
    """Devine: 50 kg (M) or 45.5 kg (F) + 0.9055 kg per cm above 152.4 cm (2.3 kg/inch).

    The formula is used as published, also below 152.4 cm (the increment becomes
    negative); where that leaves no positive weight (very short stature) it is refused.
    """
    base = _DEVINE_BASE[sex]
    value = base + _DEVINE_PER_CM * (height_cm - _DEVINE_HEIGHT_REF)
    if value <= 0:
        raise ValidationFailed(
            "Peso ideale (Devine) non definito per questa altezza: usare il peso reale.",
            code="ideal_weight_undefined",
            field="height_cm",
        )
    return Step(
        label="Peso ideale (Devine)",
        formula=f"{base} + 0.9055 × (altezza_cm − 152.4)",
        expression=f"{base} + 0.9055 × ({format_input(height_cm)} − 152.4)",
        value=value,
        unit="kg",
        inputs=(StepInput("sesso", sex.value), StepInput("altezza", height_cm, "cm")),
    )


ADJUSTED_WEIGHT_FACTOR = Decimal("0.4")


def adjusted_body_weight(
    *, weight_kg: Decimal, ideal: Step, factor: Decimal = ADJUSTED_WEIGHT_FACTOR
) -> Step:
    """IBW + f × (actual − IBW); f is 0.4 unless the regimen line says otherwise
    (busulfan: 0.25, Busilvex SmPC 4.2). 0 < f < 1 (f = 0 is the ideal weight, 1 the actual)."""
    if not (factor.is_finite() and 0 < factor < 1):
        raise ValidationFailed(
            "Fattore del peso corretto non valido: ammesso maggiore di 0 e minore di 1.",
            code="adjusted_weight_factor_out_of_range",
            field="adjusted_weight_factor",
        )
    value = ideal.value + factor * (weight_kg - ideal.value)
    shown = format_input(factor)
    return Step(
        label="Peso corretto",
        formula=f"peso_ideale + {shown} × (peso_reale − peso_ideale)",
        expression=(f"{ideal.operand} + {shown} × ({format_input(weight_kg)} − {ideal.operand})"),
        value=value,
        unit="kg",
        inputs=(StepInput("peso", weight_kg, "kg"),),
        children=(ideal,),
    )
