"""The team's acts: thresholds per patient, and the evaluation of an alert (with the CTCAE
grade confirmed into corsia.toxicity's record)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.core.domain.text import clean_text
from corsia.telemonitoring import audit_events as events
from corsia.telemonitoring.context import staff_patient
from corsia.telemonitoring.domain import thresholds
from corsia.telemonitoring.domain.parameters import Parameter
from corsia.telemonitoring.models import Alert, AlertState, Threshold
from corsia.toxicity.selectors import ctcae_term_id
from corsia.toxicity.services import ToxicityInput, toxicity_record


def threshold_set(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    parameter: str,
    low: Decimal | None,
    high: Decimal | None,
    reason: str = "",
) -> Threshold:
    """The patient's own limits for ``parameter`` (replacing the current ones)."""
    actor = staff_patient(actor, patient_id, manage=True)
    try:
        param = Parameter(parameter)
    except ValueError as exc:
        raise ValidationFailed(
            "Parametro sconosciuto.", code="parameter_unknown", field="parameter"
        ) from exc
    problem = thresholds.validate_limits(low, high)
    if problem:
        raise ValidationFailed(problem, code="threshold_invalid", field="low")
    reason = clean_text(reason, "reason", limit=500)
    with transaction.atomic():
        old = (
            Threshold.objects.select_for_update()
            .filter(patient_id=patient_id, parameter=param.value, is_current=True)
            .first()
        )
        before = None
        if old is not None:
            before = {"low": f"{old.low}", "high": f"{old.high}"}
            old.is_current = False
            old.save(update_fields=["is_current"])
        row = Threshold.objects.create(
            patient_id=patient_id,
            parameter=param.value,
            low=low,
            high=high,
            set_by=actor,
            reason=reason,
        )
        audit_record(
            event=events.THRESHOLD_SET,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=patient_id,
            before=before,
            after={"parameter": param.value, "low": f"{low}", "high": f"{high}"},
            reason=reason,
        )
    return row


def alert_close(
    *,
    actor: User,
    workstation: Workstation,
    alert_id: int,
    note: str = "",
    ctcae_grade: int | None = None,
) -> Alert:
    """The team has evaluated the alert; ``ctcae_grade``: the grade the clinician confirms
    for the alert's CTCAE term, recorded through corsia.toxicity (its permission applies)."""
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None:
        raise NotFound("Allerta non trovata.", code="alert_not_found")
    actor = staff_patient(actor, alert.patient_id, manage=True)
    note = clean_text(note, "note", limit=2000)
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert_id)
        if alert.state != AlertState.OPEN:
            raise ValidationFailed("Allerta già valutata.", code="alert_closed")
        if ctcae_grade is not None:
            if not alert.meddra_code:
                raise ValidationFailed(
                    "Questa allerta non ha un termine CTCAE da graduare.",
                    code="alert_no_ctcae_term",
                    field="ctcae_grade",
                )
            record = toxicity_record(
                actor=actor,
                workstation=workstation,
                patient_id=alert.patient_id,
                data=ToxicityInput(
                    term_id=ctcae_term_id(meddra_code=alert.meddra_code),
                    grade=ctcae_grade,
                    attribution="possible",
                    onset_date=timezone.localdate(alert.raised_at),
                    notes=f"Da telemonitoraggio: {alert.message}"[:4000],
                ),
            )
            alert.toxicity_record_id = record.pk
        alert.state = AlertState.CLOSED
        alert.closed_by = actor
        alert.closed_at = timezone.now()
        alert.note = note
        alert.save(update_fields=["state", "closed_by", "closed_at", "note", "toxicity_record_id"])
        audit_record(
            event=events.ALERT_CLOSED,
            actor=actor,
            workstation=workstation,
            target=alert,
            patient_id=alert.patient_id,
            before={"state": AlertState.OPEN.value},
            after={
                "state": AlertState.CLOSED.value,
                "ctcae_grade": ctcae_grade,
                "toxicity_record_id": alert.toxicity_record_id,
            },
        )
    return alert
