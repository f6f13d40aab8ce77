"""Survival prognosis of patients with advanced cancer in palliative care: PaP and PPI.

* PaP (Palliative Prognostic Score) — Pirovano M, Maltoni M, Nanni O, et al. A new
  palliative prognostic score: a first step for the staging of terminally ill cancer
  patients. J Pain Symptom Manage 1999;17:231-9; validated in Maltoni M, Nanni O, Pirovano M,
  et al. Successful validation of the palliative prognostic score in terminally ill cancer
  patients. J Pain Symptom Manage 1999;17:240-7.
  Dyspnoea 1.0; anorexia 1.5; Karnofsky ≥ 30 0, 10–20 2.5; clinical prediction of survival
  (weeks) > 12 0, 11–12 2.0, 9–10 2.5, 7–8 2.5, 5–6 4.5, 3–4 6.0, 1–2 8.5; total WBC
  ≤ 8500/mm³ 0, 8501–11000 0.5, > 11000 1.5; lymphocytes 20–40 % (and above) 0, 12–19.9 %
  1.0, < 12 % 2.5. Group A 0–5.5 (30-day survival > 70 %), B 5.6–11.0 (30–70 %),
  C 11.1–17.5 (< 30 %).
* PPI (Palliative Prognostic Index) — Morita T, Tsunoda J, Inoue S, Chihara S. The
  Palliative Prognostic Index: a scoring system for survival prediction of terminally ill
  cancer patients. Support Care Cancer 1999;7:128-33.
  Palliative Performance Scale 10–20 4.0, 30–50 2.5, ≥ 60 0; oral intake severely reduced
  (mouthfuls or less) 2.5, moderately reduced 1.0, normal 0; oedema 1.0; dyspnoea at rest
  3.5; delirium 4.0. PPI > 6: survival likely shorter than 3 weeks; > 4: shorter than
  6 weeks; ≤ 4: longer than 6 weeks.

Limits: terminally ill cancer patients (the derivation cohorts); the clinical prediction of
survival is the physician's own estimate, in whole weeks; delirium caused by a single drug
alone is not counted in the PPI (Morita 1999), which the caller decides.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from corsia.records.domain.inputs import choice, flag, number_in_range, whole_in_range
from corsia.records.domain.prognosis._common import ZERO
from corsia.records.domain.results import Points, Reference, ScoreResult

PAP_REFERENCE = Reference(
    "Pirovano 1999",
    "Pirovano M, Maltoni M, Nanni O, et al. A new palliative prognostic score: a first step "
    "for the staging of terminally ill cancer patients. J Pain Symptom Manage 1999;17:231-9. "
    "Maltoni M, Nanni O, Pirovano M, et al. Successful validation of the palliative prognostic "
    "score in terminally ill cancer patients. J Pain Symptom Manage 1999;17:240-7.",
)
PPI_REFERENCE = Reference(
    "Morita 1999",
    "Morita T, Tsunoda J, Inoue S, Chihara S. The Palliative Prognostic Index: a scoring "
    "system for survival prediction of terminally ill cancer patients. Support Care Cancer "
    "1999;7:128-33.",
)


class PapGroup(StrEnum):
    A = "a"
    B = "b"
    C = "c"


PAP_GROUP_LABELS: dict[PapGroup, str] = {
    PapGroup.A: "A: sopravvivenza a 30 giorni > 70%",
    PapGroup.B: "B: sopravvivenza a 30 giorni 30–70%",
    PapGroup.C: "C: sopravvivenza a 30 giorni < 30%",
}


class PpiGroup(StrEnum):
    OVER_6_WEEKS = "over_6_weeks"
    UNDER_6_WEEKS = "under_6_weeks"
    UNDER_3_WEEKS = "under_3_weeks"


PPI_GROUP_LABELS: dict[PpiGroup, str] = {
    PpiGroup.OVER_6_WEEKS: "PPI ≤ 4: sopravvivenza probabile oltre 6 settimane",
    PpiGroup.UNDER_6_WEEKS: "PPI > 4: sopravvivenza probabile inferiore a 6 settimane",
    PpiGroup.UNDER_3_WEEKS: "PPI > 6: sopravvivenza probabile inferiore a 3 settimane",
}


class OralIntake(StrEnum):
    NORMAL = "normal"
    MODERATELY_REDUCED = "moderately_reduced"
    SEVERELY_REDUCED = "severely_reduced"


def _cps_points(weeks: int) -> Decimal:
    if weeks > 12:
        return ZERO
    if weeks >= 11:
        return Decimal("2.0")
    if weeks >= 7:
        return Decimal("2.5")
    if weeks >= 5:
        return Decimal("4.5")
    if weeks >= 3:
        return Decimal("6.0")
    return Decimal("8.5")


def pap(
    *,
    dyspnoea: bool | None,
    anorexia: bool | None,
    karnofsky: int | None,
    clinical_prediction_weeks: int | None,
    wbc_per_mm3: int | None,
    lymphocytes_pct: Decimal | int | None,
) -> ScoreResult[PapGroup]:
    """Palliative Prognostic Score (Pirovano 1999): 0–17.5."""
    has_dyspnoea = flag(dyspnoea, field="dyspnoea", label="Dispnea")
    has_anorexia = flag(anorexia, field="anorexia", label="Anoressia")
    kps = whole_in_range(karnofsky, field="karnofsky", label="Karnofsky", low=10, high=100, step=10)
    weeks = whole_in_range(
        clinical_prediction_weeks,
        field="clinical_prediction_weeks",
        label="Previsione clinica di sopravvivenza",
        low=1,
        high=520,
        unit="settimane",
    )
    wbc = whole_in_range(
        wbc_per_mm3,
        field="wbc_per_mm3",
        label="Leucociti totali",
        low=100,
        high=500000,
        unit="/mm³",
    )
    lymph = number_in_range(
        lymphocytes_pct, field="lymphocytes_pct", label="Linfociti", low=0, high=100, unit="%"
    )
    if wbc <= 8500:
        wbc_points = ZERO
    elif wbc <= 11000:
        wbc_points = Decimal("0.5")
    else:
        wbc_points = Decimal("1.5")
    if lymph >= 20:
        lymph_points = ZERO
    elif lymph >= 12:
        lymph_points = Decimal("1.0")
    else:
        lymph_points = Decimal("2.5")
    points = (
        Points("dyspnoea", "Dispnea", Decimal("1.0") if has_dyspnoea else ZERO),
        Points("anorexia", "Anoressia", Decimal("1.5") if has_anorexia else ZERO),
        Points("karnofsky", "Karnofsky", ZERO if kps >= 30 else Decimal("2.5")),
        Points("clinical_prediction", "Previsione clinica (settimane)", _cps_points(weeks)),
        Points("wbc", "Leucociti totali", wbc_points),
        Points("lymphocytes", "Linfociti %", lymph_points),
    )
    total = sum((p.points for p in points), ZERO)
    if total <= Decimal("5.5"):
        group = PapGroup.A
    elif total <= 11:
        group = PapGroup.B
    else:
        group = PapGroup.C
    return ScoreResult("pap", total, group, PAP_GROUP_LABELS[group], PAP_REFERENCE, points)


def ppi(
    *,
    palliative_performance_scale: int | None,
    oral_intake: OralIntake | str | None,
    oedema: bool | None,
    dyspnoea_at_rest: bool | None,
    delirium: bool | None,
) -> ScoreResult[PpiGroup]:
    """Palliative Prognostic Index (Morita 1999): 0–15."""
    pps = whole_in_range(
        palliative_performance_scale,
        field="palliative_performance_scale",
        label="Palliative Performance Scale",
        low=10,
        high=100,
        step=10,
        unit="%",
    )
    intake = choice(oral_intake, OralIntake, field="oral_intake", label="Assunzione orale")
    has_oedema = flag(oedema, field="oedema", label="Edema")
    has_dyspnoea = flag(dyspnoea_at_rest, field="dyspnoea_at_rest", label="Dispnea a riposo")
    has_delirium = flag(delirium, field="delirium", label="Delirium")
    if pps <= 20:
        pps_points = Decimal("4.0")
    elif pps <= 50:
        pps_points = Decimal("2.5")
    else:
        pps_points = ZERO
    intake_points = {
        OralIntake.NORMAL: ZERO,
        OralIntake.MODERATELY_REDUCED: Decimal("1.0"),
        OralIntake.SEVERELY_REDUCED: Decimal("2.5"),
    }[intake]
    points = (
        Points("pps", "Palliative Performance Scale", pps_points),
        Points("oral_intake", "Assunzione orale", intake_points),
        Points("oedema", "Edema", Decimal("1.0") if has_oedema else ZERO),
        Points("dyspnoea_at_rest", "Dispnea a riposo", Decimal("3.5") if has_dyspnoea else ZERO),
        Points("delirium", "Delirium", Decimal("4.0") if has_delirium else ZERO),
    )
    total = sum((p.points for p in points), ZERO)
    if total > 6:
        group = PpiGroup.UNDER_3_WEEKS
    elif total > 4:
        group = PpiGroup.UNDER_6_WEEKS
    else:
        group = PpiGroup.OVER_6_WEEKS
    return ScoreResult("ppi", total, group, PPI_GROUP_LABELS[group], PPI_REFERENCE, points)
