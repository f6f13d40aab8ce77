"""Helpers for the drug archive's tests: AIFA files written row by row, staged and diffed."""

from __future__ import annotations

from datetime import date

from corsia.core.actors import User
from corsia.drugs import services_archive
from corsia.drugs.models_archive_import import ArchiveImport

CLASS_HEADER = (
    "Principio Attivo;Descrizione Gruppo;Denominazione e Confezione;Prezzo al pubblico €;"
    "Titolare AIC;Codice AIC;Codice gruppo equivalenza;ATC"
)
SHORTAGE_HEADER = (
    "Nome medicinale;Codice AIC;Principio attivo;Forma farmaceutica e dosaggio;Titolare AIC;"
    "Data inizio;Fine presunta;Equivalente;Motivazioni;Suggerimenti/Indicazioni AIFA"
)


def aifa_file(header: str, *rows: str) -> bytes:
    """A semicolon-separated AIFA file, UTF-8 with BOM and CRLF as AIFA publishes them."""
    return "\ufeff".encode() + ("\r\n".join([header, *rows]) + "\r\n").encode()


def staged(
    content: bytes,
    *,
    kind: str = "class_h",
    file_date: date = date(2026, 12, 1),
    name: str = "classe_h.csv",
    actor: User | None = None,
    batch_rows: int = 500,
) -> ArchiveImport:
    """The file staged and diffed (the archive unchanged)."""
    item = services_archive.archive_import_stage(
        content=content, file_name=name, kind=kind, file_date=file_date, actor=actor
    )
    return services_archive.archive_import_diff(import_id=item.pk, batch_rows=batch_rows)


def approved_and_applied(item: ArchiveImport, pharmacist: User) -> ArchiveImport:
    services_archive.archive_import_approve(import_id=item.pk, actor=pharmacist)
    return services_archive.archive_import_apply(import_id=item.pk, actor=pharmacist)
