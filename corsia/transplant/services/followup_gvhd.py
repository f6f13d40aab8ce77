"""GVHD assessments: the clinician records the measures, the service computes the MAGIC
organ stages and grade (acute) or the NIH organ scores and global severity (chronic) and
stores both. A stage or grade is never typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ValidationFailed
from corsia.transplant import audit_events_followup as events
from corsia.transplant.domain import agvhd, cgvhd, nih_organs
from corsia.transplant.models.followup import AgvhdAssessment, CgvhdAssessment
from corsia.transplant.permissions import RECORD
from corsia.transplant.services.followup_common import (
    day_of,
    decimal,
    followup_case,
    optional_decimal,
    text,
)


@dataclass(frozen=True)
class AgvhdInput:
    assessed_on: date
    rash_bsa: object = "0"
    bullae: bool = False
    desquamation_bsa: object = "0"
    bilirubin: object = "0"
    bilirubin_unit: str = "mg/dL"
    persistent_upper_gi: bool = False
    stool_ml_per_day: object = None
    stool_episodes: int | None = None
    severe_pain_or_ileus: bool = False
    grossly_bloody_stool: bool = False
    paediatric: bool = False
    weight_kg: object = None
    note: str = ""


@dataclass(frozen=True)
class AgvhdComputed:
    stages: agvhd.OrganStages
    grade: agvhd.Grade


def agvhd_compute(data: AgvhdInput) -> AgvhdComputed:
    """The MAGIC stages and grade of the measures (pure: the form's preview uses it too)."""
    rash = decimal(data.rash_bsa, "rash_bsa", "Estensione del rash")
    desq = decimal(data.desquamation_bsa, "desquamation_bsa", "Desquamazione")
    bili = decimal(data.bilirubin, "bilirubin", "Bilirubina totale")
    stool = optional_decimal(data.stool_ml_per_day, "stool_ml_per_day", "Volume feci")
    weight = optional_decimal(data.weight_kg, "weight_kg", "Peso")
    stages = agvhd.OrganStages(
        skin=agvhd.skin_stage(
            rash_bsa_percent=rash, bullae=data.bullae, desquamation_bsa_percent=desq
        ),
        liver=agvhd.liver_stage(bili, data.bilirubin_unit),
        upper_gi=agvhd.upper_gi_stage(persistent_nausea_vomiting_anorexia=data.persistent_upper_gi),
        lower_gi=agvhd.lower_gi_stage(
            stool_ml_per_day=stool,
            episodes_per_day=data.stool_episodes,
            severe_pain_or_ileus=data.severe_pain_or_ileus,
            grossly_bloody_stool=data.grossly_bloody_stool,
            paediatric=data.paediatric,
            weight_kg=weight,
        ),
    )
    return AgvhdComputed(stages=stages, grade=agvhd.magic_grade(stages))


def agvhd_assess(
    *, actor: User, workstation: Workstation, transplant_id: int, data: AgvhdInput
) -> AgvhdAssessment:
    """Record an acute GVHD assessment: measures checked, stages and grade computed."""
    require_permission(actor, RECORD)
    computed = agvhd_compute(data)
    note = text(data.note, "note")
    with transaction.atomic():
        case = followup_case(actor=actor, transplant_id=transplant_id)
        day = day_of(case, data.assessed_on, field="assessed_on", what="Valutazione GVHD acuta")
        s = computed.stages
        row = AgvhdAssessment.objects.create(
            transplant=case,
            patient_id=case.patient_id,
            day=day,
            assessed_on=data.assessed_on,
            rash_bsa=decimal(data.rash_bsa, "rash_bsa", ""),
            bullae=data.bullae,
            desquamation_bsa=decimal(data.desquamation_bsa, "desquamation_bsa", ""),
            bilirubin=decimal(data.bilirubin, "bilirubin", ""),
            bilirubin_unit=data.bilirubin_unit,
            persistent_upper_gi=data.persistent_upper_gi,
            stool_ml_per_day=optional_decimal(data.stool_ml_per_day, "stool_ml_per_day", ""),
            stool_episodes=data.stool_episodes,
            severe_pain_or_ileus=data.severe_pain_or_ileus,
            grossly_bloody_stool=data.grossly_bloody_stool,
            paediatric=data.paediatric,
            weight_kg=optional_decimal(data.weight_kg, "weight_kg", ""),
            skin_stage=s.skin,
            liver_stage=s.liver,
            upper_gi_stage=s.upper_gi,
            lower_gi_stage=s.lower_gi,
            grade=int(computed.grade),
            note=note,
            author=actor,
            workstation=workstation_label(workstation)[:120],
        )
        audit_record(
            event=events.AGVHD_ASSESSED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=case.patient_id,
            after={
                "transplant": case.pk,
                "day": day,
                "stages": [s.skin, s.liver, s.upper_gi, s.lower_gi],
                "grade": computed.grade.roman,
            },
        )
    return row


# The chronic GVHD's organs and the function computing each score from its measures.
_SCORERS: dict[str, Any] = {
    "skin": nih_organs.skin_score,
    "mouth": nih_organs.mouth_score,
    "eyes": nih_organs.eye_score,
    "gi": nih_organs.gi_score,
    "liver": None,  # LiverTests.from_values, below
    "lungs": cgvhd.lung_score,
    "joints_fascia": nih_organs.joint_score,
    "genital": nih_organs.genital_score,
}


ORGAN_IT = {
    "skin": "cute", "mouth": "cavo orale", "eyes": "occhi", "gi": "tratto gastrointestinale",
    "liver": "fegato", "lungs": "polmoni", "joints_fascia": "articolazioni e fasce",
    "genital": "tratto genitale",
}  # fmt: skip


@dataclass(frozen=True)
class CgvhdInput:
    """``measures``: per organ, the keyword arguments of its scoring function (numbers as
    strings); the liver's: bilirubin, bilirubin_uln, alt, alt_uln, alp, alp_uln and
    optionally bilirubin_mg_dl; the genital tract's: ``{"signs": 0-3}`` or absent."""

    assessed_on: date
    measures: dict[str, dict[str, Any]]
    explained_by_other_cause: list[str] = field(default_factory=list)
    note: str = ""


_DECIMALS = {
    "bsa_percent", "weight_loss_percent", "fev1_percent", "bilirubin", "bilirubin_uln", "alt",
    "alt_uln", "alp", "alp_uln", "bilirubin_mg_dl",
}  # fmt: skip
_FLAGS_AND_GRADES = {
    "superficial_sclerosis", "deep_sclerosis", "impaired_mobility_ulceration_or_severe_pruritus",
    "dry_eye_symptoms", "drops_per_day", "punctal_plugs", "special_eyewear_for_pain",
    "unable_to_work", "vision_loss_from_kcs", "schirmer_mm", "symptoms", "diarrhoea",
    "supplement_for_most_calories", "oesophageal_dilation", "intake_limitation",
    "symptom_score", "rom_decrease", "adl_limitation", "contractures", "fasciitis_erythema",
    "signs",
}  # fmt: skip


def _kwargs(organ: str, raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict) or len(raw) > 12:
        raise ValidationFailed(
            f"Misure dell'organo «{ORGAN_IT.get(organ, organ)}» non valide.",
            code="measures_invalid",
            field=organ,
        )
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _DECIMALS:
            out[key] = None if value in (None, "") else decimal(value, key, key)
        elif key in _FLAGS_AND_GRADES and (value is None or isinstance(value, (bool, int))):
            out[key] = value
        else:
            raise ValidationFailed(
                f"Misura «{str(key)[:30]}» non prevista per l'organo «{ORGAN_IT.get(organ, organ)}».",
                code="measure_unknown",
                field=organ,
            )
    return out


def cgvhd_scores(data: CgvhdInput) -> tuple[cgvhd.OrganScores, dict[str, dict[str, Any]]]:
    """The NIH organ scores of the measures, and the measures as stored (JSON-safe)."""
    unknown = set(data.measures) - set(_SCORERS)
    if unknown:
        raise ValidationFailed(
            f"Organo non previsto: {', '.join(sorted(unknown))[:60]}.",
            code="organ_unknown",
            field="measures",
        )
    scores: dict[str, int | None] = {}
    stored: dict[str, dict[str, Any]] = {}
    for organ, scorer in _SCORERS.items():
        raw = data.measures.get(organ)
        if raw is None:
            if organ == "genital":
                scores[organ] = None
                continue
            raise ValidationFailed(
                f"Mancano le misure dell'organo «{ORGAN_IT[organ]}».",
                code="measures_missing",
                field=organ,
            )
        kwargs = _kwargs(organ, raw)
        try:
            if organ == "liver":
                scores[organ] = nih_organs.liver_score(nih_organs.LiverTests.from_values(**kwargs))
            elif organ == "genital":
                scores[organ] = nih_organs.genital_score(kwargs.get("signs", 0))
            else:
                scores[organ] = scorer(**kwargs)
        except TypeError:
            raise ValidationFailed(
                f"Misure dell'organo «{ORGAN_IT[organ]}» incomplete o non previste.",
                code="measures_invalid",
                field=organ,
            ) from None
        stored[organ] = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in kwargs.items()}
    return cgvhd.OrganScores(**scores), stored  # type: ignore[arg-type]  # ints by construction


