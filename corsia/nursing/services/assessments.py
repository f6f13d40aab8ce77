"""A patient assessed with a scale, and its correction. The answers are scored by the domain
(``domain/scales.py``) with the scale version in use; the row is written once (the
database refuses its UPDATE and DELETE) and a correction is a new assessment that
supersedes it, with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.core.domain.text import has_unsafe_characters
from corsia.nursing import audit_events as events
from corsia.nursing.domain.scales import ScaleResult, score
from corsia.nursing.models import Assessment, Scale
from corsia.patients.selectors import patient_get

RECORD = "nursing.record_nursing"
# How late an assessment may be written (the shift after, a weekend): older ones are
# refused rather than slipped into the trend.
LATEST_BACKDATING = timedelta(days=7)
FUTURE_SKEW = timedelta(minutes=5)
MAX_NOTES = 4000


@dataclass(frozen=True)
class AssessmentInput:
    scale_code: str
    answers: Mapping[str, Any] = field(default_factory=dict)
    assessed_at: datetime | None = None  # None: now
    notes: str = ""


def _scale_in_use(code: str) -> Scale:
    scale = Scale.objects.filter(code=str(code)[:40], active=True).first()
    if scale is None:
        raise ValidationFailed(
            "Scala non disponibile: scegline una dall'elenco.",
            code="scale_not_found",
            field="scale_code",
        )
    return scale


def _when(value: datetime | None, now: datetime) -> datetime:
    if value is None:
        return now
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise ValidationFailed(
            "Indica data e ora della valutazione.", code="assessed_at_invalid", field="assessed_at"
        )
    if value > now + FUTURE_SKEW:
        raise ValidationFailed(
            "La valutazione non può essere nel futuro.",
            code="assessed_in_future",
            field="assessed_at",
        )
    if value < now - LATEST_BACKDATING:
        raise ValidationFailed(
            "La valutazione è di più di 7 giorni fa: registrala nel diario con una nota.",
            code="assessed_too_long_ago",
            field="assessed_at",
        )
    return value


def _notes(text: str) -> str:
    notes = (text or "").strip()
    if has_unsafe_characters(notes):
        raise ValidationFailed(
            "Le note contengono caratteri non ammessi.", code="invalid_characters", field="notes"
        )
    if len(notes) > MAX_NOTES:
        raise ValidationFailed(
            f"Le note superano {MAX_NOTES} caratteri.", code="notes_too_long", field="notes"
        )
    return notes


def _items(result: ScaleResult) -> list[dict[str, Any]]:
    return [
        {
            "item": s.item.code,
            "label": s.item.label,
            "answer": s.answer,
            "answer_label": s.label,
            "points": s.points,
        }
        for s in result.items
    ]


def _snapshot(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "scale": assessment.scale.code,
        "scale_version": assessment.scale.version,
        "answers": assessment.answers,
        "total": assessment.total,
        "band": assessment.band_label,
        "assessed_at": assessment.assessed_at.isoformat(),
        "supersedes": assessment.supersedes_id,
    }


def _create(
    *,
    scale: Scale,
    result: ScaleResult,
    patient_id: int,
    assessed_at: datetime,
    notes: str,
    actor: User,
    workstation: Workstation,
    supersedes: Assessment | None = None,
    reason: str = "",
) -> Assessment:
    return Assessment.objects.create(
        patient_id=patient_id,
        scale=scale,
        answers=result.answers,
        items=_items(result),
        total=result.total,
        band_label=result.band.label[:300],
        band_level=result.band.level,
        assessed_at=assessed_at,
        notes=notes,
        recorded_by=actor,
        workstation=workstation_label(workstation)[:120],
        supersedes=supersedes,
        correction_reason=reason,
    )


def assessment_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: AssessmentInput
) -> Assessment:
    """Score the answers with the scale in use and record them for the patient (merged
    duplicates: their survivor). Nothing is written when an answer is refused."""
    require_permission(actor, RECORD)
    patient = patient_get(user=actor, patient_id=patient_id)
    scale = _scale_in_use(data.scale_code)
    result = score(scale.parsed(), data.answers)
    assessed_at = _when(data.assessed_at, timezone.now())
    notes = _notes(data.notes)
    with transaction.atomic():
        assessment = _create(
            scale=scale,
            result=result,
            patient_id=patient.pk,
            assessed_at=assessed_at,
            notes=notes,
            actor=actor,
            workstation=workstation,
        )
        audit_record(
            event=events.ASSESSMENT_RECORDED,
            actor=actor,
            workstation=workstation,
            target=assessment,
            patient_id=patient.pk,
            after=_snapshot(assessment),
        )
    return assessment


def assessment_correct(
    *,
    actor: User,
    workstation: Workstation,
    assessment_id: int,
    answers: Mapping[str, Any],
    reason: str,
    notes: str = "",
    assessed_at: datetime | None = None,
) -> Assessment:
    """A correction: a new assessment with the same scale version, superseding the old one
    (which stays as it was, out of the trend). Only the latest version can be corrected."""
    require_permission(actor, RECORD)
    why = " ".join((reason or "").split())
    if not why:
        raise ValidationFailed(
            "Indica il motivo della correzione.", code="reason_required", field="reason"
        )
    if has_unsafe_characters(why):
        raise ValidationFailed(
            "Il motivo contiene caratteri non ammessi.", code="invalid_characters", field="reason"
        )
    notes_clean = _notes(notes)
    with transaction.atomic():
        old = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("scale")
            .filter(pk=assessment_id)
            .first()
        )
        if old is None:
            raise NotFound("Valutazione non trovata.", code="assessment_not_found")
        patient_get(user=actor, patient_id=old.patient_id)  # the actor's scope
        if Assessment.objects.filter(supersedes=old).exists():
            raise ConflictError(
                "La valutazione è già stata corretta: correggi la versione più recente.",
                code="assessment_superseded",
            )
        result = score(old.scale.parsed(), answers)
        when = old.assessed_at if assessed_at is None else _when(assessed_at, timezone.now())
        new = _create(
            scale=old.scale,
            result=result,
            patient_id=old.patient_id,
            assessed_at=when,
            notes=notes_clean,
            actor=actor,
            workstation=workstation,
            supersedes=old,
            reason=why,
        )
        audit_record(
            event=events.ASSESSMENT_CORRECTED,
            actor=actor,
            workstation=workstation,
            target=new,
            patient_id=old.patient_id,
            before=_snapshot(old),
            after=_snapshot(new),
            reason=why,
        )
    return new
