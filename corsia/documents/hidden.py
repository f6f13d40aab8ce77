"""Archived documents hidden because what they are about is masked (oscuramento).

The archive does not know what its documents are about: a signed discharge letter is
archived by ``corsia.records``, which sits above documents in the module order and knows
the letter's encounter. So documents declares here the reader it needs and each module that
archives documents about something maskable registers its own when the application starts
(``RecordsConfig.ready``), as ``corsia.patients.scope`` does for the trial monitors. Every
read of the archive (``selectors._readable``) leaves out the ids the readers give: a hidden
document is answered as one that does not exist (``document_not_found``).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import QuerySet


class HiddenDocumentsReader(Protocol):
    def __call__(self) -> QuerySet[Any, Any]:
        """The ids of the archived documents hidden now (a query, evaluated by the reads)."""
        ...


_readers: dict[str, HiddenDocumentsReader] = {}


def hidden_documents_reader_register(module: str, reader: HiddenDocumentsReader) -> None:
    """Called once by each module that archives maskable documents (idempotent)."""
    _readers[module] = reader


def hidden_document_queries() -> list[QuerySet[Any, Any]]:
    return [reader() for reader in _readers.values()]
