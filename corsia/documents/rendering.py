"""HTML templates to PDF (WeasyPrint).

A template is Django template source: the latest *active* version stored in the
database for its code, else the default file shipped under
``templates/documents/defaults/<code>.html`` (version 0). Template text comes from
users (IT staff, pharmacists), so it is rendered by a restricted engine (no loaders:
no ``{% include %}``/``{% extends %}`` of other files; only the ``i18n`` and ``l10n``
tag libraries) and WeasyPrint fetches nothing but ``data:`` URIs (no file or network
reads from a template).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError

from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.documents.domain.files import ensure_code, sha256_hex
from corsia.documents.models import DocumentTemplate

DEFAULTS_DIR = Path(__file__).resolve().parent / "templates" / "documents" / "defaults"
DEFAULT_VERSION = 0

_ENGINE = Engine(
    dirs=[],
    app_dirs=False,
    loaders=[],
    libraries={"i18n": "django.templatetags.i18n", "l10n": "django.templatetags.l10n"},
    autoescape=True,
    debug=False,
    string_if_invalid="",
)


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


def compile_body(body: str) -> Any:
    """The compiled template, or a clear error naming the syntax problem."""
    try:
        return _ENGINE.from_string(body)
    except TemplateSyntaxError as exc:
        raise ValidationFailed(
            f"Il modello contiene un errore di sintassi: {exc}",
            code="template_syntax_error",
            field="body",
        ) from exc


def render_html(source: TemplateSource, context: dict[str, Any]) -> str:
    full = {"hospital_name": getattr(settings, "CORSIA_HOSPITAL_NAME", ""), **context}
    try:
        html: str = compile_body(source.body).render(Context(full, autoescape=True))
    except (TemplateDoesNotExist, TemplateSyntaxError) as exc:
        raise ValidationFailed(
            f"Il modello non può essere composto: {exc}",
            code="template_syntax_error",
            field="body",
        ) from exc
    return html


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
