"""Use cases of the clinical document archive: archive (and sign) a document, correct
it with a new version, edit a template with a new version.

    document_create(actor=user, workstation=ws, kind="therapy_sheet", title="Foglio di terapia",
                    patient=patient, template_code="therapy_sheet", context={...},
                    source=("prescribing", "order", order.pk), sign=True,
                    reason="Conferma della prescrizione")
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.documents.audit_events import (
    DOCUMENT_CORRECTED,
    DOCUMENT_CREATED,
)
from corsia.documents.domain.context import plain_context, sheet_context
from corsia.documents.domain.files import PDF_MIME, ensure_code, ensure_pdf, sha256_hex
from corsia.documents.domain.versions import (
    DocumentVersion,
    correction_version,
)
from corsia.documents.models import Document, DocumentNamedPatient
from corsia.documents.rendering import (
    TemplateSource,
    render_source_pdf,
    resolve_template,
)
from corsia.documents.schemas import ADDED_KEYS, schema_for
from corsia.documents.signing import sign_pdf

CREATE = "documents.create_document"
# Archive an unsigned print (labels, worksheets) without signing anything clinical.
ARCHIVE_PRINT = "documents.archive_print"

# (app_label, model, object_id) of the record a document was printed from.
SourceRef = tuple[str, str, int | str]


def _person(user: User) -> str:
    return str(user.get_full_name() or user.username)


def _stamp(moment: Any) -> str:
    return str(timezone.localtime(moment).strftime("%d/%m/%Y %H:%M"))


def _patient_header(patient: Any) -> dict[str, str] | None:
    if patient is None:
        return None
    return {
        "id": str(patient.pk),
        "name": f"{patient.surname.upper()} {patient.given_names}",
        "mrn": patient.mrn,
        "date_of_birth": patient.date_of_birth.strftime("%d/%m/%Y"),
    }


def _source_fields(source: SourceRef | None) -> dict[str, str]:
    if source is None:
        return {"source_app": "", "source_model": "", "source_id": ""}
    app_label, model, object_id = source
    return {"source_app": app_label, "source_model": model, "source_id": str(object_id)}


def _normalised(template_code: str, context: dict[str, Any]) -> dict[str, Any]:
    """The context as it will be stored: the default layout's (``sheet_context``) or,
    for a code with its own fields (labels), its plain data with only declared keys."""
    schema = schema_for(template_code)
    if schema is None or schema.layout:
        return sheet_context(context)
    declared = frozenset(f.path.split(".")[0].split("[")[0] for f in schema.fields) - ADDED_KEYS
    return plain_context(context, declared=declared)


def _require_archiver(actor: User, *, sign: bool) -> None:
    """Signing needs ``create_document``; an unsigned print, either permission."""
    if sign or actor is None or not actor.has_perm(ARCHIVE_PRINT):
        require_permission(actor, CREATE)


def _build(
    *,
    actor: User,
    workstation: Workstation,
    kind: str,
    title: str,
    patient: Any,
    template: TemplateSource,
    context: dict[str, Any],
    source_fields: dict[str, str],
    sign: bool,
    reason: str,
    version: int,
    supersedes: Document | None,
    correction_reason: str,
) -> Document:
    """Render, sign if asked, and insert one document row (caller holds the transaction)."""
    now = timezone.now()
    printed = {
        **_normalised(template.code, context),
        "patient": _patient_header(patient),
        "document": {
            "kind": kind,
            "version": version,
            "created_at": _stamp(now),
            "supersedes_version": supersedes.version if supersedes else None,
            "correction_reason": correction_reason,
        },
        "signature": {
            "signed": sign,
            "signer": _person(actor) if sign else "",
            "signed_at": _stamp(now) if sign else "",
            "reason": reason if sign else "",
        },
    }
    if "title" in printed and not printed["title"]:
        printed["title"] = title
    pdf = render_source_pdf(template, printed)
    if sign:
        pdf = sign_pdf(
            pdf,
            signer_name=_person(actor),
            reason=reason,
            location=settings.CORSIA_SIGNING_LOCATION,
        )
    ensure_pdf(pdf)
    return Document.objects.create(
        kind=kind,
        title=title,
        patient=patient,
        **source_fields,
        template_code=template.code,
        template_version=template.version,
        template_sha256=template.sha256,
        context=printed,
        content=pdf,
        sha256=sha256_hex(pdf),
        mime_type=PDF_MIME,
        size=len(pdf),
        created_by=actor,
        created_at=now,
        workstation=workstation_label(workstation),
        signed=sign,
        signer=actor if sign else None,
        signed_at=now if sign else None,
        signature_reason=reason if sign else "",
        chain=supersedes.chain if supersedes else Document._meta.get_field("chain").get_default(),
        version=version,
        supersedes=supersedes,
        correction_reason=correction_reason,
    )


def _check_texts(*, title: str, sign: bool, reason: str) -> None:
    if not title.strip():
        raise ValidationFailed("Il titolo del documento è obbligatorio.", field="title")
    if sign and not reason.strip():
        raise ValidationFailed(
            "Per firmare un documento è obbligatorio indicare il motivo della firma.",
            code="reason_required",
            field="reason",
        )


def _name_patients(document: Document, patient_ids: Iterable[int]) -> int:
    """Store the patients a print names besides its own patient (a list of the day):
    reopening it from the archive logs a read of each (``selectors._log``). How many."""
    named = sorted({int(pid) for pid in patient_ids} - {document.patient_id})
    DocumentNamedPatient.objects.bulk_create(
        DocumentNamedPatient(document=document, patient_id=pid) for pid in named
    )
    return len(named)


def _audit_after(document: Document, named: int = 0) -> dict[str, Any]:
    after: dict[str, Any] = {
        "kind": document.kind,
        "title": document.title,
        "version": document.version,
        "sha256": document.sha256,
        "signed": document.signed,
        "template": f"{document.template_code} v{document.template_version}",
        "source": ":".join(
            part
            for part in (document.source_app, document.source_model, document.source_id)
            if part
        ),
    }
    if named:
        after["named_patients"] = named  # how many patients the print names (ids stored)
    return after


def document_create(
    *,
    actor: User,
    workstation: Workstation,
    kind: str,
    title: str,
    patient: Any,
    template_code: str,
    context: dict[str, Any],
    source: SourceRef | None = None,
    sign: bool,
    reason: str = "",
    named_patients: Iterable[int] = (),
) -> Document:
    """Render ``context`` with the current template of ``template_code``, sign it (PAdES)
    when ``sign`` and archive it. ``reason`` is the signature's reason (required to sign).
    An unsigned print (a label) may be archived with ``documents.archive_print`` alone.
    ``named_patients``: the ids of the patients a print with no patient of its own names
    (a list of the day): reopening it from the archive is written in each one's access log."""
    _require_archiver(actor, sign=sign)
    ensure_code(kind, field="kind")
    ensure_code(template_code, field="template_code")
    _check_texts(title=title, sign=sign, reason=reason)
    _normalised(template_code, context)  # refuse a malformed context before anything else
    with transaction.atomic():
        template = resolve_template(template_code)
        document = _build(
            actor=actor,
            workstation=workstation,
            kind=kind,
            title=title,
            patient=patient,
            template=template,
            context=context,
            source_fields=_source_fields(source),
            sign=sign,
            reason=reason,
            version=1,
            supersedes=None,
            correction_reason="",
        )
        named = _name_patients(document, named_patients)
        audit_record(
            event=DOCUMENT_CREATED,
            actor=actor,
            workstation=workstation,
            target=document,
            patient_id=document.patient_id,
            after=_audit_after(document, named),
            reason=reason,
        )
    return document


