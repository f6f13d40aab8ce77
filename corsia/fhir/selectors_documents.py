"""The FHIR server's reads of the clinical documents: DocumentReference (the archive's
signed PDFs, the superseded versions left out) and the PDF itself (Binary)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.documents.selectors import (
    document_content,
    document_get,
    patient_documents,
    superseded_ids,
)
from corsia.fhir.domain import orders as fhir_orders
from corsia.fhir.domain import resources as fhir
from corsia.fhir.domain.outcome import Resource, ResourceNotFound
from corsia.fhir.domain.search import (
    interval_of,
    resource_id,
)
from corsia.fhir.selectors_common import (
    CHANNEL,
    VIEW_DOCUMENTS,
    _statuses,
    _within,
    hospital_zone,
)

if TYPE_CHECKING:
    from corsia.patients.models import Patient


def _document_references(
    user: User, patient: Patient, params: Mapping[str, list[str]], workstation: Workstation
) -> list[Resource]:
    """The patient's signed documents (every version; the superseded ones ``superseded``),
    newest first; none about a masked stay (``documents.hidden``). Logged by the archive's
    own selector ("elenco documenti archiviati")."""
    statuses = _statuses(params)
    when = interval_of(params.get("date", []), hospital_zone())
    documents = [
        d
        for d in patient_documents(
            user=user, patient_id=patient.pk, workstation=workstation, channel=CHANNEL
        )
        if d.signed and d.signed_at is not None
    ]
    replaced = superseded_ids(documents)
    found = []
    for d in documents:
        assert d.signed_at is not None  # filtered above
        resource = fhir_orders.document_reference_resource(
            fhir_orders.DocumentFacts(
                id=d.pk,
                patient_id=patient.pk,
                kind=d.kind,
                title=d.title,
                mime_type=d.mime_type,
                size=d.size,
                signed_at=d.signed_at,
                signer_name=(d.signer.get_full_name() or d.signer.username) if d.signer else "",
                version=d.version,
                supersedes_id=d.supersedes_id,
                superseded=d.pk in replaced,
            )
        )
        if statuses is not None and resource["status"] not in statuses:
            continue
        if _within(d.signed_at, when):
            found.append(fhir.with_last_updated(resource, d.signed_at))
    return found


def document_pdf(*, user: User, raw_id: str, workstation: Workstation) -> tuple[str, bytes]:
    """A signed document's bytes (``Binary/<id>``): the archive's download, with its
    permission, scope, masking and access log; an unsigned one is not served."""
    require_permission(user, VIEW_DOCUMENTS)
    document_id = resource_id(raw_id)
    try:
        if document_id is None or not document_get(user=user, document_id=document_id).signed:
            raise NotFound("not found")
        document, content = document_content(
            user=user, document_id=document_id, workstation=workstation, channel=CHANNEL
        )
    except NotFound as error:
        raise ResourceNotFound(f"Binary/{raw_id[:64]} not found") from error
    return document.mime_type, content
