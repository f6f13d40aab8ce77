"""Renal function for dosing: Cockcroft–Gault clearance and the GFR used by Calvert.

* Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum creatinine.
  Nephron 1976;16:31-41. (× 0.85 for women, as proposed there.)
* Calvert AH et al. Carboplatin dosage: prospective evaluation of a simple formula
  based on renal function. J Clin Oncol 1989;7:1748-56: dose = AUC × (GFR + 25).
* The GFR cap of 125 mL/min (so at most AUC × 150 mg) follows the 2010 FDA / NCI-CTEP
  advice on carboplatin dosing with IDMS-standardised creatinine.
* Schwartz GJ et al. New equations to estimate GFR in children with CKD. J Am Soc
  Nephrol 2009;20:629-37 ("bedside Schwartz"): eGFR = 0.413 × height_cm / SCr mg/dL,
  in mL/min/1.73 m²; Corsia uses it instead of Cockcroft–Gault under 18 years. For a
  dose (Calvert / Newell take mL/min) it is de-normalised: GFR = eGFR × BSA / 1.73.
* Newell DR et al. Carboplatin pharmacokinetics in children: the development of a
  pediatric dosing formula. J Clin Oncol 1993;11:2314-23:
  dose = AUC × (GFR mL/min + 0.36 × weight_kg).
* A minimum creatinine (e.g. 0.7 or 0.8 mg/dL, off by default) is a hospital choice
  for the elderly or cachectic, whose low creatinine overestimates the clearance.
"""

from __future__ import annotations

from decimal import Decimal

from corsia.prescribing.domain.patient import Sex
from corsia.prescribing.domain.provenance import Step, StepInput, format_input

FEMALE_FACTOR = Decimal("0.85")
DEFAULT_GFR_CAP = Decimal(125)
CALVERT_NON_RENAL = Decimal(25)
SCHWARTZ_K = Decimal("0.413")
STANDARD_BSA_M2 = Decimal("1.73")
NEWELL_PER_KG = Decimal("0.36")


def floored_creatinine(serum_creatinine_mg_dl: Decimal, minimum: Decimal | None) -> Step:
    """The creatinine a formula uses: the measured value, or ``minimum`` when it is lower
    and the policy sets one (rounding up a low creatinine)."""
    measured = Step(
        label="Creatinina sierica",
        formula="valore misurato",
        expression="",
        value=serum_creatinine_mg_dl,
        unit="mg/dL",
        places=2,
    )
    if minimum is None or serum_creatinine_mg_dl >= minimum:
        return measured
    return Step(
        label="Creatinina usata",
        formula="max(creatinina, minimo della politica)",
        expression=f"max({format_input(serum_creatinine_mg_dl)}, {format_input(minimum)})",
        value=minimum,
        unit="mg/dL",
        places=2,
        children=(measured,),
        note="creatinina minima come da politica",
    )


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


def schwartz_bedside(*, height_cm: Decimal, serum_creatinine_mg_dl: Decimal) -> Step:
    """Bedside Schwartz (2009) eGFR in mL/min/1.73 m² = 0.413 × height_cm / creatinine."""
    return Step(
        label="eGFR pediatrico (Schwartz 2009)",
        formula="0.413 × altezza_cm / creatinina_mg_dL",
        expression=(f"0.413 × {format_input(height_cm)} / {format_input(serum_creatinine_mg_dl)}"),
        value=SCHWARTZ_K * height_cm / serum_creatinine_mg_dl,
        unit="mL/min/1.73m²",
        inputs=(
            StepInput("altezza", height_cm, "cm"),
            StepInput("creatinina", serum_creatinine_mg_dl, "mg/dL"),
        ),
    )


def denormalised_gfr(egfr: Step, bsa: Step) -> Step:
    """An eGFR per 1.73 m² as the patient's own mL/min: eGFR × BSA / 1.73."""
    return Step(
        label="GFR assoluto",
        formula="eGFR × BSA / 1.73",
        expression=f"{egfr.operand} × {bsa.operand} / 1.73",
        value=egfr.value * bsa.value / STANDARD_BSA_M2,
        unit="mL/min",
        children=(egfr,),
    )


def newell(*, target_auc: Decimal, gfr: Step, weight_kg: Decimal) -> Step:
    """Paediatric carboplatin dose in mg = AUC × (GFR + 0.36 × weight_kg) (Newell 1993)."""
    return Step(
        label="Dose carboplatino (Newell, pediatrica)",
        formula="AUC × (GFR + 0.36 × peso_kg)",
        expression=(
            f"{format_input(target_auc)} × ({gfr.operand} + 0.36 × {format_input(weight_kg)})"
        ),
        value=target_auc * (gfr.value + NEWELL_PER_KG * weight_kg),
        unit="mg",
        inputs=(StepInput("AUC", target_auc, "mg/mL·min"), StepInput("peso", weight_kg, "kg")),
        children=(gfr,),
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
