"""JSON API of the document archive: /api/v1/documents/…"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from corsia.core.access import api_perm
from corsia.core.schemas import IsoDatetime
from corsia.core.web import reading
from corsia.documents import selectors

router = Router(tags=["documents"])
VIEW = "documents.view_document"


class SignatureOut(Schema):
    signed: bool
    valid: bool
    intact: bool
    trusted: bool
    covers_whole_file: bool
    signer_name: str
    certificate_subject: str
    signing_time: IsoDatetime | None
    reason: str
    summary: str
    error: str


class VersionOut(Schema):
    id: int
    version: int
    created_at: IsoDatetime
    signed: bool


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    patient_id: int | None
    source_app: str
    source_model: str
    source_id: str
    template_code: str
    template_version: int
    sha256: str
    stored_hash_matches: bool
    mime_type: str
    size: int
    created_by: str
    created_at: IsoDatetime
    workstation: str
    signed: bool
    signer: str | None
    signed_at: IsoDatetime | None
    signature_reason: str
    chain: UUID
    version: int
    supersedes_id: int | None
    superseded_by_id: int | None
    correction_reason: str
    filename: str
    signature: SignatureOut
    versions: list[VersionOut]


class DocumentSummaryOut(Schema):
    id: int
    kind: str
    title: str
    patient_id: int | None
    version: int
    created_at: IsoDatetime
    signed: bool
    superseded: bool


@router.get("/mine", response=list[DocumentSummaryOut])
@api_perm(VIEW)
def my_recent_documents(request: HttpRequest) -> list[DocumentSummaryOut]:
    """The documents the caller created or signed in the last 30 days (the archive's front
    page); naming their patients is logged as a read of each."""
    documents = selectors.my_recent_documents(**reading(request))
    superseded = selectors.superseded_ids(documents)
    return [
        DocumentSummaryOut(
            id=d.pk,
            kind=d.kind,
            title=d.title,
            patient_id=d.patient_id,
            version=d.version,
            created_at=d.created_at,
            signed=d.signed,
            superseded=d.pk in superseded,
        )
        for d in documents
    ]


@router.get("/{document_id}", response=DocumentOut)
@api_perm(VIEW)
def document_detail(request: HttpRequest, document_id: int) -> DocumentOut:
    view = selectors.document_view(**reading(request), document_id=document_id)
    d, report = view.document, view.signature
    following = next((v for v in view.versions if v.supersedes_id == d.pk), None)
    return DocumentOut(
        id=d.pk,
        kind=d.kind,
        title=d.title,
        patient_id=d.patient_id,
        source_app=d.source_app,
        source_model=d.source_model,
        source_id=d.source_id,
        template_code=d.template_code,
        template_version=d.template_version,
        sha256=d.sha256,
        stored_hash_matches=view.stored_hash_matches,
        mime_type=d.mime_type,
        size=d.size,
        created_by=d.created_by.username,
        created_at=d.created_at,
        workstation=d.workstation,
        signed=d.signed,
        signer=d.signer.username if d.signer else None,
        signed_at=d.signed_at,
        signature_reason=d.signature_reason,
        chain=d.chain,
        version=d.version,
        supersedes_id=d.supersedes_id,
        superseded_by_id=following.pk if following else None,
        correction_reason=d.correction_reason,
        filename=view.filename,
        signature=SignatureOut(
            signed=report.signed,
            valid=report.valid,
            intact=report.intact,
            trusted=report.trusted,
            covers_whole_file=report.covers_whole_file,
            signer_name=report.signer_name,
            certificate_subject=report.certificate_subject,
            signing_time=report.signing_time,
            reason=report.reason,
            summary=report.summary_it,
            error=report.error,
        ),
        versions=[
            VersionOut(id=v.pk, version=v.version, created_at=v.created_at, signed=v.signed)
            for v in view.versions
        ],
    )
