"""JSON API of the document archive: /api/v1/documents/…"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from corsia.core.access import api_perm
from corsia.core.schemas import IsoDate, IsoDatetime
from corsia.core.web import acting, reading, request_actor
from corsia.documents import selectors, services
from corsia.documents.domain.fields import field_docs
from corsia.documents.domain.search import DocumentFilters

router = Router(tags=["documents"])
VIEW = "documents.view_document"
MANAGE = "documents.manage_templates"


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


class DocumentListItemOut(Schema):
    id: int
    kind: str
    title: str
    patient_id: int | None
    version: int
    template_code: str
    template_version: int
    created_by: str
    created_at: IsoDatetime
    signed: bool
    superseded: bool


class DocumentPageOut(Schema):
    total: int
    page: int
    pages: int
    items: list[DocumentListItemOut]


class SearchIn(Schema):
    mrn: str = ""
    patient_id: int | None = None
    kind: str = ""
    template_code: str = ""
    author: str = ""
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    page: int = 1


@router.get("/", response=DocumentPageOut)
@api_perm(VIEW)
def document_list(request: HttpRequest, filters: Query[SearchIn]) -> DocumentPageOut:
    """The archive searched (by patient id or MRN, kind, template code, author or signer,
    creation period), newest first, 25 a page; the patients named are access-logged."""
    found = selectors.document_search(
        **reading(request),
        filters=DocumentFilters(
            mrn=filters.mrn,
            patient_id=filters.patient_id,
            kind=filters.kind,
            template_code=filters.template_code,
            author=filters.author,
            date_from=filters.date_from,
            date_to=filters.date_to,
        ),
        page=min(max(filters.page, 1), 10_000),
    )
    return DocumentPageOut(
        total=found.total,
        page=found.page,
        pages=found.pages,
        items=[
            DocumentListItemOut(
                id=d.pk,
                kind=d.kind,
                title=d.title,
                patient_id=d.patient_id,
                version=d.version,
                template_code=d.template_code,
                template_version=d.template_version,
                created_by=d.created_by.username,
                created_at=d.created_at,
                signed=d.signed,
                superseded=d.pk in found.superseded,
            )
            for d in found.documents
        ],
    )


# --- print templates ----------------------------------------------------------------------------


class TemplateSummaryOut(Schema):
    code: str
    title: str
    in_use_version: int
    latest_version: int


class FieldOut(Schema):
    path: str
    type: str
    description: str
    example: str
    required: bool = False  # the template must print it (a label's safety fields)


class TemplateVersionOut(Schema):
    id: int
    version: int
    title: str
    active: bool
    created_by: str  # empty for a version shipped with Corsia
    shipped: bool  # the file shipped with Corsia (version 1 on a new install)
    created_at: IsoDatetime
    body_sha256: str


class TemplateOut(Schema):
    code: str
    title: str
    description: str
    fields: list[FieldOut]
    versions: list[TemplateVersionOut]


class TemplateBodyIn(Schema):
    body: str


class TemplateVersionIn(Schema):
    title: str
    body: str
    expected_version: int | None = None


class ActivationIn(Schema):
    active: bool
    reason: str


class PreviewOut(Schema):
    html: str


def _version_out(t: Any) -> TemplateVersionOut:
    return TemplateVersionOut(
        id=t.pk,
        version=t.version,
        title=t.title,
        active=t.active,
        created_by=t.created_by.username if t.created_by else "",
        shipped=t.shipped,
        created_at=t.created_at,
        body_sha256=t.body_sha256,
    )


@router.get("/templates", response=list[TemplateSummaryOut])
@api_perm(MANAGE)
def template_list(request: HttpRequest) -> list[TemplateSummaryOut]:
    """Every print template code with the version in use (the shipped file is version 1)."""
    return [
        TemplateSummaryOut(
            code=t.code,
            title=t.title,
            in_use_version=t.in_use_version,
            latest_version=t.latest_version,
        )
        for t in selectors.templates_overview(user=request_actor(request))
    ]


@router.get("/templates/{code}", response=TemplateOut)
@api_perm(MANAGE)
def template_detail(request: HttpRequest, code: str) -> TemplateOut:
    """A template code: its documented data fields (with examples) and stored versions."""
    user = request_actor(request)
    schema = selectors.template_schema_get(user=user, code=code)
    return TemplateOut(
        code=schema.code,
        title=schema.title,
        description=schema.description,
        fields=[
            FieldOut(
                path=f.path,
                type=f.type,
                description=f.description,
                example=f.example,
                required=f.required,
            )
            for f in field_docs(schema)
        ],
        versions=[_version_out(t) for t in selectors.template_versions(user=user, code=code)],
    )


class DiffLineOut(Schema):
    kind: str  # add, del, hunk, same
    line: str


@router.get("/templates/{code}/diff", response=list[DiffLineOut])
@api_perm(MANAGE)
def template_diff(
    request: HttpRequest, code: str, old_version: int = 0, new_version: int = 0
) -> list[DiffLineOut]:
    """What changed from ``old_version`` to ``new_version`` (0: the shipped file of the prints
    archived before it was stored as version 1)."""
    user = request_actor(request)
    selectors.template_schema_get(user=user, code=code)
    lines = selectors.template_diff(
        user=user, code=code, old_version=old_version, new_version=new_version
    )
    return [DiffLineOut(kind=kind, line=line) for kind, line in lines]


@router.post("/templates/{code}/preview", response=PreviewOut)
@api_perm(MANAGE)
def template_preview(request: HttpRequest, code: str, payload: TemplateBodyIn) -> PreviewOut:
    """The body composed with the code's example data (HTML; nothing is saved); refused
    like a save (sandbox, unknown field) with a problem naming it."""
    selectors.template_schema_get(user=request_actor(request), code=code)
    html = services.template_preview_html(
        actor=request_actor(request), code=code, body=payload.body
    )
    return PreviewOut(html=html)


@router.post("/templates/{code}/versions", response={201: TemplateVersionOut})
@api_perm(MANAGE)
def template_version_create(
    request: HttpRequest, code: str, payload: TemplateVersionIn
) -> Status[TemplateVersionOut]:
    """Store a new version (active at once; ``expected_version`` guards a stale edit)."""
    selectors.template_schema_get(user=request_actor(request), code=code)
    saved = services.template_update(
        **acting(request),
        code=code,
        title=payload.title,
        body=payload.body,
        expected_version=payload.expected_version,
    )
    return Status(201, _version_out(saved))


@router.post("/templates/{code}/versions/{version}/activation", response=TemplateVersionOut)
@api_perm(MANAGE)
def template_version_activation(
    request: HttpRequest, code: str, version: int, payload: ActivationIn
) -> TemplateVersionOut:
    """Turn a stored version on or off, with the reason (its text never changes)."""
    user = request_actor(request)
    stored = selectors.template_version_get(user=user, code=code, version=version)
    saved = services.template_set_active(
        **acting(request), template_id=stored.pk, active=payload.active, reason=payload.reason
    )
    return _version_out(saved)


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
