"""The patient's own copies of archived documents, for the patient portal
(``corsia.portal``), which decides which ones were released to the patient and logs the
patient's reads: frozen data, no table of this module outside it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from corsia.documents.models import Document
from corsia.documents.selectors import filename_of


@dataclass(frozen=True)
class PatientDocument:
    document_id: int
    title: str
    kind: str
    created_at: datetime
    filename: str
    mime_type: str
    size: int
    signed: bool


def _copy(document: Document) -> PatientDocument:
    return PatientDocument(
        document_id=document.pk,
        title=document.title,
        kind=document.kind,
        created_at=document.created_at,
        filename=filename_of(document),
        mime_type=document.mime_type,
        size=document.size,
        signed=document.signed,
    )


def patient_documents_among(
    *, patient_id: int, document_ids: Iterable[int]
) -> list[PatientDocument]:
    """Those of ``document_ids`` that belong to the patient, newest first."""
    rows = (
        Document.objects.defer("content")
        .select_related("patient")
        .filter(patient_id=patient_id, pk__in=list(document_ids))
        .order_by("-created_at", "-id")
    )
    return [_copy(row) for row in rows]


def patient_document_content(
    *, patient_id: int, document_id: int
) -> tuple[PatientDocument, bytes] | None:
    """The patient's own document and its bytes; ``None`` when it is not theirs."""
    row = (
        Document.objects.select_related("patient")
        .filter(pk=document_id, patient_id=patient_id)
        .first()
    )
    if row is None:
        return None
    return _copy(row), bytes(row.content)
