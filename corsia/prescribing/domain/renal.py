"""Renal function for dosing: Cockcroft–Gault clearance and the GFR used by Calvert.

* Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum creatinine.
  Nephron 1976;16:31-41. (× 0.85 for women, as proposed there.)
* Calvert AH et al. Carboplatin dosage: prospective evaluation of a simple formula
  based on renal function. J Clin Oncol 1989;7:1748-56: dose = AUC × (GFR + 25).
* The GFR cap of 125 mL/min (so at most AUC × 150 mg) follows the 2010 FDA / NCI-CTEP
  advice on carboplatin dosing with IDMS-standardised creatinine.
"""

from __future__ import annotations

from decimal import Decimal

from corsia.prescribing.domain.patient import Sex
from corsia.prescribing.domain.provenance import Step, StepInput, format_input

FEMALE_FACTOR = Decimal("0.85")
DEFAULT_GFR_CAP = Decimal(125)
CALVERT_NON_RENAL = Decimal(25)


def cockcroft_gault(
    *, sex: Sex, age_years: Decimal, weight_kg: Decimal, serum_creatinine_mg_dl: Decimal
) -> Step:
    """Creatinine clearance in mL/min: (140 − age) × weight / (72 × creatinine) [× 0.85 F]."""
    value = (140 - age_years) * weight_kg / (72 * serum_creatinine_mg_dl)
    formula = "(140 − età) × peso_kg / (72 × creatinina_mg_dL)"
    expression = (
        f"(140 − {format_input(age_years)}) × {format_input(weight_kg)} / "
        f"(72 × {format_input(serum_creatinine_mg_dl)})"
    )
    if sex is Sex.FEMALE:
        value *= FEMALE_FACTOR
        formula += " × 0.85"
        expression += " × 0.85"
    return Step(
        label="Clearance creatinina (Cockcroft-Gault)",
        formula=formula,
        expression=expression,
        value=value,
        unit="mL/min",
        inputs=(
            StepInput("sesso", sex.value),
            StepInput("età", age_years, "anni"),
            StepInput("peso", weight_kg, "kg"),
            StepInput("creatinina", serum_creatinine_mg_dl, "mg/dL"),
        ),
    )


def measured_gfr(value: Decimal) -> Step:
    return Step(
        label="GFR misurato",
        formula="valore misurato",
        expression="",
        value=value,
        unit="mL/min",
    )


def capped_gfr(renal: Step, cap: Decimal | None) -> Step:
    """The GFR Calvert uses: the renal function, at most ``cap`` (None: no cap)."""
    if cap is None or renal.value <= cap:
        return renal
    return Step(
        label="GFR limitato",
        formula="min(GFR, limite)",
        expression=f"min({renal.operand}, {format_input(cap)})",
        value=cap,
        unit="mL/min",
        children=(renal,),
        note="limite GFR per il carboplatino",
    )


def calvert(*, target_auc: Decimal, gfr: Step) -> Step:
    """Carboplatin dose in mg = target AUC × (GFR + 25)."""
    return Step(
        label="Dose carboplatino (Calvert)",
        formula="AUC × (GFR + 25)",
        expression=f"{format_input(target_auc)} × ({gfr.operand} + 25)",
        value=target_auc * (gfr.value + CALVERT_NON_RENAL),
        unit="mg",
        inputs=(StepInput("AUC", target_auc, "mg/mL·min"),),
        children=(gfr,),
    )
