"""The worker's side: one attempt at the next step of a document's way to the FSE.

* **Claimed** in a short transaction (``select_for_update(skip_locked)`` and a lease on
  ``next_attempt_at``): two workers, or a worker and IT staff's retry, never act on the
  same document at once — a publication goes out once.
* **No transaction across the network**: each gateway call is made between two
  transactions, its answer recorded in the second.
* Steps: validation by the gateway (activity VALIDATION, the PDF with ``cda.xml``) →
  the PDF signed PAdES (the CDA inside checked against the hash validated) → publication
  (or replace) with the XDS metadata; a metadata update or a delete when asked.
* **Answers**: 2xx moves on; 5xx, 429 and no answer are retried with exponential backoff
  (``CORSIA_FSE_RETRY_BASE_SECONDS`` doubling, capped at ``…_CAP_SECONDS``) up to
  ``CORSIA_FSE_MAX_ATTEMPTS``; any other 4xx is a refusal: ``failed`` with the gateway's
  error as returned, shown to IT staff, retried only by them once the cause is mended.
* **The 5-day window**: a validation older than 5 days is done again before publishing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.documents.rendering import render_pdf
from corsia.documents.signing import sign_pdf
from corsia.fse import audit_events as events
from corsia.fse.attachment import (
    AttachmentMissing,
    cda_text_sections,
    embed_cda,
    extract_cda,
    sha256,
)
from corsia.fse.domain.metadata import DocumentFacts, metadata_update_body, publication_body
from corsia.fse.domain.retry import backoff, is_transient, validation_expired
from corsia.fse.domain.states import FseEvent, FseState
from corsia.fse.gateway import GatewayAnswer, gateway_client
from corsia.fse.models import FseDocument, PendingAction
from corsia.fse.services.common import (
    defer_send,
    facts_of,
    record_event,
    snapshot,
    transition,
)
from corsia.patients.selectors import patient_record

SIGNATURE_REASON = "Pubblicazione sul Fascicolo Sanitario Elettronico"
_KIND = {"LDO": "discharge_letter", "RSA": "outpatient_report"}


# --- claiming -----------------------------------------------------------------------------


def _claim(document_id: int, now: datetime) -> FseDocument | None:
    with transaction.atomic():
        row = (
            FseDocument.objects.select_for_update(skip_locked=True)
            .filter(pk=document_id, next_attempt_at__lte=now)
            .exclude(pending_action=PendingAction.NONE)
            .exclude(state=FseState.FAILED.value)
            .first()
        )
        if row is None:
            return None
        row.attempts += 1
        row.last_attempt_at = now
        # the lease: nobody else tries it until this attempt is over (or has died)
        row.next_attempt_at = now + timedelta(seconds=4 * settings.CORSIA_FSE_TIMEOUT_SECONDS + 60)
        row.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
        return row


def _locked(document_id: int) -> FseDocument:
    return FseDocument.objects.select_for_update().get(pk=document_id)


def _error_fields(row: FseDocument, answer: GatewayAnswer | None, code: str, text: str) -> None:
    row.http_status = answer.status if answer is not None else None
    row.error_code = code
    row.error_text = text
    row.error_body = dict(answer.body) if answer is not None and answer.body else {}


ERROR_FIELDS = ("http_status", "error_code", "error_text", "error_body")


def _refuse(document_id: int, answer: GatewayAnswer | None, code: str, text: str) -> FseDocument:
    """A refusal (4xx or a local check): ``failed``, the error kept as returned."""
    with transaction.atomic():
        row = _locked(document_id)
        _error_fields(row, answer, code, text)
        if row.state == FseState.PUBLISHED.value:  # a metadata update or delete refused
            row.pending_action = PendingAction.NONE
            row.save(update_fields=[*ERROR_FIELDS, "pending_action"])
            record_event(
                row, "refused", before=row.state, http_status=row.http_status, detail=row.error_body
            )
            return row
        transition(
            row,
            FseEvent.REFUSE,
            audit=events.DOCUMENT_FAILED,
            http_status=row.http_status,
            detail={"code": code, "error": text, "answer": row.error_body},
            fields=ERROR_FIELDS,
        )
    return row


def _again_later(document_id: int, answer: GatewayAnswer) -> FseDocument:
    """No answer, 5xx or 429: try again after the backoff, or fail at the cap."""
    code = "gateway_unavailable" if answer.status is None else f"http_{answer.status}"
    with transaction.atomic():
        row = _locked(document_id)
        if row.attempts < settings.CORSIA_FSE_MAX_ATTEMPTS:
            _error_fields(row, answer, code, answer.error_text)
            if row.state == FseState.PUBLISHING.value:
                transition(
                    row,
                    FseEvent.RELEASE,
                    http_status=answer.status,
                    detail={"error": answer.error_text},
                    fields=ERROR_FIELDS,
                )
            else:
                row.save(update_fields=list(ERROR_FIELDS))
                record_event(
                    row,
                    "retry_scheduled",
                    before=row.state,
                    http_status=answer.status,
                    detail={"error": answer.error_text},
                )
            row.next_attempt_at = timezone.now() + backoff(
                attempts=row.attempts,
                base_seconds=settings.CORSIA_FSE_RETRY_BASE_SECONDS,
                cap_seconds=settings.CORSIA_FSE_RETRY_CAP_SECONDS,
            )
            row.save(update_fields=["next_attempt_at"])
            at = row.next_attempt_at
            transaction.on_commit(lambda: defer_send(document_id, at=at))
            return row
    return _refuse(
        document_id,
        answer,
        "fse_attempts_exhausted",
        f"Tentativi esauriti ({settings.CORSIA_FSE_MAX_ATTEMPTS}); ultimo: {answer.error_text}",
    )


def _failed_answer(document_id: int, answer: GatewayAnswer) -> FseDocument:
    if is_transient(answer.status):
        return _again_later(document_id, answer)
    problem = str(answer.body.get("type") or f"http_{answer.status}")
    return _refuse(document_id, answer, problem, answer.error_text)


# --- the PDF ------------------------------------------------------------------------------


def _readable_pdf(row: FseDocument) -> bytes:
    """The human-readable part: the CDA's sections in the clinical letter's layout."""
    patient = patient_record(patient_id=row.patient_id)
    context: dict[str, Any] = {
        "title": row.title or row.document_type,
        "sections": [
            {"heading": title or "—", "rows": [{"label": "", "value": text or "—"}]}
            for title, text in cda_text_sections(bytes(row.cda))
        ],
        "hospital_name": settings.CORSIA_HOSPITAL_NAME,
        "patient": {
            "name": f"{patient.surname} {patient.given_names}",
            "mrn": patient.mrn,
            "date_of_birth": patient.date_of_birth,
        },
        "document": {"kind": _KIND.get(row.document_type, ""), "version": 1},
        "signature": {"signed": True, "signer": _signer(row), "reason": SIGNATURE_REASON},
    }
    return render_pdf("clinical_letter", context)


def _signer(row: FseDocument) -> str:
    return row.created_by.get_full_name() or row.created_by.username


def _unsigned_pdf(row: FseDocument) -> bytes:
    return embed_cda(_readable_pdf(row), bytes(row.cda), at=timezone.now())


def _embedded_matches(pdf: bytes, row: FseDocument) -> bool:
    try:
        return sha256(extract_cda(pdf)) == row.cda_sha256
    except AttachmentMissing:
        return False


# --- steps --------------------------------------------------------------------------------


def _validate(row: FseDocument, pdf: bytes) -> FseDocument:
    answer = gateway_client().validate(pdf, facts_of(row))
    if not answer.ok or not answer.workflow_instance_id:
        return _failed_answer(row.pk, answer)
    with transaction.atomic():
        row = _locked(row.pk)
        row.workflow_instance_id = answer.workflow_instance_id
        row.validated_at = timezone.now()
        fields = ("workflow_instance_id", "validated_at")
        detail = {
            "workflowInstanceId": answer.workflow_instance_id,
            "warning": answer.body.get("warning", ""),
        }
        if row.state == FseState.QUEUED.value:
            transition(
                row,
                FseEvent.VALIDATE,
                audit=events.DOCUMENT_VALIDATED,
                http_status=answer.status,
                detail=detail,
                fields=fields,
            )
        else:  # the 5-day window passed: validated again, the signed PDF unchanged
            transition(
                row,
                FseEvent.REVALIDATE,
                audit=events.DOCUMENT_VALIDATED,
                http_status=answer.status,
                detail=detail,
                fields=fields,
            )
    return row


def _sign(row: FseDocument) -> FseDocument:
    pdf = sign_pdf(
        _unsigned_pdf(row),
        signer_name=_signer(row),
        reason=SIGNATURE_REASON,
        location=settings.CORSIA_HOSPITAL_NAME,
    )
    if not _embedded_matches(pdf, row):
        return _refuse(
            row.pk, None, "cda_hash_mismatch", "Il CDA nel PDF firmato non è quello validato."
        )
    with transaction.atomic():
        row = _locked(row.pk)
        row.pdf = pdf
        row.pdf_sha256 = sha256(pdf)
        row.signed_at = timezone.now()
        transition(
            row,
            FseEvent.SIGN,
            audit=events.DOCUMENT_SIGNED,
            detail={"pdf_sha256": row.pdf_sha256},
            fields=("pdf", "pdf_sha256", "signed_at"),
        )
    return row


def _publish(row: FseDocument) -> FseDocument:
    pdf = bytes(row.pdf)
    if not _embedded_matches(pdf, row):
        # what would leave is not what the gateway validated: never sent
        return _refuse(
            row.pk,
            None,
            "cda_hash_mismatch",
            "Il CDA contenuto nel PDF da pubblicare non è quello validato: pubblicazione rifiutata.",
        )
    if validation_expired(validated_at=row.validated_at, now=timezone.now()):
        row = _validate(row, pdf)
        if row.state != FseState.SIGNED.value or validation_expired(
            validated_at=row.validated_at, now=timezone.now()
        ):
            return row
    with transaction.atomic():
        row = _locked(row.pk)
        if row.state != FseState.SIGNED.value:
            return row
        transition(row, FseEvent.CLAIM)
    facts = facts_of(row)
    body = publication_body(
        gateway_client().organisation, facts, workflow_instance_id=row.workflow_instance_id
    )
    body["identificativoDoc"] = row.identificativo_doc
    client = gateway_client()
    if row.replaces_id is not None:
        old = FseDocument.objects.get(pk=row.replaces_id)
        answer = client.replace(old.identificativo_doc, pdf, facts, body)
    else:
        answer = client.publish(pdf, facts, body)
    confirmed = ""
    if answer.status == 409 and _answer_was_lost(row):
        confirmed = _published_by_status(row, facts)
    if not answer.ok and not confirmed:
        return _failed_answer(row.pk, answer)
    with transaction.atomic():
        row = _locked(row.pk)
        row.published_at = timezone.now()
        row.pending_action = PendingAction.NONE
        row.http_status = answer.status
        row.error_code = row.error_text = ""
        row.error_body = {}
        transition(
            row,
            FseEvent.ACCEPTED,
            audit=events.DOCUMENT_PUBLISHED,
            http_status=answer.status,
            detail={
                "traceID": answer.body.get("traceID", ""),
                "warning": answer.body.get("warning", ""),
                **({"confirmed_by_status": confirmed} if confirmed else {}),
            },
            fields=("published_at", "pending_action", *ERROR_FIELDS),
        )
        if row.replaces_id is not None:
            old = _locked(row.replaces_id)
            transition(
                old, FseEvent.REPLACED, audit=events.DOCUMENT_REPLACED, detail={"by": row.pk}
            )
    return row


def _answer_was_lost(row: FseDocument) -> bool:
    """The previous attempt got no answer or a 5xx: the gateway may have published before
    the answer was lost (``_again_later`` keeps that error until the next answer)."""
    return row.attempts > 1 and (
        row.error_code == "gateway_unavailable" or (row.http_status or 0) >= 500
    )


def _published_by_status(row: FseDocument, facts: DocumentFacts) -> str:
    """A 409 after a lost answer: the gateway already holds this ``identificativoDoc``.
    Published only if the gateway's own trail for the workflow says the publication (or
    replace) succeeded; anything else stays a refusal for IT staff to look at."""
    answer = gateway_client().status(row.workflow_instance_id, facts)
    if not answer.ok:
        return ""
    wanted = "REPLACE" if row.replaces_id is not None else "PUBLICATION"
    for event in answer.body.get("transactionData") or []:
        if (
            isinstance(event, dict)
            and event.get("eventType") == wanted
            and event.get("eventStatus") == "SUCCESS"
        ):
            return f"{wanted} SUCCESS"
    return ""


def _metadata(row: FseDocument) -> FseDocument:
    client = gateway_client()
    answer = client.update_metadata(
        row.identificativo_doc,
        facts_of(row),
        metadata_update_body(client.organisation, facts_of(row)),
    )
    if not answer.ok:
        return _failed_answer(row.pk, answer)
    with transaction.atomic():
        row = _locked(row.pk)
        row.pending_action = PendingAction.NONE
        row.save(update_fields=["pending_action"])
        record_event(
            row,
            "metadata_updated",
            before=row.state,
            http_status=answer.status,
            detail={"obscured": row.obscured},
        )
    return row


def _delete(row: FseDocument) -> FseDocument:
    answer = gateway_client().delete(row.identificativo_doc, facts_of(row))
    if not answer.ok:
        return _failed_answer(row.pk, answer)
    with transaction.atomic():
        row = _locked(row.pk)
        row.pending_action = PendingAction.NONE
        transition(row, FseEvent.DELETE, http_status=answer.status, fields=("pending_action",))
    return row


def fse_document_send(*, document_id: int, now: datetime | None = None) -> FseDocument | None:
    """One attempt at what the document waits for; ``None`` when there is nothing to do
    (done meanwhile, not due, claimed by another worker)."""
    row = _claim(document_id, now or timezone.now())
    if row is None:
        return None
    action = row.pending_action
    if action in (PendingAction.PUBLISH, PendingAction.REPLACE):
        if row.state == FseState.QUEUED.value:
            row = _validate(row, _unsigned_pdf(row))
        if row.state == FseState.VALIDATED.value:
            row = _sign(row)
        if row.state == FseState.SIGNED.value:
            row = _publish(row)
    elif action == PendingAction.METADATA and row.state == FseState.PUBLISHED.value:
        row = _metadata(row)
    elif action == PendingAction.DELETE and row.state == FseState.PUBLISHED.value:
        row = _delete(row)
    return row


def fse_due(*, now: datetime | None = None) -> int:
    """The periodic sweep: every document due for an attempt gets its job (one lost with a
    worker, or deferred while the queue was unreachable)."""
    moment = now or timezone.now()
    due = list(
        FseDocument.objects.filter(next_attempt_at__lte=moment)
        .exclude(pending_action=PendingAction.NONE)
        .exclude(state=FseState.FAILED.value)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        defer_send(pk)
    return len(due)


def fse_status_poll(*, document_id: int) -> FseDocument:
    """Ask the gateway how the publication went on (INI and EDS are fed asynchronously):
    the last event's type and status are kept in ``gateway_status``."""
    row = FseDocument.objects.get(pk=document_id)
    answer = gateway_client().status(row.workflow_instance_id, facts_of(row))
    if not answer.ok:
        return row
    data = answer.body.get("transactionData") or []
    last = data[-1] if data and isinstance(data[-1], dict) else {}
    status = f"{last.get('eventType', '')} {last.get('eventStatus', '')}".strip()[:60]
    with transaction.atomic():
        row = _locked(document_id)
        if status and status != row.gateway_status:
            row.gateway_status = status
            row.save(update_fields=["gateway_status"])
            record_event(
                row,
                "status",
                before=row.state,
                http_status=answer.status,
                detail={"transactionData": data},
            )
    return row


__all__ = ["fse_document_send", "fse_due", "fse_status_poll", "snapshot"]
