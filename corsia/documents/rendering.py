"""HTML templates to PDF (WeasyPrint).

A template is Django template source: the latest *active* version stored in the
database for its code; the file shipped under ``templates/documents/defaults/<code>.html``
is stored as a version before it is used (``shipped.py``: version 1 on a new install). Template text comes from
users (IT staff, pharmacists), so it is compiled and rendered in the sandbox of
``sandbox.py`` (allowed tags and filters, declared fields, loop and time budget) and WeasyPrint fetches nothing but ``data:`` URIs (no file or network
reads from a template).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from corsia.core.domain.errors import NotFound
from corsia.documents.domain.files import ensure_code
from corsia.documents.sandbox import compile_checked, render_checked
from corsia.documents.schemas import schema_for
from corsia.documents.shipped import (
    DEFAULTS_DIR,
    TemplateSource,
    default_codes,
    default_source,
    shipped_ensure_active,
)

# re-exported: where the other modules and the tests have always found them
__all__ = [
    "DEFAULTS_DIR",
    "TemplateSource",
    "compile_body",
    "default_codes",
    "default_source",
    "html_to_pdf",
    "render_html",
    "render_pdf",
    "render_source_pdf",
    "resolve_template",
]


def resolve_template(code: str) -> TemplateSource:
    """The template used for ``code`` now: its latest active stored version; with none, the
    shipped file stored first as the next version (``shipped.py``), so every print names
    a stored version."""
    ensure_code(code, field="template_code")
    stored = shipped_ensure_active(code)
    if stored is None:
        raise NotFound(
            f"Nessun modello di documento attivo con codice «{code}».",
            code="template_not_found",
            field="template_code",
        )
    return TemplateSource(
        code=stored.code, version=stored.version, title=stored.title, body=stored.body
    )


def compile_body(body: str, code: str | None = None) -> Any:
    """The compiled, sandbox-checked template (``sandbox.py``); with ``code``, its
    variables are checked against the code's declared fields (``schemas.py``)."""
    return compile_checked(body, schema_for(code) if code else None)


def render_html(source: TemplateSource, context: dict[str, Any]) -> str:
    full = {"hospital_name": getattr(settings, "CORSIA_HOSPITAL_NAME", ""), **context}
    return render_checked(compile_checked(source.body), full)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf


def render_source_pdf(source: TemplateSource, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_html(source, context))


def render_pdf(template_code: str, context: dict[str, Any]) -> bytes:
    """Render the current template of ``template_code`` with ``context`` to PDF bytes."""
    return render_source_pdf(resolve_template(template_code), context)