def document_print(
    *,
    actor: User,
    workstation: Workstation,
    template_code: str,
    title: str,
    patient: Any,
    context: dict[str, Any],
    source: SourceRef,
    named_patients: Iterable[int] = (),
) -> Document:
    """A print (label, wristband, worksheet, a list of the day) through the editable
    template of ``template_code`` archived unsigned with its template version (issue 23
    §22-23): the caller answers ``document.content``, the stored bytes. ``named_patients``
    as in ``document_create``."""
    return document_create(
        actor=actor,
        workstation=workstation,
        kind=template_code,
        title=title,
        patient=patient,
        template_code=template_code,
        context=context,
        source=source,
        sign=False,
        named_patients=named_patients,
    )


def print_render(*, template_code: str, title: str, context: dict[str, Any]) -> bytes:
    """A print that is not archived, being no patient's document (a pseudonymised extract,
    a report of aggregates): the context checked as for an archived print and rendered with
    the same template version in use, with what the archive adds (no patient, the print
    as version 1 of now, unsigned). The caller checks its own permission."""
    ensure_code(template_code, field="template_code")
    _check_texts(title=title, sign=False, reason="")
    normalised = _normalised(template_code, context)
    with transaction.atomic():  # the shipped file may be stored as version 1 first
        template = resolve_template(template_code)
    printed = {
        **normalised,
        "patient": None,
        "document": {
            "kind": template_code,
            "version": 1,
            "created_at": _stamp(timezone.now()),
            "supersedes_version": None,
            "correction_reason": "",
        },
        "signature": {"signed": False, "signer": "", "signed_at": "", "reason": ""},
    }
    if "title" in printed and not printed["title"]:
        printed["title"] = title
    pdf = render_source_pdf(template, printed)
    ensure_pdf(pdf)
    return pdf


