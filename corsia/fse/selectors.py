"""Reads of the FSE documents for IT staff's page and API: each document's state, attempts
and errors. A document of a masked stay hidden from the reader is left out of every list
(``patients.selectors.outside_hidden_stays``, by the period the document covers); opening
one writes the access log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.fse.models import FseDocument, FseDocumentStep
from corsia.fse.services import VIEW
from corsia.patients.selectors import outside_hidden_stays

_PERIOD = {"field": "service_start", "until_field": "service_end"}


@dataclass(frozen=True)
class DocumentFilter:
    state: str = ""
    patient_id: int | None = None


def _visible(user: User) -> QuerySet[FseDocument]:
    rows = FseDocument.objects.defer("cda", "pdf")
    return outside_hidden_stays(rows, user=user, **_PERIOD)


def documents_list(
    *, user: User, filters: DocumentFilter = DocumentFilter()
) -> QuerySet[FseDocument]:
    require_permission(user, VIEW)
    rows = _visible(user)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.patient_id is not None:
        rows = rows.filter(patient_id=filters.patient_id)
    return rows.order_by("-created_at", "-pk")[:500]


def document_counts(*, user: User) -> dict[str, int]:
    require_permission(user, VIEW)
    counts: dict[str, int] = {}
    for state in _visible(user).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


@dataclass(frozen=True)
class DocumentDetail:
    document: FseDocument
    events: list[FseDocumentStep]


def document_detail(
    *, user: User, document_id: int, workstation: Workstation = None, channel: str = "web"
) -> DocumentDetail:
    require_permission(user, VIEW)
    row = _visible(user).filter(pk=document_id).first()
    if row is None:
        raise NotFound("Documento FSE non trovato.", code="fse_document_not_found")
    access_log_record(
        user=user,
        patient_id=row.patient_id,
        what=f"documento FSE {row.pk} ({row.document_type})",
        workstation=workstation,
        channel=channel,
    )
    return DocumentDetail(row, list(row.steps.order_by("at", "pk")))
