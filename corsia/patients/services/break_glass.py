"""Break-the-glass: a clinician outside a patient's care (``care`` scope) opens the patient
for a while, with a category and a reason; the privacy officer reviews each access.

The patient is named by an exact code (codice fiscale, STP/ENI, MRN, wristband), never by
id or name: the search page offers it only when such a code finds a patient out of the
user's scope, so no name leaks and no id can be probed."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.audit.services import access_log_record, audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients import audit_events as events
from corsia.patients.models import BreakGlassCategory, BreakGlassGrant, BreakGlassOutcome
from corsia.patients.scope import is_care_scoped, patient_in_scope
from corsia.patients.selectors import patient_by_code
from corsia.patients.services.patient import VIEW

REVIEW = "patients.review_break_glass"
REASON_MAX = 500


def _reason(text: str, *, required_message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(required_message, code="reason_required", field="reason")
    if len(text) > REASON_MAX:
        raise ValidationFailed(
            f"Il motivo è troppo lungo (al massimo {REASON_MAX} caratteri).",
            code="reason_too_long",
            field="reason",
        )
    return text


def break_glass_request(
    *,
    actor: User,
    workstation: Workstation,
    code: str,
    category: str,
    reason: str,
    channel: str = "web",
) -> BreakGlassGrant:
    """Open the patient named by ``code`` to ``actor`` for ``CORSIA_BREAK_GLASS_HOURS``."""
    require_permission(actor, VIEW)
    if not is_care_scoped(actor):
        raise ValidationFailed(
            "Il tuo ruolo non prevede l'accesso di emergenza.", code="break_glass_not_applicable"
        )
    if category not in BreakGlassCategory.values:
        raise ValidationFailed(
            "Scegli la categoria dell'accesso.", code="category_unknown", field="category"
        )
    reason = _reason(reason, required_message="Indica il motivo dell'accesso di emergenza.")
    patient = patient_by_code(code)
    if patient is None:
        raise NotFound("Paziente non trovato.", code="patient_not_found")
    if patient_in_scope(actor, patient.pk):
        raise ValidationFailed(
            "Il paziente è già nel tuo ambito di cura.", code="patient_already_in_scope"
        )
    now = timezone.now()
    hours = int(getattr(settings, "CORSIA_BREAK_GLASS_HOURS", 4))
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=actor,
            patient=patient,
            category=category,
            reason=reason,
            workstation=workstation_label(workstation),
            granted_at=now,
            expires_at=now + timedelta(hours=hours),
        )
        audit_record(
            event=events.BREAK_GLASS_GRANTED,
            actor=actor,
            workstation=workstation,
            target=grant,
            patient_id=patient.pk,
            after={"category": category, "expires_at": grant.expires_at.isoformat()},
            reason=reason,
        )
        access_log_record(
            user=actor,
            patient_id=patient.pk,
            what=f"accesso di emergenza (break-the-glass): {grant.get_category_display()}",
            workstation=workstation,
            channel=channel,
        )
    return grant


def break_glass_review(
    *, actor: User, workstation: Workstation, grant_id: int, outcome: str, note: str
) -> BreakGlassGrant:
    """The privacy officer's judgement on one access: justified or not, with a note."""
    require_permission(actor, REVIEW)
    if outcome not in (BreakGlassOutcome.JUSTIFIED, BreakGlassOutcome.NOT_JUSTIFIED):
        raise ValidationFailed("Scegli l'esito.", code="outcome_unknown", field="outcome")
    note = _reason(note, required_message="Scrivi la nota della revisione.")
    with transaction.atomic():
        grant = BreakGlassGrant.objects.select_for_update().filter(pk=grant_id).first()
        if grant is None:
            raise NotFound("Accesso non trovato.", code="break_glass_not_found")
        if grant.reviewed_at is not None:
            raise ValidationFailed(
                "Questo accesso è già stato rivisto.", code="break_glass_already_reviewed"
            )
        if grant.user_id == actor.pk:
            raise ValidationFailed(
                "Non puoi rivedere un tuo accesso.", code="break_glass_own_review"
            )
        grant.outcome = outcome
        grant.review_note = note
        grant.reviewed_by = actor
        grant.reviewed_at = timezone.now()
        grant.save(
            update_fields=["outcome", "review_note", "reviewed_by", "reviewed_at", "updated_at"]
        )
        audit_record(
            event=events.BREAK_GLASS_REVIEWED,
            actor=actor,
            workstation=workstation,
            target=grant,
            patient_id=grant.patient_id,
            after={"outcome": outcome},
            reason=note,
        )
    return grant
