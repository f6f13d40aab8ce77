"""Acute GVHD: organ stages from the measures and the overall grade, by the MAGIC criteria.

Source: Harris AC et al., "International, Multicenter Standardization of Acute
Graft-versus-Host Disease Clinical Data Collection: A Report from the Mount Sinai Acute
GVHD International Consortium", Biol Blood Marrow Transplant 2016;22:4-10, Table 1
(organ staging) and Table 2 (overall clinical grade). The README writes both out.

The stages are computed from what the clinician measures, never typed; the clinician
answers only for attributing the finding to GVHD (MAGIC stages a finding once other
causes are excluded). Boundaries read the table's one-decimal ranges as continuous:
bilirubin 2.1–3 mg/dL is "above 2.0 up to 3.0", so 2.0 is stage 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.measures import ensure_decimal, ensure_int

# 1 mg/dL of bilirubin = 17.1 µmol/L (molar mass 584.7 g/mol).
BILIRUBIN_UMOL_PER_MG_DL = Decimal("17.1")
MAX_BILIRUBIN_MG_DL = Decimal(80)
MAX_STOOL_ML_DAY = Decimal(20000)
MAX_EPISODES_DAY = 50
MIN_WEIGHT_KG = Decimal("0.3")
MAX_WEIGHT_KG = Decimal(300)
ADULT_VALUES_ABOVE_KG = Decimal(50)  # a child over 50 kg is staged on the adult stool values

# Upper bounds (included) of stages 0, 1, 2, 3; above the last is the next stage.
_LIVER_MG_DL = (Decimal(2), Decimal(3), Decimal(6), Decimal(15))
_ADULT_ML_DAY = ((Decimal(500), False), (Decimal(1000), False), (Decimal(1500), True))
_CHILD_ML_KG_DAY = ((Decimal(10), False), (Decimal(20), False), (Decimal(30), True))
# Episodes a day: the least number for stages 1, 2, 3.
_ADULT_EPISODES = (3, 5, 8)
_CHILD_EPISODES = (4, 7, 11)


class Grade(IntEnum):
    """The MAGIC overall grade 0–IV."""

    NONE = 0
    I = 1  # noqa: E741 — the grade's published name
    II = 2
    III = 3
    IV = 4

    @property
    def roman(self) -> str:
        return ("0", "I", "II", "III", "IV")[self.value]


@dataclass(frozen=True)
class OrganStages:
    """The four MAGIC organ stages: skin, liver, lower GI 0–4; upper GI 0–1."""

    skin: int
    liver: int
    upper_gi: int
    lower_gi: int

    def __post_init__(self) -> None:
        for name in ("skin", "liver", "lower_gi"):
            ensure_int(getattr(self, name), field=f"{name}_stage", label="Stadio", maximum=4)
        ensure_int(self.upper_gi, field="upper_gi_stage", label="Stadio GI superiore", maximum=1)


def skin_stage(
    *, rash_bsa_percent: Decimal, bullae: bool, desquamation_bsa_percent: Decimal
) -> int:
    """Stage of the skin from the maculopapular rash's extent (% of body surface area).

    0 no rash; 1 < 25 %; 2 25–50 %; 3 > 50 %; 4 generalised erythroderma (> 50 %) with
    bullous formation and desquamation > 5 %. Bullae or desquamation without a rash, or a
    desquamation wider than the rash, are inconsistent and refused.
    """
    rash = ensure_decimal(
        rash_bsa_percent,
        field="rash_bsa",
        label="Estensione del rash (% BSA)",
        maximum=Decimal(100),
    )
    desq = ensure_decimal(
        desquamation_bsa_percent,
        field="desquamation_bsa",
        label="Desquamazione (% BSA)",
        maximum=Decimal(100),
    )
    if rash == 0 and (bullae or desq > 0):
        raise ValidationFailed(
            "Bolle o desquamazione indicate senza rash cutaneo: verifica l'estensione del rash.",
            code="skin_bullae_without_rash",
            field="rash_bsa",
        )
    if desq > rash:
        raise ValidationFailed(
            "La desquamazione non può essere più estesa del rash.",
            code="skin_desquamation_exceeds_rash",
            field="desquamation_bsa",
        )
    if rash == 0:
        return 0
    if rash < 25:
        return 1
    if rash <= 50:
        return 2
    if bullae and desq > 5:
        return 4
    return 3


def bilirubin_mg_dl(value: Decimal, unit: str) -> Decimal:
    """Total bilirubin in mg/dL from a value typed in ``mg/dL`` or ``µmol/L``."""
    if unit == "mg/dL":
        return ensure_decimal(
            value, field="bilirubin", label="Bilirubina totale", maximum=MAX_BILIRUBIN_MG_DL
        )
    if unit in ("µmol/L", "umol/L"):
        umol = ensure_decimal(
            value,
            field="bilirubin",
            label="Bilirubina totale",
            maximum=MAX_BILIRUBIN_MG_DL * BILIRUBIN_UMOL_PER_MG_DL,
        )
        return umol / BILIRUBIN_UMOL_PER_MG_DL
    raise ValidationFailed(
        f"Unità della bilirubina «{unit[:10]}» non prevista (mg/dL, µmol/L).",
        code="bilirubin_unit_invalid",
        field="bilirubin_unit",
    )


def liver_stage(bilirubin: Decimal, unit: str = "mg/dL") -> int:
    """Stage of the liver from total bilirubin: 0 ≤ 2, 1 2.1–3, 2 3.1–6, 3 6.1–15, 4 > 15 mg/dL.

    A value in µmol/L is compared with the thresholds × 17.1 (34.2, 51.3, 102.6, 256.5),
    exact in decimal, so no rounding moves a value across a boundary.
    """
    bilirubin_mg_dl(bilirubin, unit)  # refuses a bad value or unit
    factor = Decimal(1) if unit == "mg/dL" else BILIRUBIN_UMOL_PER_MG_DL
    return sum(1 for top in _LIVER_MG_DL if bilirubin > top * factor)


def upper_gi_stage(*, persistent_nausea_vomiting_anorexia: bool) -> int:
    """1 with persistent nausea, vomiting or anorexia; 0 with none or intermittent."""
    return 1 if persistent_nausea_vomiting_anorexia else 0


def _volume_stage(value: Decimal, bounds: tuple[tuple[Decimal, bool], ...]) -> int:
    stage = 0
    for top, inclusive in bounds:
        if value > top or (value == top and not inclusive):
            stage += 1
    return stage


def lower_gi_stage(
    *,
    stool_ml_per_day: Decimal | None,
    episodes_per_day: int | None,
    severe_pain_or_ileus: bool,
    grossly_bloody_stool: bool,
    paediatric: bool = False,
    weight_kg: Decimal | None = None,
) -> int:
    """Stage of the lower GI tract from the stool output (volume or episodes a day).

    Adults: 0 < 500 mL or < 3 episodes; 1 500–999 mL or 3–4; 2 1000–1500 mL or 5–7;
    3 > 1500 mL or > 7. Children (``paediatric``, volume per kg of ``weight_kg``):
    0 < 10 mL/kg or < 4 episodes; 1 10–19.9 or 4–6; 2 20–30 or 7–10; 3 > 30 or > 10;
    a child weighing more than 50 kg is staged on the adult values (MAGIC's footnote).
    Stage 4 (any age): severe abdominal pain with or without ileus, or grossly bloody
    stool, whatever the volume. With both volume and episodes the higher stage counts.
    The volume is the caller's 3-day average (MAGIC), stool alone.
    """
    if stool_ml_per_day is None and episodes_per_day is None:
        raise ValidationFailed(
            "Indica il volume delle feci (mL/die) o il numero di scariche al giorno.",
            code="stool_output_missing",
            field="stool_ml_per_day",
        )
    kg = None
    if weight_kg is not None:
        kg = ensure_decimal(
            weight_kg,
            field="weight",
            label="Peso (kg)",
            minimum=MIN_WEIGHT_KG,
            maximum=MAX_WEIGHT_KG,
        )
    child = paediatric and (kg is None or kg <= ADULT_VALUES_ABOVE_KG)
    stages = [4 if severe_pain_or_ileus or grossly_bloody_stool else 0]
    if stool_ml_per_day is not None:
        ml = ensure_decimal(
            stool_ml_per_day,
            field="stool_volume",
            label="Volume feci (mL/die)",
            maximum=MAX_STOOL_ML_DAY,
        )
        if not child:
            stages.append(_volume_stage(ml, _ADULT_ML_DAY))
        elif kg is None:
            raise ValidationFailed(
                "Per un paziente pediatrico il peso serve a riportare il volume in mL/kg/die.",
                code="weight_missing",
                field="weight_kg",
            )
        else:
            stages.append(_volume_stage(ml / kg, _CHILD_ML_KG_DAY))
    if episodes_per_day is not None:
        n = ensure_int(
            episodes_per_day,
            field="stool_episodes",
            label="Scariche al giorno",
            maximum=MAX_EPISODES_DAY,
        )
        thresholds = _CHILD_EPISODES if child else _ADULT_EPISODES
        stages.append(sum(1 for least in thresholds if n >= least))
    return max(stages)


def magic_grade(stages: OrganStages) -> Grade:
    """The overall grade by MAGIC's Table 2.

    IV: skin, liver or lower GI stage 4. III: liver or lower GI stage 2–3. II: skin
    stage 3, or liver, upper GI or lower GI stage 1. I: skin stage 1–2 alone. 0: none.
    """
    if 4 in (stages.skin, stages.liver, stages.lower_gi):
        return Grade.IV
    if stages.liver in (2, 3) or stages.lower_gi in (2, 3):
        return Grade.III
    if stages.skin == 3 or 1 in (stages.liver, stages.upper_gi, stages.lower_gi):
        return Grade.II
    if stages.skin in (1, 2):
        return Grade.I
    return Grade.NONE
