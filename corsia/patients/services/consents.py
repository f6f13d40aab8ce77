"""Consents: recorded as the patient gives them, revoked at the patient's request."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients import audit_events as events
from corsia.patients.models import Consent, ConsentKind, DocumentType
from corsia.patients.selectors import is_masked
from corsia.patients.services.patient import CONSENT, ensure_not_merged, locked_patient, today


def consent_record(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    kind: str,
    granted: bool,
    given_on: date | None = None,
) -> Consent:
    require_permission(actor, CONSENT)
    if kind not in ConsentKind.values:
        raise ValidationFailed(
            "Tipo di consenso non valido.", code="consent_kind_invalid", field="kind"
        )
    day = given_on or today()
    if day > today():
        raise ValidationFailed(
            "La data del consenso non può essere nel futuro.",
            code="consent_in_future",
            field="given_on",
        )
    with transaction.atomic():
        patient = locked_patient(patient_id)
        ensure_not_merged(patient)
        consent = Consent.objects.create(
            patient=patient, kind=kind, granted=granted, given_on=day, collected_by=actor
        )
        audit_record(
            event=events.CONSENT_RECORDED,
            actor=actor,
            workstation=workstation,
            target=consent,
            patient_id=patient.pk,
            after={"kind": kind, "granted": granted, "given_on": day.isoformat()},
        )
    return consent


def consent_revoke(
    *, actor: User, workstation: Workstation, consent_id: int, reason: str
) -> Consent:
    """Revoke a consent; the reason (the patient's request) is required. A masked consent
    is "not found" (hidden from the care team): its masking must be revoked first."""
    require_permission(actor, CONSENT)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Indica il motivo della revoca del consenso.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        consent = Consent.objects.select_for_update().filter(pk=consent_id).first()
        if consent is None or is_masked(
            document_type=DocumentType.CONSENT.value, document_id=consent.pk
        ):
            raise NotFound("Consenso non trovato.", code="consent_not_found")
        if consent.revoked_at is not None:
            raise ValidationFailed(
                "Il consenso è già stato revocato.", code="consent_already_revoked"
            )
        consent.revoked_at = timezone.now()
        consent.revoked_by = actor
        consent.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            event=events.CONSENT_REVOKED,
            actor=actor,
            workstation=workstation,
            target=consent,
            patient_id=consent.patient_id,
            after={"kind": consent.kind, "revoked_at": consent.revoked_at.isoformat()},
            reason=reason,
        )
    return consent
