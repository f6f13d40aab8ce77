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
