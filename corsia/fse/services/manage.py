"""IT staff's and the patient's actions on a document already handed to the FSE: a
refused one sent again, the patient's request to obscure it (or to lift that), its
deletion from the FSE, and a new version replacing it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.fse import audit_events as events
from corsia.fse.domain.states import FseEvent, FseState
from corsia.fse.models import FseDocument, PendingAction
from corsia.fse.services.common import (
    MANAGE,
    OBSCURE,
    defer_on_commit,
    record_event,
    snapshot,
    transition,
)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Indica il motivo.", code="reason_required", field="reason")
    return reason


def _for_update(document_id: int, expected_version: int | None) -> FseDocument:
    row = FseDocument.objects.select_for_update().filter(pk=document_id).first()
    if row is None:
        raise NotFound("Documento FSE non trovato.", code="fse_document_not_found")
    if expected_version is not None:
        row.check_version(expected_version)
    return row


def fse_document_retry(
    *,
    actor: User,
    workstation: Workstation,
    document_id: int,
    reason: str,
    expected_version: int | None = None,
) -> FseDocument:
    """A failed document sent again once its cause is mended: its attempts start again
    from the step it had reached (a validated and signed PDF is not redone)."""
    require_permission(actor, MANAGE)
    reason = _reason(reason)
    with transaction.atomic():
        row = _for_update(document_id, expected_version)
        if row.state != FseState.FAILED.value:
            raise ConflictError(
                "Si ritenta solo un documento in errore.", code="fse_document_not_retriable"
            )
        row.attempts = 0
        row.next_attempt_at = timezone.now()
        if not row.pending_action:
            row.pending_action = PendingAction.REPLACE if row.replaces_id else PendingAction.PUBLISH
        # back where it stopped: a signed PDF is published, else it is validated again
        transition(
            row,
            FseEvent.RESUME if row.pdf_sha256 else FseEvent.RETRY,
            audit=events.DOCUMENT_RETRIED,
            actor=actor,
            workstation=workstation,
            reason=reason,
            fields=("attempts", "next_attempt_at", "pending_action"),
        )
        row.updated_by = actor
        row.save(update_fields=["updated_by"])
        defer_on_commit(row.pk)
    return row


def fse_document_obscure(
    *,
    actor: User,
    workstation: Workstation,
    document_id: int,
    obscured: bool,
    reason: str,
    expected_version: int | None = None,
) -> FseDocument:
    """The patient asks that the document be obscured on the FSE (event code P99), or
    lifts it: before publication the metadata will say so; after it, the gateway's
    metadata update is sent."""
    require_permission(actor, OBSCURE)
    reason = _reason(reason)
    with transaction.atomic():
        row = _for_update(document_id, expected_version)
        if row.state in (FseState.DELETED.value, FseState.REPLACED.value):
            raise ConflictError("Il documento non è più sul FSE.", code="fse_document_closed")
        if row.obscured == obscured:
            return row
        before = snapshot(row)
        row.obscured = obscured
        row.version += 1
        row.updated_by = actor
        fields = ["obscured", "version", "updated_by", "updated_at"]
        if row.state == FseState.PUBLISHED.value:
            row.pending_action = PendingAction.METADATA
            row.attempts = 0
            row.next_attempt_at = timezone.now()
            fields += ["pending_action", "attempts", "next_attempt_at"]
            defer_on_commit(row.pk)
        row.save(update_fields=fields)
        record_event(
            row,
            "obscured" if obscured else "unobscured",
            before=row.state,
            actor=actor,
            workstation=workstation,
        )
        audit_record(
            event=events.DOCUMENT_OBSCURED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=row.patient_id,
            before=before,
            after=snapshot(row),
            reason=reason,
        )
    return row


def fse_document_delete(
    *,
    actor: User,
    workstation: Workstation,
    document_id: int,
    reason: str,
    expected_version: int | None = None,
) -> FseDocument:
    """Ask the gateway to delete a published document from the FSE (the row stays)."""
    require_permission(actor, MANAGE)
    reason = _reason(reason)
    with transaction.atomic():
        row = _for_update(document_id, expected_version)
        if row.state != FseState.PUBLISHED.value:
            raise ConflictError(
                "Si elimina dal FSE solo un documento pubblicato.",
                code="fse_document_not_published",
            )
        before = snapshot(row)
        row.pending_action = PendingAction.DELETE
        row.attempts = 0
        row.next_attempt_at = timezone.now()
        row.version += 1
        row.updated_by = actor
        row.save(
            update_fields=[
                "pending_action",
                "attempts",
                "next_attempt_at",
                "version",
                "updated_by",
                "updated_at",
            ]
        )
        record_event(
            row, "delete_requested", before=row.state, actor=actor, workstation=workstation
        )
        audit_record(
            event=events.DOCUMENT_DELETED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=row.patient_id,
            before=before,
            after=snapshot(row),
            reason=reason,
        )
        defer_on_commit(row.pk)
    return row
