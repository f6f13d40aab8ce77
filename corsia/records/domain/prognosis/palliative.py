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

from corsia.core.domain.codes import LabelledCode
from corsia.records.domain.bands import band, below, otherwise, up_to
from corsia.records.domain.inputs import choice, flag, number_in_range, whole_in_range
from corsia.records.domain.prognosis._common import ZERO
from corsia.records.domain.results import Points, Reference, ScoreResult, points_score

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


class PapGroup(LabelledCode):
    A = "a", "A: sopravvivenza a 30 giorni > 70%"
    B = "b", "B: sopravvivenza a 30 giorni 30–70%"
    C = "c", "C: sopravvivenza a 30 giorni < 30%"


PAP_GROUP_LABELS: dict[PapGroup, str] = PapGroup.labels_it()

# Pirovano 1999: A 0–5.5, B 5.6–11, C 11.1–17.5.
PAP_GROUPS = (
    up_to(Decimal("5.5"), PapGroup.A),
    up_to(11, PapGroup.B),
    otherwise(PapGroup.C),
)


class PpiGroup(LabelledCode):
    OVER_6_WEEKS = "over_6_weeks", "PPI ≤ 4: sopravvivenza probabile oltre 6 settimane"
    UNDER_6_WEEKS = "under_6_weeks", "PPI > 4: sopravvivenza probabile inferiore a 6 settimane"
    UNDER_3_WEEKS = "under_3_weeks", "PPI > 6: sopravvivenza probabile inferiore a 3 settimane"


PPI_GROUP_LABELS: dict[PpiGroup, str] = PpiGroup.labels_it()

# Morita 1999: PPI ≤ 4 survival over 6 weeks, > 4 under 6 weeks, > 6 under 3 weeks.
PPI_GROUPS = (
    up_to(4, PpiGroup.OVER_6_WEEKS),
    up_to(6, PpiGroup.UNDER_6_WEEKS),
    otherwise(PpiGroup.UNDER_3_WEEKS),
)


class OralIntake(StrEnum):
    NORMAL = "normal"
    MODERATELY_REDUCED = "moderately_reduced"
    SEVERELY_REDUCED = "severely_reduced"


# PaP partial scores (Pirovano 1999).
PAP_CLINICAL_PREDICTION_POINTS = (  # weeks: 1–2, 3–4, 5–6, 7–10, 11–12, > 12
    below(3, Decimal("8.5")),
    below(5, Decimal("6.0")),
    below(7, Decimal("4.5")),
    below(11, Decimal("2.5")),
    up_to(12, Decimal("2.0")),
    otherwise(ZERO),
)
PAP_WBC_POINTS = (  # /mm³: normal ≤ 8500, high 8501–11000, very high > 11000
    up_to(8500, ZERO),
    up_to(11000, Decimal("0.5")),
    otherwise(Decimal("1.5")),
)
PAP_LYMPHOCYTE_POINTS = (  # %: very low < 12, low 12–19.9, normal ≥ 20
    below(12, Decimal("2.5")),
    below(20, Decimal("1.0")),
    otherwise(ZERO),
)
# PPI partial score for the Palliative Performance Scale (Morita 1999): 10–20, 30–50, ≥ 60.
PPI_PPS_POINTS = (
    up_to(20, Decimal("4.0")),
    up_to(50, Decimal("2.5")),
    otherwise(ZERO),
)


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
    points = (
        Points("dyspnoea", "Dispnea", Decimal("1.0") if has_dyspnoea else ZERO),
        Points("anorexia", "Anoressia", Decimal("1.5") if has_anorexia else ZERO),
        Points("karnofsky", "Karnofsky", ZERO if kps >= 30 else Decimal("2.5")),
        Points(
            "clinical_prediction",
            "Previsione clinica (settimane)",
            band(weeks, PAP_CLINICAL_PREDICTION_POINTS),
        ),
        Points("wbc", "Leucociti totali", band(wbc, PAP_WBC_POINTS)),
        Points("lymphocytes", "Linfociti %", band(lymph, PAP_LYMPHOCYTE_POINTS)),
    )
    return points_score(
        "pap", points, groups=PAP_GROUPS, labels=PAP_GROUP_LABELS, reference=PAP_REFERENCE
    )


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
    intake_points = {
        OralIntake.NORMAL: ZERO,
        OralIntake.MODERATELY_REDUCED: Decimal("1.0"),
        OralIntake.SEVERELY_REDUCED: Decimal("2.5"),
    }[intake]
    points = (
        Points("pps", "Palliative Performance Scale", band(pps, PPI_PPS_POINTS)),
        Points("oral_intake", "Assunzione orale", intake_points),
        Points("oedema", "Edema", Decimal("1.0") if has_oedema else ZERO),
        Points("dyspnoea_at_rest", "Dispnea a riposo", Decimal("3.5") if has_dyspnoea else ZERO),
        Points("delirium", "Delirium", Decimal("4.0") if has_delirium else ZERO),
    )
    return points_score(
        "ppi", points, groups=PPI_GROUPS, labels=PPI_GROUP_LABELS, reference=PPI_REFERENCE
    )
