"""Test factories of the document archive: the type of the ``make_document`` fixture
(``tests/documents/conftest.py``) and a small therapy sheet to print."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from corsia.documents.models import Document

MakeDocument = Callable[..., Document]


def sheet() -> dict[str, Any]:
    return {
        "title": "Foglio di terapia",
        "subtitle": "FOLFOX-4, ciclo 3, giorno 1",
        "sections": [
            {
                "heading": "Parametri",
                "rows": [{"label": "Peso", "value": "70 kg"}, ["Altezza", "175 cm"]],
            },
            {
                "heading": "Farmaci",
                "table": {
                    "columns": ["Principio attivo", "Dose"],
                    "rows": [["oxaliplatino", "156,4 mg"]],
                },
            },
        ],
    }


def printed_html(document: Document) -> str:
    """The HTML an archived print's PDF was made from: its template version (checked by its
    SHA-256) composed with its stored context."""
    from corsia.documents.models import DocumentTemplate
    from corsia.documents.rendering import DEFAULTS_DIR, TemplateSource, render_html

    if document.template_version == 0:
        body = (DEFAULTS_DIR / f"{document.template_code}.html").read_text()
    else:
        body = DocumentTemplate.objects.get(
            code=document.template_code, version=document.template_version
        ).body
    source = TemplateSource(document.template_code, document.template_version, "", body)
    assert source.sha256 == document.template_sha256
    return render_html(source, dict(document.context))
