"""The archive's search: the filters as typed, checked, and the page they ask for."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from corsia.core.domain.errors import ValidationFailed

PAGE_SIZE = 25
MAX_PAGE = 10_000
MAX_TEXT = 100


@dataclass(frozen=True)
class DocumentFilters:
    """What the documents index and ``GET /api/v1/documents/`` filter by (empty = any)."""

    mrn: str = ""  # the patient's record number, exact
    patient_id: int | None = None
    kind: str = ""  # therapy_sheet, discharge_letter, …
    template_code: str = ""
    author: str = ""  # username of who created or signed it
    date_from: date | None = None  # created on or after
    date_to: date | None = None  # created on or before

    def is_empty(self) -> bool:
        return self == DocumentFilters()


def checked_filters(filters: DocumentFilters) -> DocumentFilters:
    """The filters trimmed; refused (naming the field) when a text is too long or holds a
    control character, or the period ends before it starts."""
    texts = {}
    for name in ("mrn", "kind", "template_code", "author"):
        value = str(getattr(filters, name) or "").strip()
        if len(value) > MAX_TEXT or any(ord(c) < 32 for c in value):
            raise ValidationFailed(
                f"Il filtro «{name}» non è valido (testo semplice, al massimo {MAX_TEXT} caratteri).",
                code="invalid_filter",
                field=name,
            )
        texts[name] = value
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise ValidationFailed(
            "La data finale precede la data iniziale.", code="invalid_period", field="date_to"
        )
    if filters.patient_id is not None and not 0 < filters.patient_id < 2**31:
        raise ValidationFailed(
            "Identificativo del paziente non valido.", code="invalid_filter", field="patient_id"
        )
    return DocumentFilters(
        patient_id=filters.patient_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
        **texts,
    )


def page_bounds(page: int, *, total: int, size: int = PAGE_SIZE) -> tuple[int, int, int]:
    """(page actually shown, offset, number of pages): a page past the end shows the last."""
    pages = max(1, -(-total // size))
    shown = min(max(1, page), pages, MAX_PAGE)
    return shown, (shown - 1) * size, pages


def body_diff(old: str, new: str, *, old_name: str, new_name: str) -> list[tuple[str, str]]:
    """A unified diff of two template bodies as (kind, line): kind is ``add``, ``del``,
    ``hunk`` or ``same`` (for the page's colours)."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_name, tofile=new_name, lineterm="", n=3
    )
    out: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            out.append(("hunk", line))
        elif line.startswith("+"):
            out.append(("add", line))
        elif line.startswith("-"):
            out.append(("del", line))
        else:
            out.append(("same", line))
    return out
