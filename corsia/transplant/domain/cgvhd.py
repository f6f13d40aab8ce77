"""Chronic GVHD: organ scores and global severity, by the NIH 2014 consensus.

Source: Jagasia MH et al., "National Institutes of Health Consensus Development Project
on Criteria for Clinical Trials in Chronic Graft-versus-Host Disease: I. The 2014
Diagnosis and Staging Working Group Report", Biol Blood Marrow Transplant
2015;21:389-401 (Figure 1, the organ scoring form; Table 6, global severity).

The organ scores 0–3 come from the NIH form (the clinician scores each organ); the lung
score is computed from FEV1 % predicted and the symptom score (the higher of the two
when both are known), and the global severity is computed, never typed:

* mild — 1 or 2 organs involved, none scoring more than 1, and lung 0;
* moderate — 3 or more organs scoring 1, or any organ (not lung) scoring 2, or lung 1;
* severe — any organ scoring 3, or lung 2 or 3.

An organ whose whole abnormality is explained by a documented non-GVHD cause is left out
of the severity (NIH 2014); a multifactorial abnormality keeps its score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.measures import ensure_decimal, ensure_int

ORGANS = ("skin", "mouth", "eyes", "gi", "liver", "lungs", "joints_fascia", "genital")
MAX_FEV1_PERCENT = Decimal(200)


class Severity(StrEnum):
    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


@dataclass(frozen=True)
class OrganScores:
    """The eight NIH organ scores, each 0–3 (genital tract may be unscored: ``None``)."""

    skin: int
    mouth: int
    eyes: int
    gi: int
    liver: int
    lungs: int
    joints_fascia: int
    genital: int | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None and f.name == "genital":
                continue  # not examined (NIH allows it); it then adds nothing
            ensure_int(value, field=f"{f.name}_score", label="Punteggio d'organo", maximum=3)


def lung_score(*, fev1_percent: Decimal | None = None, symptom_score: int | None = None) -> int:
    """The NIH lung score: FEV1 ≥ 80 % 0, 60–79 % 1, 40–59 % 2, ≤ 39 % 3; the symptom score
    (0 none, 1 breathless on stairs, 2 on flat ground, 3 at rest or on oxygen); the higher
    of the two when both are known. FEV1 between the published whole numbers (79.5 %)
    counts with the lower band's upper end: below 80 is 1.
    """
    if fev1_percent is None and symptom_score is None:
        raise ValidationFailed(
            "Per il punteggio polmonare indica il FEV1 (% del predetto) o i sintomi.",
            code="lung_measure_missing",
            field="fev1_percent",
        )
    scores = []
    if fev1_percent is not None:
        fev1 = ensure_decimal(
            fev1_percent, field="fev1", label="FEV1 (% del predetto)", maximum=MAX_FEV1_PERCENT
        )
        scores.append(0 if fev1 >= 80 else 1 if fev1 >= 60 else 2 if fev1 >= 40 else 3)
    if symptom_score is not None:
        scores.append(
            ensure_int(symptom_score, field="lung_symptom", label="Sintomi polmonari", maximum=3)
        )
    return max(scores)


def global_severity(
    scores: OrganScores, *, explained_by_other_cause: Iterable[str] = ()
) -> Severity:
    """The NIH 2014 global severity of chronic GVHD from the organ scores."""
    excluded = set(explained_by_other_cause)
    unknown = excluded - set(ORGANS)
    if unknown:
        raise ValidationFailed(
            f"Organo non previsto: {', '.join(sorted(unknown))[:60]}.",
            code="organ_unknown",
            field="explained_by_other_cause",
        )
    counted = {
        name: getattr(scores, name)
        for name in ORGANS
        if name not in excluded and getattr(scores, name) is not None
    }
    lungs = counted.pop("lungs", 0)
    others = counted.values()
    involved = sum(1 for s in others if s > 0) + (1 if lungs > 0 else 0)
    if lungs >= 2 or any(s == 3 for s in others):
        return Severity.SEVERE
    if lungs == 1 or any(s == 2 for s in others) or involved >= 3:
        return Severity.MODERATE
    if involved:
        return Severity.MILD
    return Severity.NONE
