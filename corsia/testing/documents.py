"""Test factories of the document archive: the type of the ``make_document`` fixture
(``tests/documents/conftest.py``) and a small therapy sheet to print."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from corsia.core.domain.errors import ValidationFailed
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


def edit_refused(actor: Any, code: str, body: str) -> ValidationFailed:
    """Save ``body`` as a new version of template ``code`` (from the shipped version 1):
    the refusal, after checking that no version was stored."""
    from corsia.documents.models import DocumentTemplate
    from corsia.documents.services import template_update

    with pytest.raises(ValidationFailed) as refused:
        template_update(
            actor=actor,
            workstation=None,
            code=code,
            title="Senza un campo",
            body=body,
            expected_version=1,
        )
    assert not DocumentTemplate.objects.filter(code=code).exists()
    return refused.value


def shipped_without(code: str, text: str) -> str:
    """The shipped default of ``code`` with ``text`` (which it must hold) taken out."""
    from corsia.documents.rendering import DEFAULTS_DIR

    default = (DEFAULTS_DIR / f"{code}.html").read_text()
    assert text in default, text
    return default.replace(text, "")


def the_archived_print(response: Any, code: str) -> Document:
    """The one archived print of template ``code``, checked to be what ``response``
    answered: a PDF, unsigned, the bytes stored."""
    document = Document.objects.get(template_code=code)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == bytes(document.content) and not document.signed
    return document


def the_api_print(response: Any, code: str, patient_id: int | None) -> Document:
    """The archived print an API call answered (named by ``X-Corsia-Document``): a PDF of
    template ``code`` archived with ``patient_id`` (None: a list), the bytes stored."""
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = Document.objects.get(pk=int(response["X-Corsia-Document"]))
    assert (document.template_code, document.patient_id) == (code, patient_id)
    assert response.content == bytes(document.content)
    return document


def edited_and_printed(
    it_staff: Any, code: str, *, title: str, old: str, new: str, print_it: Callable[[], Any]
) -> None:
    """An IT edit of the shipped ``code`` (``old``, which it must hold, replaced by ``new``)
    saved as version 2: the print ``print_it()`` answers next is archived from version 2
    and shows ``new``."""
    from corsia.documents.rendering import DEFAULTS_DIR
    from corsia.documents.services import template_update

    shipped = (DEFAULTS_DIR / f"{code}.html").read_text()
    assert old in shipped, old
    edited = template_update(
        actor=it_staff,
        workstation=None,
        code=code,
        title=title,
        body=shipped.replace(old, new),
        expected_version=1,
    )
    assert edited.version == 2
    document = the_archived_print(print_it(), code)
    assert document.template_version == 2
    assert new in printed_html(document)
