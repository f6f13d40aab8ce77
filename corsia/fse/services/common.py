"""What every FSE service shares: the permissions, a transition recorded with its event
and audit record, the facts the gateway is told, and the send job deferred."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.audit.domain.events import EventType
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, workstation_label
from corsia.fse.attachment import cda_facts
from corsia.fse.domain.metadata import DocumentFacts
from corsia.fse.domain.states import FseEvent, FseState, next_state
from corsia.fse.models import FseDocument, FseDocumentStep

log = logging.getLogger("corsia.fse")

VIEW = "fse.view_documents"  # IT staff: the list, one document, its errors
MANAGE = "fse.manage_documents"  # IT staff: retry, delete from the FSE
PUBLISH = "fse.publish_document"  # who signs the letter: send it to the FSE
OBSCURE = "patients.mask_document"  # the patient's request to obscure (oscuramento)

SEND_TASK = "corsia.fse.send"


def snapshot(row: FseDocument) -> dict[str, Any]:
    return {
        "state": row.state,
        "pending_action": row.pending_action,
        "attempts": row.attempts,
        "workflow_instance_id": row.workflow_instance_id,
        "identificativo_doc": row.identificativo_doc,
        "cda_sha256": row.cda_sha256,
        "pdf_sha256": row.pdf_sha256,
        "obscured": row.obscured,
        "error_code": row.error_code,
        "http_status": row.http_status,
    }


def record_event(
    row: FseDocument,
    event: str,
    *,
    before: str = "",
    actor: User | None = None,
    workstation: Workstation = None,
    http_status: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    FseDocumentStep.objects.create(
        document=row,
        event=event,
        state_before=before,
        state_after=row.state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        workstation=workstation_label(workstation) if workstation else "",
        http_status=http_status,
        detail=detail or {},
    )


def transition(
    row: FseDocument,
    event: FseEvent,
    *,
    audit: EventType | None = None,
    actor: User | None = None,
    workstation: Workstation = None,
    http_status: int | None = None,
    detail: dict[str, Any] | None = None,
    reason: str = "",
    fields: tuple[str, ...] = (),
) -> None:
    """Move ``row`` (locked by the caller, inside its transaction) through the table, save
    it, and write its event and, when named, its audit record."""
    before_state = row.state
    before = snapshot(row)
    row.state = next_state(row.state, event).value
    row.version += 1
    row.save(update_fields=["state", "version", "updated_at", *fields])
    record_event(
        row,
        event.value,
        before=before_state,
        actor=actor,
        workstation=workstation,
        http_status=http_status,
        detail=detail,
    )
    if audit is not None:
        audit_record(
            event=audit,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=row.patient_id,
            before=before,
            after=snapshot(row),
            reason=reason,
        )


def facts_of(row: FseDocument, *, consent: bool | None = None) -> DocumentFacts:
    cda = cda_facts(bytes(row.cda))
    return DocumentFacts(
        document_code=row.document_code,
        document_number=str(row.pk),
        submission_number=f"{row.pk}.{row.version}",
        patient_cf=cda.patient_cf if cda else "",
        author_cf=cda.author_cf if cda else "",
        author_role=settings.CORSIA_FSE_SUBJECT_ROLE,
        practice_setting=row.practice_setting,
        service_start=row.service_start,
        service_stop=row.service_end,
        obscured=row.obscured,
        consent=row.consent if consent is None else consent,
    )


def defer_send(document_id: int, at: datetime | None = None) -> None:
    """The send job (at most one waiting per document: the queueing lock)."""
    from procrastinate import exceptions
    from procrastinate.contrib.django import app

    try:
        with transaction.atomic():  # a refused queueing lock must not abort the caller's
            app.configure_task(
                SEND_TASK, queue="fse", queueing_lock=f"fse-{document_id}", schedule_at=at
            ).defer(document_id=document_id)
    except exceptions.AlreadyEnqueued:
        pass
    except Exception:  # the queue unreachable: the periodic sweep defers it again
        log.exception("FSE document %s: send job not deferred", document_id)


def defer_on_commit(document_id: int) -> None:
    transaction.on_commit(lambda: defer_send(document_id))


def now() -> datetime:
    return timezone.now()


__all__ = ["FseState"]
