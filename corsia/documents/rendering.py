"""HTML templates to PDF (WeasyPrint).

A template is Django template source: the latest *active* version stored in the
database for its code, else the default file shipped under
``templates/documents/defaults/<code>.html`` (version 0). Template text comes from
users (IT staff, pharmacists), so it is compiled and rendered in the sandbox of
``sandbox.py`` (allowed tags and filters, declared fields, loop and time budget) and WeasyPrint fetches nothing but ``data:`` URIs (no file or network
reads from a template).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from corsia.core.domain.errors import NotFound
from corsia.documents.domain.files import ensure_code, sha256_hex
from corsia.documents.models import DocumentTemplate
from corsia.documents.sandbox import compile_checked, render_checked
from corsia.documents.schemas import schema_for

DEFAULTS_DIR = Path(__file__).resolve().parent / "templates" / "documents" / "defaults"
DEFAULT_VERSION = 0


@dataclass(frozen=True)
class TemplateSource:
    code: str
    version: int  # 0 = the default file shipped in the repository
    title: str
    body: str

    @property
    def sha256(self) -> str:
        return sha256_hex(self.body.encode("utf-8"))


def default_codes() -> list[str]:
    return sorted(path.stem for path in DEFAULTS_DIR.glob("*.html"))


def default_source(code: str) -> TemplateSource | None:
    ensure_code(code, field="template_code")
    path = DEFAULTS_DIR / f"{code}.html"
    if not path.is_file():
        return None
    return TemplateSource(code=code, version=DEFAULT_VERSION, title=code, body=path.read_text())


def resolve_template(code: str) -> TemplateSource:
    """The template used for ``code`` now: latest active stored version, else the file."""
    ensure_code(code, field="template_code")
    stored = DocumentTemplate.objects.filter(code=code, active=True).order_by("-version").first()
    if stored is not None:
        return TemplateSource(
            code=stored.code, version=stored.version, title=stored.title, body=stored.body
        )
    fallback = default_source(code)
    if fallback is None:
        raise NotFound(
            f"Nessun modello di documento attivo con codice «{code}».",
            code="template_not_found",
            field="template_code",
        )
    return fallback


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
