"""Versions: documents are corrected by a new version; templates edited by a new version."""

from __future__ import annotations

from dataclasses import dataclass

from corsia.core.domain.errors import ConflictError, ValidationFailed


@dataclass(frozen=True)
class DocumentVersion:
    """What the correction rule needs to know about the document being corrected."""

    version: int
    superseded: bool


def correction_version(current: DocumentVersion, *, reason: str) -> int:
    """The version number of the correction of ``current``.

    Only the latest version of a chain can be corrected (two corrections of the same
    version would fork the record), and a correction always says why.
    """
    if not reason.strip():
        raise ValidationFailed(
            "Per correggere un documento è obbligatorio indicare il motivo.",
            code="reason_required",
            field="reason",
        )
    if current.superseded:
        raise ConflictError(
            "Questo documento è già stato sostituito da una versione successiva: "
            "correggi l'ultima versione.",
            code="document_already_superseded",
        )
    return current.version + 1


def next_template_version(latest: int | None, *, expected: int | None) -> int:
    """The next version of a template, refusing an edit built on an outdated copy.

    ``latest`` is the highest stored version (None when only the shipped file
    default exists, i.e. version 0); ``expected`` is the version the edit form showed.
    """
    current = latest or 0
    if expected is not None and expected != current:
        raise ConflictError(
            f"Il modello è stato modificato (versione {current}) mentre lo stavi "
            f"modificando (versione {expected}): ricarica la pagina.",
            code="stale_version",
            details={"expected_version": expected, "current_version": current},
        )
    return current + 1
