"""The hospital's / regimen's dosing settings, passed in and shown in every result.

Nothing here is a constant of the code: the weight used for obese patients, the BSA
cap, the GFR cap and the paediatric rule are chosen by the regimen or the hospital
(DOMAIN.md). The defaults follow current guidance: full actual weight (ASCO 2021),
no BSA cap, GFR capped at 125 mL/min for carboplatin, no paediatric conversion
unless the protocol asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.body_size import BsaFormula
from corsia.prescribing.domain.checks import WEIGHT_CHANGE_RECALC_PCT
from corsia.prescribing.domain.renal import DEFAULT_GFR_CAP
from corsia.prescribing.domain.rounding import RoundingRule


class ChildAucFormula(LabelledCode):
    """How an AUC (carboplatin) dose is computed under 18 years."""

    NEWELL = (
        "newell",
        "Newell (AUC × (GFR + 0,36 × peso))",
    )  # AUC × (GFR + 0.36 × weight_kg), Newell 1993
    CALVERT = (
        "calvert",
        "Calvert (AUC × (GFR + 25))",
    )  # the adult formula, where the protocol says so


CHILD_AUC_LABELS: dict[ChildAucFormula, str] = ChildAucFormula.labels_it()


class WeightBasis(LabelledCode):
    ACTUAL = "actual", "peso reale"
    IDEAL = "ideal", "peso ideale"
    ADJUSTED = "adjusted", "peso corretto"


WEIGHT_BASIS_LABELS: dict[WeightBasis, str] = WeightBasis.labels_it()


@dataclass(frozen=True)
class PaediatricRule:
    """Below either threshold, per-m² doses become per-kg doses: (dose per m²) / divisor.

    A threshold left as None is not used; the rule applies when the actual weight is
    below ``weight_below_kg`` or the BSA is below ``bsa_below_m2``. ``rounding``, when
    given, replaces the drug's rounding for the children the rule applies to.
    """

    weight_below_kg: Decimal | None = Decimal(10)
    bsa_below_m2: Decimal | None = Decimal("0.6")
    divisor: Decimal = Decimal(30)
    rounding: RoundingRule | None = None

    def __post_init__(self) -> None:
        if self.weight_below_kg is None and self.bsa_below_m2 is None:
            raise ValidationFailed(
                "Regola pediatrica: indicare una soglia di peso o di superficie corporea.",
                code="paediatric_rule_invalid",
                field="paediatric",
            )
        if self.divisor <= 0:
            raise ValidationFailed(
                "Regola pediatrica: il divisore deve essere positivo.",
                code="paediatric_rule_invalid",
                field="paediatric.divisor",
            )

    def applies(self, *, weight_kg: Decimal, bsa_m2: Decimal) -> bool:
        below_weight = self.weight_below_kg is not None and weight_kg < self.weight_below_kg
        below_bsa = self.bsa_below_m2 is not None and bsa_m2 < self.bsa_below_m2
        return below_weight or below_bsa


@dataclass(frozen=True)
class DosingPolicy:
    bsa_formula: BsaFormula = BsaFormula.MOSTELLER
    # Weight used for BSA and mg/kg doses when BMI ≥ obesity_bmi_threshold (and the
    # actual weight is above the ideal one); otherwise the actual weight is used.
    obese_weight_basis: WeightBasis = WeightBasis.ACTUAL
    obesity_bmi_threshold: Decimal = Decimal(30)
    # Weight in Cockcroft–Gault, on the same obesity condition.
    obese_crcl_weight_basis: WeightBasis = WeightBasis.ACTUAL
    bsa_cap_m2: Decimal | None = None
    # None: BSA kept unrounded; else rounded half-up to this many decimals before use.
    bsa_decimals: int | None = None
    gfr_cap_ml_min: Decimal | None = DEFAULT_GFR_CAP
    paediatric: PaediatricRule | None = None
    # Cockcroft–Gault with max(creatinine, minimum) from this age on (None: off).
    min_creatinine_mg_dl: Decimal | None = None
    min_creatinine_from_age: Decimal = Decimal(18)
    # The formula of AUC doses under 18 years; None: an AUC dose for a child is refused.
    child_auc_formula: ChildAucFormula | None = None
    # Rule 4: a weight change of this % or more since the last cycle forces recalculation.
    weight_change_pct: Decimal = WEIGHT_CHANGE_RECALC_PCT

    def __post_init__(self) -> None:
        if self.bsa_cap_m2 is not None and not Decimal("0.1") <= self.bsa_cap_m2 <= Decimal(4):
            raise ValidationFailed(
                "Limite di superficie corporea non plausibile (ammesso 0.1–4 m²).",
                code="bsa_cap_out_of_range",
                field="bsa_cap_m2",
            )
        if self.gfr_cap_ml_min is not None and not 0 < self.gfr_cap_ml_min <= 300:
            raise ValidationFailed(
                "Limite del GFR non plausibile (ammesso > 0 e ≤ 300 mL/min).",
                code="gfr_cap_out_of_range",
                field="gfr_cap",
            )
        if self.bsa_decimals is not None and not 1 <= self.bsa_decimals <= 4:
            raise ValidationFailed(
                "Decimali della superficie corporea ammessi: da 1 a 4.",
                code="bsa_decimals_out_of_range",
                field="bsa_decimals",
            )
        if self.min_creatinine_mg_dl is not None and not (
            Decimal("0.1") <= self.min_creatinine_mg_dl <= Decimal("1.5")
        ):
            raise ValidationFailed(
                "Creatinina minima non plausibile (ammesso 0,1–1,5 mg/dL).",
                code="min_creatinine_out_of_range",
                field="min_creatinine_mg_dl",
            )
        if not 0 < self.weight_change_pct <= 50:
            raise ValidationFailed(
                "Soglia di variazione del peso non plausibile (ammesso > 0 e ≤ 50 %).",
                code="weight_change_threshold_out_of_range",
                field="weight_change_pct",
            )
        if not 0 < self.obesity_bmi_threshold <= 100:
            raise ValidationFailed(
                "Soglia di BMI per l'obesità non plausibile.",
                code="obesity_threshold_out_of_range",
                field="obesity_bmi_threshold",
            )

    def describe(self) -> list[str]:
        """The settings as printed under the doses."""
        lines = [
            f"Formula BSA: {self.bsa_formula.value}",
            f"Peso per BSA e mg/kg se BMI ≥ {self.obesity_bmi_threshold}: "
            f"{WEIGHT_BASIS_LABELS[self.obese_weight_basis]}",
            f"Peso per Cockcroft-Gault se BMI ≥ {self.obesity_bmi_threshold}: "
            f"{WEIGHT_BASIS_LABELS[self.obese_crcl_weight_basis]}",
            "Limite BSA: " + (f"{self.bsa_cap_m2} m²" if self.bsa_cap_m2 else "nessuno"),
            "Limite GFR (Calvert): "
            + (f"{self.gfr_cap_ml_min} mL/min" if self.gfr_cap_ml_min else "nessuno"),
        ]
        lines.append(
            "Creatinina minima (Cockcroft-Gault): "
            + (
                f"{self.min_creatinine_mg_dl} mg/dL da {self.min_creatinine_from_age} anni"
                if self.min_creatinine_mg_dl is not None
                else "nessuna"
            )
        )
        lines.append("Funzione renale sotto i 18 anni: Schwartz 2009 (bedside)")
        lines.append(
            "Dosi AUC sotto i 18 anni: "
            + (
                CHILD_AUC_LABELS[self.child_auc_formula]
                if self.child_auc_formula is not None
                else "non impostate (dose rifiutata)"
            )
        )
        lines.append(f"Ricalcolo obbligatorio se il peso varia ≥ {self.weight_change_pct} %")
        if self.paediatric is None:
            lines.append("Regola pediatrica mg/m² → mg/kg: non applicata")
        else:
            rule = self.paediatric
            thresholds = []
            if rule.weight_below_kg is not None:
                thresholds.append(f"peso < {rule.weight_below_kg} kg")
            if rule.bsa_below_m2 is not None:
                thresholds.append(f"BSA < {rule.bsa_below_m2} m²")
            lines.append(
                f"Regola pediatrica: se {' o '.join(thresholds)}, mg/m² ÷ {rule.divisor} = mg/kg"
            )
        return lines
