"""Helpers for the drug archive's tests: AIFA files written row by row, staged and diffed."""

from __future__ import annotations

from datetime import date

from corsia.core.actors import User
from corsia.drugs import services_archive
from corsia.drugs.models import Pack
from corsia.drugs.models_archive_import import ArchiveImport, PackShortage

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


def pack_withdrawn(pack: Pack, on: date) -> Pack:
    """The pack marked withdrawn from the market on ``on``, as an applied AIFA import does."""
    Pack.objects.filter(pk=pack.pk).update(withdrawn_on=on)
    pack.refresh_from_db()
    return pack


def pack_in_shortage(
    pack: Pack, since: date, *, expected_end: date | None = None, suggestion: str = ""
) -> PackShortage:
    """An open AIFA shortage of ``pack`` (the import that recorded it, applied)."""
    source = ArchiveImport.objects.create(
        kind="shortages",
        status="applied",
        file_name="carenze.csv",
        file_sha256="0" * 64,
        file_date=since,
        source="AIFA, elenco dei medicinali carenti",
        content=b"",
    )
    return PackShortage.objects.create(
        pack=pack,
        started_on=since,
        expected_end_on=expected_end,
        aifa_suggestion=suggestion,
        started_by_import=source,
    )
