"""The daily clinical diary (diaria): the kinds of entry and the rule that a signed entry
is never changed — a correction is a new entry that supersedes it (pure)."""

from __future__ import annotations

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ConflictError, ValidationFailed


class EntryKind(LabelledCode):
    VISIT = "visit", "Visita"
    WARD_ROUND = "ward_round", "Giro visita"
    PHYSICAL_EXAM = "physical_exam", "Esame obiettivo"
    CONSULT = "consult", "Consulenza"
    NOTE = "note", "Nota"


KIND_LABELS_IT: dict[EntryKind, str] = EntryKind.labels_it()


def entry_kind(raw: str | None) -> EntryKind:
    try:
        return EntryKind((raw or "").strip())
    except ValueError:
        raise ValidationFailed(
            "Scegli il tipo di annotazione.", code="entry_kind_invalid", field="kind"
        ) from None


def ensure_correctable(*, superseded: bool) -> None:
    """Only the newest version of an entry may be corrected (a chain, never a fork)."""
    if superseded:
        raise ConflictError(
            "L'annotazione è già stata corretta: correggi la versione più recente.",
            code="diary_entry_superseded",
        )
