"""Masking (oscuramento): a document hidden from the care team at the patient's request,
and the masking revoked."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients import audit_events as events
from corsia.patients.models import Consent, DocumentType, Encounter, Masking
from corsia.patients.services.patient import MASK, ensure_not_merged, locked_patient

_DOCUMENT_MODELS: dict[str, type[Encounter] | type[Consent]] = {
    DocumentType.ENCOUNTER.value: Encounter,
    DocumentType.CONSENT.value: Consent,
}


def document_mask(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    document_type: str,
    document_id: int,
    reason: str = "",
    requested_at: datetime | None = None,
) -> Masking:
    require_permission(actor, MASK)
    model = _DOCUMENT_MODELS.get(document_type)
    if model is None:
        raise ValidationFailed(
            "Questo tipo di documento non può essere oscurato.",
            code="document_type_unknown",
            field="document_type",
        )
    with transaction.atomic():
        patient = locked_patient(patient_id)
        ensure_not_merged(patient)
        if not model.objects.filter(pk=document_id, patient=patient).exists():
            raise ValidationFailed(
                "Il documento non appartiene a questo paziente.",
                code="document_not_of_patient",
                field="document_id",
            )
        if Masking.objects.filter(
            document_type=document_type, document_id=document_id, revoked_at__isnull=True
        ).exists():
            raise ValidationFailed("Il documento è già oscurato.", code="document_already_masked")
        masking = Masking.objects.create(
            patient=patient,
            document_type=document_type,
            document_id=document_id,
            requested_at=requested_at or timezone.now(),
            reason=(reason or "").strip(),
            recorded_by=actor,
        )
        audit_record(
            event=events.DOCUMENT_MASKED,
            actor=actor,
            workstation=workstation,
            target=masking,
            patient_id=patient.pk,
            after={"document_type": document_type, "document_id": document_id},
            reason=masking.reason,
        )
    return masking


def document_unmask(
    *, actor: User, workstation: Workstation, masking_id: int, reason: str
) -> Masking:
    require_permission(actor, MASK)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Indica il motivo (la richiesta del paziente) per togliere l'oscuramento.",
            code="reason_required",
            field="reason",
        )
    with transaction.atomic():
        masking = Masking.objects.select_for_update().filter(pk=masking_id).first()
        if masking is None:
            raise NotFound("Oscuramento non trovato.", code="masking_not_found")
        if masking.revoked_at is not None:
            raise ValidationFailed(
                "L'oscuramento è già stato revocato.", code="masking_already_revoked"
            )
        masking.revoked_at = timezone.now()
        masking.revoked_by = actor
        masking.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            event=events.DOCUMENT_UNMASKED,
            actor=actor,
            workstation=workstation,
            target=masking,
            patient_id=masking.patient_id,
            after={"document_type": masking.document_type, "document_id": masking.document_id},
            reason=reason,
        )
    return masking