def document_correct(
    *,
    actor: User,
    workstation: Workstation,
    document_id: int,
    reason: str,
    context: dict[str, Any],
    title: str | None = None,
    sign: bool = True,
    signature_reason: str = "",
) -> Document:
    """A new version of the document, superseding it (the old one stays as it was).

    Printed with the *current* template of the same code; ``reason`` (why the correction)
    is required and printed on the new version.
    """
    require_permission(actor, CREATE)
    with transaction.atomic():
        old = Document.objects.select_for_update().filter(pk=document_id).first()
        if old is None:
            raise NotFound("Documento non trovato.", code="document_not_found")
        _normalised(old.template_code, context)
        superseded = Document.objects.filter(supersedes=old).exists()
        version = correction_version(
            DocumentVersion(version=old.version, superseded=superseded), reason=reason
        )
        new_title = title if title is not None else old.title
        signing_reason = signature_reason or f"Correzione: {reason}"
        _check_texts(title=new_title, sign=sign, reason=signing_reason)
        document = _build(
            actor=actor,
            workstation=workstation,
            kind=old.kind,
            title=new_title,
            patient=old.patient,
            template=resolve_template(old.template_code),
            context=context,
            source_fields={
                "source_app": old.source_app,
                "source_model": old.source_model,
                "source_id": old.source_id,
            },
            sign=sign,
            reason=signing_reason,
            version=version,
            supersedes=old,
            correction_reason=reason,
        )
        named = _name_patients(  # the same list, corrected: it names the same patients
            document, old.named_patients.values_list("patient_id", flat=True)
        )
        audit_record(
            event=DOCUMENT_CORRECTED,
            actor=actor,
            workstation=workstation,
            target=document,
            patient_id=document.patient_id,
            before={"document_id": old.pk, "version": old.version, "sha256": old.sha256},
            after=_audit_after(document, named),
            reason=reason,
        )
    return document


# --- templates: services_templates.py (re-exported: the module's public services) ---------------

from corsia.documents.services_templates import (  # noqa: E402
    template_preview_html,
    template_preview_pdf,
    template_set_active,
    template_update,
)
from corsia.documents.shipped import templates_install_shipped  # noqa: E402

__all__ = [
    "document_correct",
    "document_create",
    "document_print",
    "print_render",
    "template_preview_html",
    "template_preview_pdf",
    "template_set_active",
    "template_update",
    "templates_install_shipped",
]
