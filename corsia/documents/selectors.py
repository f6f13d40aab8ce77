"""Reads of the document archive. Every read of a patient's document writes the access log."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from corsia.audit.services import access_log_record, access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.documents.domain.fields import TemplateSchema
from corsia.documents.domain.files import download_filename, ensure_code, sha256_hex
from corsia.documents.domain.search import (
    PAGE_SIZE,
    DocumentFilters,
    body_diff,
    checked_filters,
    page_bounds,
)
from corsia.documents.domain.signatures import SignatureReport
from corsia.documents.hidden import hidden_document_queries
from corsia.documents.models import Document, DocumentNamedPatient, DocumentTemplate
from corsia.documents.rendering import default_codes, default_source
from corsia.documents.schemas import SCHEMAS, schema_for
from corsia.documents.signing import verify_pdf
from corsia.patients.scope import ensure_patient_in_scope, scoped_to_patients
from corsia.patients.selectors import outside_hidden_stays

_CODE_TEXT = re.compile(r"[a-z][a-z0-9_]{1,63}")
VIEW = "documents.view_document"
MANAGE_TEMPLATES = "documents.manage_templates"

_LIST_FIELDS = (
    "id",
    "kind",
    "title",
    "patient_id",
    "created_at",
    "created_by__username",
    "signed",
    "signed_at",
    "version",
    "chain",
    "sha256",
    "template_code",
    "template_version",
)


def _metadata() -> QuerySet[Document]:
    """Documents without their bytes (lists and headers never load the PDFs)."""
    return Document.objects.defer("content").select_related("created_by", "signer", "patient")


def _readable(user: User) -> QuerySet[Document]:
    """The documents the user may read, without their bytes: every read of documents for a
    user starts here (a trial monitor's are those of the patients enrolled in their trials,
    ``patients.scope``; none about a masked encounter, ``documents.hidden``, nor archived
    within a masked stay hidden from the user, ``patients.selectors``)."""
    require_permission(user, VIEW)
    readable = scoped_to_patients(user, _metadata())
    # archived within a masked stay hidden from the user (a report, a letter with no stay)
    readable = outside_hidden_stays(readable, user=user, field="created_at")
    for hidden in hidden_document_queries():  # about a masked encounter: corsia.documents.hidden
        readable = readable.exclude(pk__in=hidden)
    return readable


def document_get(*, user: User, document_id: int) -> Document:
    """The document's metadata (not its bytes), without logging."""
    document = _readable(user).filter(pk=document_id).first()
    if document is None:
        raise NotFound("Documento non trovato.", code="document_not_found")
    return document


def _log(user: User, document: Document, what: str, workstation: Workstation, channel: str) -> None:
    """A read of the document's patient and, for a print that is no one patient's (a list
    of the day, a report), of every patient it names: one access-log row each."""
    own = [document.patient_id] if document.patient_id is not None else []
    named = list(
        DocumentNamedPatient.objects.filter(document_id=document.pk)
        .exclude(patient_id__in=own)
        .order_by("patient_id")
        .values_list("patient_id", flat=True)
        .distinct()
    )
    access_log_record_many(
        user=user,
        patient_ids=own + named,
        what=f"{what}: {document.title} v{document.version} (#{document.pk})"[:200],
        workstation=workstation,
        channel=channel,
    )


@dataclass(frozen=True)
class DocumentView:
    document: Document
    signature: SignatureReport
    stored_hash_matches: bool
    versions: list[Document]  # the whole chain, oldest first
    latest: Document
    filename: str


def document_view(
    *, user: User, document_id: int, workstation: Workstation, channel: str = "web"
) -> DocumentView:
    """Metadata, live signature verification and the chain of versions; logged."""
    document = document_get(user=user, document_id=document_id)
    content = bytes(Document.objects.filter(pk=document.pk).values_list("content", flat=True).get())
    versions = list(_metadata().filter(chain=document.chain).order_by("version"))
    _log(user, document, "documento (scheda)", workstation, channel)
    return DocumentView(
        document=document,
        signature=verify_pdf(content),
        stored_hash_matches=sha256_hex(content) == document.sha256,
        versions=versions,
        latest=versions[-1],
        filename=filename_of(document),
    )


def filename_of(document: Document) -> str:
    return download_filename(
        kind=document.kind,
        mrn=document.patient.mrn if document.patient else "",
        created_on=document.created_at.date(),
        version=document.version,
        signed=document.signed,
    )


