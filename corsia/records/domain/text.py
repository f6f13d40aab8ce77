"""Free clinical text as the chart keeps it: stripped, bounded, no characters PostgreSQL
cannot store (pure)."""

from __future__ import annotations

from corsia.core.domain.errors import ValidationFailed
from corsia.core.domain.text import has_unsafe_characters

# A diary entry, an anamnesis section: long enough for a full visit, not a file dump.
CLINICAL_TEXT_MAX = 20_000


def clinical_text(
    raw: str | None, *, field: str, required: bool = True, limit: int = CLINICAL_TEXT_MAX
) -> str:
    """The text stripped of surrounding blanks (inner line breaks kept).

    Refused with an Italian message: empty when ``required``, longer than ``limit``,
    a NUL or a lone surrogate (``invalid_characters``)."""
    text = (raw or "").strip()
    if has_unsafe_characters(text):
        raise ValidationFailed(
            "Il testo contiene caratteri non ammessi.", code="invalid_characters", field=field
        )
    if required and not text:
        raise ValidationFailed("Scrivi il testo.", code="required", field=field)
    if len(text) > limit:
        raise ValidationFailed(
            f"Il testo è troppo lungo (al massimo {limit} caratteri).",
            code="text_too_long",
            field=field,
        )
    return text


def one_line(raw: str | None, *, field: str, limit: int = 2000, required: bool = True) -> str:
    """A reason or a short note: blanks collapsed to single spaces."""
    return " ".join(clinical_text(raw, field=field, required=required, limit=limit).split())
