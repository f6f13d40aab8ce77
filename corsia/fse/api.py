"""JSON API of the FSE documents for IT staff: /api/v1/fse/documents (list, one, retry)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from corsia.core.access import api_perm
from corsia.core.paging import api_page
from corsia.core.schemas import BoundedInt, IsoDatetime, Reason
from corsia.core.web import acting, reading, request_actor
from corsia.fse import selectors, services
from corsia.fse.models import FseDocument
from corsia.fse.selectors import DocumentFilter, LetterNotSent

router = Router(tags=["fse"])


class DocumentOut(Schema):
    id: int
    patient_id: int
    letter_id: int | None
    document_type: str
    identificativo_doc: str
    state: str
    pending_action: str
    attempts: int
    next_attempt_at: IsoDatetime
    workflow_instance_id: str
    validated_at: IsoDatetime | None
    published_at: IsoDatetime | None
    gateway_status: str
    obscured: bool
    http_status: int | None
    error_code: str
    error_text: str
    error_body: dict[str, Any]
    cda_sha256: str
    pdf_sha256: str
    version: int


class EventOut(Schema):
    at: IsoDatetime
    event: str
    state_before: str
    state_after: str
    http_status: int | None
    detail: dict[str, Any]


class DocumentDetailOut(DocumentOut):
    events: list[EventOut]


class RetryIn(Schema):
    reason: Reason
    expected_version: int | None = None


class ResendIn(Schema):
    reason: Reason


def _out(row: FseDocument) -> dict[str, Any]:
    return {name: getattr(row, name) for name in DocumentOut.model_fields if name != "id"} | {
        "id": row.pk
    }


class DocumentPage(Schema):
    """A page of documents: ``count`` in all, ``limit`` from ``offset``."""

    count: int
    limit: int
    offset: int
    items: list[DocumentOut]


@router.get("/documents", response=DocumentPage)
@api_perm(services.VIEW)
def documents(
    request: HttpRequest, state: str = "", limit: BoundedInt = 100, offset: BoundedInt = 0
) -> dict[str, Any]:
    """The documents sent or to send to the FSE, the newest first, ``limit`` (1–500) from
    ``offset`` and ``count`` in all; ``state`` one of them."""
    rows = selectors.documents_list(
        user=request_actor(request), filters=DocumentFilter(state=state)
    )
    page = api_page(rows, limit=limit, offset=offset)
    return {**page, "items": [_out(row) for row in page["items"]]}


@router.get("/documents/{document_id}", response=DocumentDetailOut)
@api_perm(services.VIEW)
def document(request: HttpRequest, document_id: int) -> dict[str, Any]:
    detail = selectors.document_detail(**reading(request), document_id=document_id)
    return _out(detail.document) | {
        "events": [
            {
                "at": e.at,
                "event": e.event,
                "state_before": e.state_before,
                "state_after": e.state_after,
                "http_status": e.http_status,
                "detail": e.detail,
            }
            for e in detail.events
        ]
    }


@router.post("/documents/{document_id}/retry", response=DocumentOut)
@api_perm(services.MANAGE)
def retry(request: HttpRequest, document_id: int, payload: RetryIn) -> dict[str, Any]:
    row = services.fse_document_retry(
        **acting(request),
        document_id=document_id,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _out(row)


@router.get("/letters-not-sent", response=list[LetterNotSent])  # the selector's own rows
@api_perm(services.VIEW)
def letters_not_sent(request: HttpRequest) -> list[LetterNotSent]:
    return list(selectors.letters_not_sent(**reading(request)))


@router.post("/letters/{letter_id}/send", response={201: DocumentOut})
@api_perm(services.MANAGE)
def letter_resend(
    request: HttpRequest, letter_id: int, payload: ResendIn
) -> tuple[int, dict[str, Any]]:
    row = services.fse_letter_resend(**acting(request), letter_id=letter_id, reason=payload.reason)
    return 201, _out(row)
