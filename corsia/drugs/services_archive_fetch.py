"""The scheduled fetch of AIFA open data: each configured file staged and diffed, never
applied (the pharmacist approves first).

The source is a directory (``CORSIA_AIFA_SOURCE_DIR``) or a base URL
(``CORSIA_AIFA_SOURCE_URL``) holding the files under the names of ``SOURCE_FILES``; with
neither configured the fetch does nothing and says so. A file identical to the last one
of its kind already staged (same SHA-256) is skipped. An import left half-diffed by an
interrupted run is resumed first.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings

from corsia.core.actors import User
from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.domain.aifa_open.adapters import DrugDatabaseAdapter, render_aifa_file
from corsia.drugs.domain.aifa_open.files import FileKind
from corsia.drugs.models_archive_import import ArchiveImport, ArchiveImportStatus
from corsia.drugs.services_archive import (
    MAX_FILE_BYTES,
    archive_import_diff,
    archive_import_stage,
)

logger = logging.getLogger(__name__)

SOURCE_FILES: dict[FileKind, str] = {
    FileKind.CLASS_A: "classe_a.csv",
    FileKind.CLASS_H: "classe_h.csv",
    FileKind.TRANSPARENCY: "trasparenza.csv",
    FileKind.SHORTAGES: "carenze.csv",
}
FETCH_TIMEOUT_SECONDS = 60


@dataclass
class FetchReport:
    staged: list[int] = field(default_factory=list)
    resumed: list[int] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def _read(kind: FileKind, directory: str, url: str) -> bytes | None:
    name = SOURCE_FILES[kind]
    if directory:
        path = Path(directory) / name
        return path.read_bytes() if path.is_file() else None
    target = f"{url.rstrip('/')}/{name}"
    if not target.startswith(("https://", "http://")):
        raise ValueError("CORSIA_AIFA_SOURCE_URL must be an http(s) URL")
    with urllib.request.urlopen(target, timeout=FETCH_TIMEOUT_SECONDS) as answer:  # noqa: S310  # scheme checked above
        content: bytes = answer.read(MAX_FILE_BYTES + 1)
    return content


def archive_sources_fetch(*, today: date) -> FetchReport:
    """Resume unfinished diffs, then stage and diff every new file of the configured source."""
    report = FetchReport()
    for item in ArchiveImport.objects.filter(status=ArchiveImportStatus.UPLOADED).order_by("pk"):
        archive_import_diff(import_id=item.pk)
        report.resumed.append(item.pk)
    directory = settings.CORSIA_AIFA_SOURCE_DIR
    url = settings.CORSIA_AIFA_SOURCE_URL
    if not directory and not url:
        report.messages.append(
            "Nessuna fonte AIFA configurata (CORSIA_AIFA_SOURCE_DIR o CORSIA_AIFA_SOURCE_URL): "
            "nessun file scaricato."
        )
        logger.info(report.messages[-1])
        return report
    for kind, name in SOURCE_FILES.items():
        try:
            content = _read(kind, directory, url)
        except OSError as error:
            report.messages.append(f"{name}: non letto ({error}).")
            logger.warning(report.messages[-1])
            continue
        if content is None:
            report.messages.append(f"{name}: assente nella fonte.")
            continue
        digest = hashlib.sha256(content).hexdigest()
        last = (
            ArchiveImport.objects.filter(kind=kind.value)
            .exclude(status=ArchiveImportStatus.FAILED)
            .order_by("-pk")
            .first()
        )
        if last is not None and last.file_sha256 == digest:
            report.messages.append(f"{name}: invariato dall'ultimo caricamento.")
            continue
        item = archive_import_stage(
            content=content,
            file_name=name,
            kind=kind.value,
            file_date=today,
            source=f"AIFA open data ({directory or url})"[:255],
        )
        archive_import_diff(import_id=item.pk)
        report.staged.append(item.pk)
        report.messages.append(f"{name}: caricato come aggiornamento n. {item.pk}, da rivedere.")
    return report


def archive_stage_from_adapter(
    *, adapter: DrugDatabaseAdapter, kind: FileKind, actor: User | None = None
) -> ArchiveImport:
    """A commercial database's records staged and diffed like an AIFA file (never applied)."""
    if kind not in adapter.kinds():
        raise ValidationFailed(
            f"{adapter.source_name} non fornisce «{kind.value}».", code="kind_not_provided"
        )
    release = adapter.release()
    item = archive_import_stage(
        content=render_aifa_file(adapter, kind),
        file_name=f"{adapter.source_name} {kind.value} {release.isoformat()}.csv",
        kind=kind.value,
        file_date=release,
        source=adapter.source_name,
        actor=actor,
    )
    return archive_import_diff(import_id=item.pk)