def cgvhd_assess(
    *, actor: User, workstation: Workstation, transplant_id: int, data: CgvhdInput
) -> CgvhdAssessment:
    """Record a chronic GVHD assessment: organ scores and global severity computed."""
    require_permission(actor, RECORD)
    scores, stored = cgvhd_scores(data)
    severity = cgvhd.global_severity(scores, explained_by_other_cause=data.explained_by_other_cause)
    note = text(data.note, "note")
    with transaction.atomic():
        case = followup_case(actor=actor, transplant_id=transplant_id)
        day = day_of(case, data.assessed_on, field="assessed_on", what="Valutazione GVHD cronica")
        score_map = {organ: getattr(scores, organ) for organ in cgvhd.ORGANS}
        row = CgvhdAssessment.objects.create(
            transplant=case,
            patient_id=case.patient_id,
            day=day,
            assessed_on=data.assessed_on,
            measures=stored,
            scores=score_map,
            explained_by_other_cause=sorted(set(data.explained_by_other_cause)),
            severity=severity.value,
            note=note,
            author=actor,
            workstation=workstation_label(workstation)[:120],
        )
        audit_record(
            event=events.CGVHD_ASSESSED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=case.patient_id,
            after={
                "transplant": case.pk,
                "day": day,
                "scores": score_map,
                "severity": severity.value,
            },
        )
    return row
