"""Prognostic score assessments: the physician chooses a score and enters its inputs, the
domain computes it with the published formula (``domain/prognosis/catalogue.py``), and the
service stores the inputs, the value, the risk group, the points of each factor and the
reference. A missing or impossible input: refused, nothing saved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.patients.selectors import patient_get
from corsia.records import audit_events as events
from corsia.records.domain.moments import past_date
from corsia.records.domain.prognosis import catalogue
from corsia.records.models import Diagnosis, PrognosticAssessment
from corsia.records.services._common import row_record
from corsia.records.services.diary import WRITE


@dataclass(frozen=True)
class ScoreInput:
    score: str
    inputs: Mapping[str, object] = field(default_factory=dict)
    assessed_on: date | None = None
    diagnosis_id: int | None = None  # the diagnosis it refers to, when one is named


def prognostic_score_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: ScoreInput
) -> PrognosticAssessment:
    """Compute a prognostic score from its inputs and store it with its reference."""
    require_permission(actor, WRITE)
    score = catalogue.score_get(data.score)
    today = timezone.localdate()
    day = past_date(data.assessed_on or today, today=today, field="assessed_on") or today
    patient = patient_get(user=actor, patient_id=patient_id)
    if data.diagnosis_id is not None and not (
        Diagnosis.objects.filter(
            pk=data.diagnosis_id, patient_id__in={patient_id, patient.pk}
        ).exists()
    ):
        raise NotFound("Diagnosi non trovata.", code="diagnosis_not_found")
    scored = catalogue.score_compute(score, data.inputs)
    result = scored.result
    points = [
        {"factor": p.factor, "label": p.label, "points": str(p.points)} for p in result.points
    ]
    with transaction.atomic():
        row = row_record(
            PrognosticAssessment,
            event=events.PROGNOSTIC_SCORE_RECORDED,
            actor=actor,
            workstation=workstation,
            after={
                "score": score.code,
                "inputs": scored.inputs,
                "value": str(result.value),
                "risk_group": result.group.value,
                "reference": result.reference.short[:120],
                "assessed_on": day.isoformat(),
            },
            patient_id=patient.pk,
            diagnosis_id=data.diagnosis_id,
            score=score.code,
            inputs=scored.inputs,
            value=result.value,
            risk_group=result.group.value,
            risk_group_label=result.group_label[:200],
            points=points,
            reference=result.reference.short[:120],
            citation=result.reference.citation,
            assessed_on=day,
        )
    return row