def document_content(
    *, user: User, document_id: int, workstation: Workstation, channel: str = "web"
) -> tuple[Document, bytes]:
    """The stored bytes for download; logged as a read of the patient's data."""
    document = document_get(user=user, document_id=document_id)
    content = bytes(Document.objects.filter(pk=document.pk).values_list("content", flat=True).get())
    _log(user, document, "documento (PDF scaricato)", workstation, channel)
    return document, content


def patient_documents(
    *, user: User, patient_id: int, workstation: Workstation, channel: str = "web"
) -> list[Document]:
    """Every archived document of a patient, newest first (all versions); logged, even
    when there is none (the page shows who the patient is, and that they have none)."""
    readable = _readable(user)
    ensure_patient_in_scope(user, patient_id)
    documents = list(readable.filter(patient_id=patient_id).order_by("-created_at", "-id"))
    access_log_record(
        user=user,
        patient_id=patient_id,
        what="elenco documenti archiviati",
        workstation=workstation,
        channel=channel,
    )
    return documents


def my_recent_documents(
    *, user: User, workstation: Workstation, days: int = 30, limit: int = 50, channel: str = "web"
) -> list[Document]:
    """The documents this user created or signed in the last ``days`` days, newest first:
    the archive's front page. Naming their patients is a read of each one (logged)."""
    since = timezone.now() - timedelta(days=days)
    mine = Q(created_by=user) | Q(signer=user)
    documents = list(
        _readable(user).filter(mine, created_at__gte=since).order_by("-created_at", "-id")[:limit]
    )
    patient_ids = sorted({d.patient_id for d in documents if d.patient_id is not None})
    access_log_record_many(
        user=user,
        patient_ids=patient_ids,
        what="elenco dei propri documenti recenti",
        workstation=workstation,
        channel=channel,
    )
    return documents


def superseded_ids(documents: list[Document]) -> set[int]:
    ids = [d.pk for d in documents]
    return set(
        Document.objects.filter(supersedes_id__in=ids).values_list("supersedes_id", flat=True)
    )


# --- templates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateSummary:
    code: str
    title: str
    in_use_version: int  # 0: none (a code with neither a stored version nor a shipped file)
    latest_version: int
    has_default_file: bool


def templates_overview(*, user: User) -> list[TemplateSummary]:
    """Every template code with the version in use and the latest; a shipped code not yet
    stored shows version 1 (the file, stored as version 1 at its first print or edit)."""
    require_permission(user, MANAGE_TEMPLATES)
    stored: dict[str, list[DocumentTemplate]] = {}
    for template in DocumentTemplate.objects.defer("body").order_by("code", "-version"):
        stored.setdefault(template.code, []).append(template)
    shipped = set(default_codes())
    codes = sorted(set(stored) | shipped | set(SCHEMAS))
    summaries = []
    for code in codes:
        versions = stored.get(code, [])
        active = next((t for t in versions if t.active), None)
        virtual = 1 if code in shipped else 0  # the shipped file, not yet stored
        summaries.append(
            TemplateSummary(
                code=code,
                title=active.title
                if active
                else versions[0].title
                if versions
                else (SCHEMAS[code].title if code in SCHEMAS else code),
                in_use_version=active.version if active else virtual,
                latest_version=versions[0].version if versions else virtual,
                has_default_file=code in shipped,
            )
        )
    return summaries


def template_schema_get(*, user: User, code: str) -> TemplateSchema:
    """The declared fields and example data of a template code (404 for an unknown code)."""
    require_permission(user, MANAGE_TEMPLATES)
    schema = schema_for(code) if code.isascii() and len(code) <= 64 else None
    if schema is None:
        raise NotFound("Modello non trovato.", code="template_not_found")
    return schema


def template_version_get(*, user: User, code: str, version: int) -> DocumentTemplate:
    require_permission(user, MANAGE_TEMPLATES)
    found = (
        DocumentTemplate.objects.filter(code=code, version=version)
        .select_related("created_by")
        .first()
        if 0 < version < 2**31
        else None
    )
    if found is None:
        raise NotFound(
            f"Versione {version} del modello «{code}» non trovata.", code="template_not_found"
        )
    return found


def template_versions(*, user: User, code: str) -> list[DocumentTemplate]:
    require_permission(user, MANAGE_TEMPLATES)
    return list(DocumentTemplate.objects.filter(code=code).select_related("created_by"))


