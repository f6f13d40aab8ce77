"""Implementation: a planned intervention done, or not done with the reason, by whom,
when and where; written once (a mistaken record is followed by a diary note)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.nursing import audit_events as events
from corsia.nursing.domain.care_plans import wording
from corsia.nursing.models import CareIntervention, InterventionRecord, ProblemStatus
from corsia.nursing.services.care_common import RECORD, audit, fits
from corsia.nursing.services.writing import when_recorded
from corsia.patients.selectors import patient_get


def care_intervention_record(
    *,
    actor: User,
    workstation: Workstation,
    intervention_id: int,
    done: bool,
    reason_not_done: str = "",
    performed_at: datetime | None = None,
    due_at: datetime | None = None,
    note: str = "",
) -> InterventionRecord:
    """One intervention of the plan done (or not, with the reason), at ``performed_at``
    (empty: now; not in the future, at most 7 days ago), for the slot ``due_at``."""
    require_permission(actor, RECORD)
    if not isinstance(done, bool):
        raise ValidationFailed("Indica se è stato eseguito.", code="done_invalid", field="done")
    why = "" if done else wording(reason_not_done, label="Motivo", field="reason_not_done")
    note_clean = wording(note, label="Nota", field="note") if (note or "").strip() else ""
    when = when_recorded(performed_at, field_name="performed_at")
    if due_at is not None and (not isinstance(due_at, datetime) or timezone.is_naive(due_at)):
        raise ValidationFailed(
            "Orario previsto non valido.", code="datetime_invalid", field="due_at"
        )
    with transaction.atomic():
        intervention = (
            CareIntervention.objects.select_for_update(of=("self",))
            .select_related("problem")
            .filter(pk=intervention_id)
            .first()
            if fits(intervention_id)
            else None
        )
        if intervention is None:
            raise NotFound("Intervento non trovato.", code="not_found")
        problem = intervention.problem
        if problem.status != ProblemStatus.OPEN or not intervention.active:
            raise ConflictError(
                "L'intervento è sospeso o il problema è chiuso.", code="intervention_inactive"
            )
        patient_get(user=actor, patient_id=problem.patient_id)
        row = InterventionRecord.objects.create(
            patient_id=problem.patient_id,
            intervention=intervention,
            due_at=due_at,
            performed_at=when,
            done=done,
            reason_not_done=why,
            note=note_clean,
            author=actor,
            workstation=workstation_label(workstation)[:120],
        )
        audit(
            events.CARE_INTERVENTION_RECORDED,
            row,
            actor=actor,
            workstation=workstation,
            patient_id=problem.patient_id,
            after={
                "intervention": intervention.pk,
                "done": done,
                "reason_not_done": why,
                "performed_at": when.isoformat(),
            },
        )
    return row
