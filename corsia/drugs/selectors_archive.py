"""Reads of the staged AIFA updates of the archive, for the review page and the API."""

from __future__ import annotations

from collections import Counter

from django.db.models import QuerySet

from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.drugs.domain.aifa_open.diff import FIELD_LABELS_IT, ChangeKind
from corsia.drugs.models_archive_import import (
    ArchiveChange,
    ArchiveImport,
    ChangeDecision,
    PackProvenance,
)


def archive_imports_recent(*, limit: int = 50, offset: int = 0) -> QuerySet[ArchiveImport]:
    return ArchiveImport.objects.defer("content").order_by("-pk")[offset : offset + limit]


def archive_imports_count() -> int:
    return ArchiveImport.objects.count()


def archive_import_get(*, import_id: int) -> ArchiveImport:
    found = ArchiveImport.objects.defer("content").filter(pk=import_id).first()
    if found is None:
        raise NotFound(
            f"Aggiornamento dell'archivio n. {import_id} inesistente.",
            code="archive_import_not_found",
        )
    return found


def archive_changes(
    *, archive_import: ArchiveImport, kind: str = "", decision: str = "", field: str = ""
) -> QuerySet[ArchiveChange]:
    """The import's proposed changes, filtered; unknown filter values are refused."""
    if kind and kind not in ChangeKind.__members__.values():
        raise ValidationFailed(
            f"Tipo di modifica «{kind}» sconosciuto.", code="kind_unknown", field="kind"
        )
    if decision and decision not in ChangeDecision.values:
        raise ValidationFailed(
            f"Decisione «{decision}» sconosciuta.", code="decision_unknown", field="decision"
        )
    if field and field not in FIELD_LABELS_IT:
        raise ValidationFailed(f"Campo «{field}» sconosciuto.", code="field_unknown", field="field")
    query = archive_import.changes.all()
    if kind:
        query = query.filter(kind=kind)
    if decision:
        query = query.filter(decision=decision)
    if field:
        query = query.filter(field=field)
    return query.order_by("kind", "aic", "field", "pk")


def archive_change_counts(*, archive_import: ArchiveImport) -> dict[str, int]:
    """How many changes of each kind, and of each decision (``decision:<value>``)."""
    counts: Counter[str] = Counter()
    for kind, decision in archive_import.changes.values_list("kind", "decision"):
        counts[kind] += 1
        counts[f"decision:{decision}"] += 1
    return dict(counts)


def pack_provenance(*, pack_id: int) -> QuerySet[PackProvenance]:
    return PackProvenance.objects.filter(pack_id=pack_id).order_by("-recorded_at", "field")