def template_current_body(*, user: User, code: str) -> tuple[int, str, str]:
    """(latest version, title, body) to start an edit from: the latest stored version,
    else the shipped file (version 1, ``shipped.py``), else an empty new template (0)."""
    require_permission(user, MANAGE_TEMPLATES)
    try:
        ensure_code(code)
    except ValidationFailed as exc:
        raise NotFound("Modello non trovato.", code="template_not_found") from exc
    latest = DocumentTemplate.objects.filter(code=code).order_by("-version").first()
    if latest is not None:
        return latest.version, latest.title, latest.body
    fallback = default_source(code)
    schema = schema_for(code)
    title = schema.title if schema else code
    if fallback is not None:
        return 1, title, fallback.body  # the shipped file: version 1 (stored at the edit)
    return 0, title, ""


# --- for the FHIR server's read by id: whose document it is (nothing shown, nothing logged) ----


def document_patient_id(*, document_id: int) -> int | None:
    """The patient of a document, ``None`` if there is none (or it is nobody's). The caller
    then reads the patient's documents through ``patient_documents``."""
    found: int | None = (
        Document.objects.filter(pk=document_id).values_list("patient_id", flat=True).first()
    )
    return found


# --- the archive's search (documents index, GET /api/v1/documents/) -----------------------------


@dataclass(frozen=True)
class DocumentPage:
    documents: list[Document]
    total: int
    page: int
    pages: int
    superseded: set[int]


def document_search(
    *,
    user: User,
    filters: DocumentFilters,
    page: int,
    workstation: Workstation,
    channel: str = "web",
) -> DocumentPage:
    """The readable documents matching ``filters``, newest first, one page of
    ``PAGE_SIZE``. Naming the patients on the page is a read of each one (logged)."""
    filters = checked_filters(filters)
    found = _readable(user)
    if filters.patient_id is not None:
        ensure_patient_in_scope(user, filters.patient_id)
        found = found.filter(patient_id=filters.patient_id)
    if filters.mrn:
        found = found.filter(patient__mrn=filters.mrn)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.template_code:
        found = found.filter(template_code=filters.template_code)
    if filters.author:
        found = found.filter(
            Q(created_by__username=filters.author) | Q(signer__username=filters.author)
        )
    if filters.date_from:
        found = found.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        found = found.filter(created_at__date__lte=filters.date_to)
    total = found.count()
    shown, offset, pages = page_bounds(page, total=total)
    documents = list(found.order_by("-created_at", "-id")[offset : offset + PAGE_SIZE])
    patient_ids = sorted({d.patient_id for d in documents if d.patient_id is not None})
    if filters.patient_id is not None and filters.patient_id not in patient_ids:
        patient_ids.append(filters.patient_id)  # searched by patient: a read even when empty
    access_log_record_many(
        user=user,
        patient_ids=patient_ids,
        what="ricerca nell'archivio documenti",
        workstation=workstation,
        channel=channel,
    )
    return DocumentPage(
        documents=documents,
        total=total,
        page=shown,
        pages=pages,
        superseded=superseded_ids(documents),
    )


def document_kinds(*, user: User) -> list[str]:
    """The kinds of document in the archive (the index's select)."""
    require_permission(user, VIEW)
    return sorted(set(Document.objects.values_list("kind", flat=True).distinct()))


def template_version_body(*, user: User, code: str, version: int) -> str:
    """The text of one version of a template (1 not yet stored: the shipped file; 0: the
    shipped file, for prints archived before it was stored as version 1)."""
    require_permission(user, MANAGE_TEMPLATES)
    if not 0 <= version < 2**31:
        version = -1
    stored = (
        DocumentTemplate.objects.filter(code=code, version=version).first() if version > 0 else None
    )
    if stored is not None:
        return stored.body
    fallback = default_source(code) if _CODE_TEXT.fullmatch(code) else None
    # 0: the file of the prints archived before it was stored; 1 not yet stored: the file
    if fallback is not None and (
        version == 0 or (version == 1 and not DocumentTemplate.objects.filter(code=code).exists())
    ):
        return fallback.body
    raise NotFound(
        f"Versione {version} del modello «{code}» non trovata.", code="template_not_found"
    )


def template_diff(
    *, user: User, code: str, old_version: int, new_version: int
) -> list[tuple[str, str]]:
    """What changed from one version of a template to another (unified diff lines)."""
    old = template_version_body(user=user, code=code, version=old_version)
    new = template_version_body(user=user, code=code, version=new_version)
    return body_diff(old, new, old_name=f"v{old_version}", new_name=f"v{new_version}")
