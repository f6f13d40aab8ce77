"""Use cases of the print templates: preview with the example data, save a new version,
turn a version on or off. Every code has a declared context schema (``schemas.py``); a
version is checked by the sandbox (``sandbox.py``) against it before it is stored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.documents.audit_events import TEMPLATE_ACTIVATION_CHANGED, TEMPLATE_VERSION_CREATED
from corsia.documents.domain.fields import TemplateSchema, refuse_missing_required
from corsia.documents.domain.files import ensure_code, sha256_hex
from corsia.documents.domain.versions import next_template_version
from corsia.documents.models import DocumentTemplate
from corsia.documents.rendering import compile_body, html_to_pdf
from corsia.documents.sandbox import render_checked
from corsia.documents.schemas import schema_for
from corsia.documents.shipped import shipped_ensure_active

MANAGE_TEMPLATES = "documents.manage_templates"


def template_schema(code: str) -> TemplateSchema:
    """The declared context schema of ``code``; a code without one has no template."""
    ensure_code(code, field="template_code")
    schema = schema_for(code)
    if schema is None:
        raise NotFound(
            f"Nessun modello di stampa con codice «{code}».",
            code="template_not_found",
            field="template_code",
        )
    return schema


def _sample_html(code: str, body: str) -> str:
    schema = template_schema(code)
    template = compile_body(body, code)
    hospital = getattr(settings, "CORSIA_HOSPITAL_NAME", "") or schema.sample.get(
        "hospital_name", ""
    )

    def render(sample: Mapping[str, Any]) -> str:
        return render_checked(template, {**sample, "hospital_name": hospital})

    html = render(schema.sample)
    # a label without its safety fields is refused
    refuse_missing_required(schema, html, render)
    return html


def template_preview_html(*, actor: User, code: str, body: str) -> str:
    """The template composed with the schema's example data (nothing is saved): the HTML
    the editor shows in a sandboxed frame."""
    require_permission(actor, MANAGE_TEMPLATES)
    return _sample_html(code, body)


def template_preview_pdf(*, actor: User, code: str, body: str) -> bytes:
    """The template rendered, unsigned, with the example data (nothing is saved)."""
    require_permission(actor, MANAGE_TEMPLATES)
    return html_to_pdf(_sample_html(code, body))


def template_update(
    *,
    actor: User,
    workstation: Workstation,
    code: str,
    title: str,
    body: str,
    expected_version: int | None,
) -> DocumentTemplate:
    """Store a new version of template ``code`` (the previous versions stay).

    ``expected_version`` is the version the editor started from (the shipped file is
    version 1: ``shipped.py``; None skips the check); an edit built on an outdated version is refused. The body is
    refused when the sandbox refuses it or it names a field the code does not declare.
    """
    require_permission(actor, MANAGE_TEMPLATES)
    template_schema(code)
    if not title.strip():
        raise ValidationFailed("Il titolo del modello è obbligatorio.", field="title")
    if len(title) > 200:
        raise ValidationFailed("Il titolo del modello è troppo lungo (massimo 200).", field="title")
    if not body.strip():
        raise ValidationFailed("Il corpo del modello è obbligatorio.", field="body")
    _sample_html(code, body)
    try:
        with transaction.atomic():
            shipped_ensure_active(code)  # the shipped file is version 1: an edit is 2 or more
            latest = (
                DocumentTemplate.objects.select_for_update()
                .filter(code=code)
                .order_by("-version")
                .first()
            )
            version = next_template_version(
                latest.version if latest else None, expected=expected_version
            )
            template = DocumentTemplate.objects.create(
                code=code,
                version=version,
                title=title.strip(),
                body=body,
                body_sha256=sha256_hex(body.encode("utf-8")),
                created_by=actor,
            )
            audit_record(
                event=TEMPLATE_VERSION_CREATED,
                actor=actor,
                workstation=workstation,
                target=template,
                before={"version": latest.version} if latest else None,
                after={"code": code, "version": version, "sha256": template.body_sha256},
            )
    except IntegrityError as exc:  # two first versions of a new code at the same time
        raise ConflictError(
            "Un'altra versione del modello è stata salvata nello stesso momento: ricarica.",
            code="stale_version",
        ) from exc
    return template


def template_set_active(
    *, actor: User, workstation: Workstation, template_id: int, active: bool, reason: str
) -> DocumentTemplate:
    """Turn one stored version on or off (its text never changes), saying why."""
    require_permission(actor, MANAGE_TEMPLATES)
    if not reason.strip():
        raise ValidationFailed(
            "Indica il motivo dell'attivazione o disattivazione.",
            code="reason_required",
            field="reason",
        )
    with transaction.atomic():
        template = DocumentTemplate.objects.select_for_update().filter(pk=template_id).first()
        if template is None:
            raise NotFound("Modello non trovato.", code="template_not_found")
        before = template.active
        if before and not active:
            others = DocumentTemplate.objects.filter(code=template.code, active=True).exclude(
                pk=template.pk
            )
            if not others.exists():
                raise ConflictError(
                    f"La versione {template.version} è l'unica attiva del modello: attiva "
                    "prima la versione da usare al suo posto (la versione di serie di "
                    "Corsia è tra quelle elencate).",
                    code="last_active_version",
                )
        audit_record(
            event=TEMPLATE_ACTIVATION_CHANGED,
            actor=actor,
            workstation=workstation,
            target=template,
            before={"active": before},
            after={"active": active},
            reason=reason.strip(),
        )
        template.active = active
        template.save(update_fields=["active"])
    return template
