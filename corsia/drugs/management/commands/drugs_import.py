"""Import an external drug database file into the archive (all or nothing).

manage.py drugs_import FILE.jsonl|FILE.csv --source "Farmadati 2026-11"
manage.py drugs_import Classe_H.csv --aifa-class H
                                            # = --stage class_h: staged for review too
manage.py drugs_import --reference          # the data shipped in corsia/drugs/data
manage.py drugs_import Carenze.csv --stage shortages [--date 2026-12-01]
                                            # staged for review, never applied here
manage.py drugs_import --apply 12           # applies import 12 once a pharmacist approved it
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from corsia.core.domain.errors import CorsiaError
from corsia.drugs import services, services_archive
from corsia.drugs.domain.aifa_open.files import FileKind
from corsia.drugs.models_archive_import import ArchiveImport


class Command(BaseCommand):
    help = "Importa un file di banca dati farmaci (.jsonl, .csv) o una lista AIFA classe A/H."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="file da importare")
        parser.add_argument("--source", default="", help="fonte dei dati (es. 'Farmadati 2026-11')")
        parser.add_argument(
            "--aifa-class",
            choices=["A", "H"],
            help="il file è una lista AIFA (come --stage class_a/class_h: in revisione)",
        )
        parser.add_argument("--reference", action="store_true", help="carica i dati di riferimento")
        parser.add_argument(
            "--stage",
            choices=[k.value for k in FileKind],
            help="file AIFA da confrontare con l'archivio e lasciare in revisione",
        )
        parser.add_argument("--date", help="data di pubblicazione del file AIFA (AAAA-MM-GG)")
        parser.add_argument(
            "--apply", type=int, metavar="ID", help="applica un aggiornamento AIFA approvato"
        )

    def _progress(self, item: ArchiveImport) -> None:
        self.stdout.write(f"aggiornamento {item.pk}: {item.processed_rows}/{item.total_rows} righe")

    def _stage(self, path: Path, kind: str, when: str | None) -> None:
        try:
            file_date = date.fromisoformat(when) if when else timezone.localdate()
        except ValueError:
            raise CommandError(f"Data «{when}» non valida: scrivila AAAA-MM-GG.") from None
        item = services_archive.archive_import_stage(
            content=path.read_bytes(), file_name=path.name, kind=kind, file_date=file_date
        )
        item = services_archive.archive_import_diff(import_id=item.pk, after_batch=self._progress)
        if item.status == "failed":
            raise CommandError(f"{path.name}: {item.error_message} ({item.error_code})")
        changes = item.changes.count()
        self.stdout.write(
            f"aggiornamento {item.pk}: {item.processed_rows}/{item.total_rows} righe, "
            f"{changes} modifiche proposte, {len(item.problems)} righe non lette; "
            "da rivedere e approvare prima di applicarlo"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["apply"] is not None:
                item = services_archive.archive_import_apply(import_id=options["apply"])
                self.stdout.write(
                    f"aggiornamento {item.pk}: {item.applied_changes} modifiche applicate"
                )
                return
            # The older --aifa-class wrote the class A/H list into the archive at once:
            # it is now the same staged import (diff, a pharmacist's review, --apply).
            kind = options["stage"] or (
                f"class_{options['aifa_class'].lower()}" if options["aifa_class"] else None
            )
            if kind:
                if not options["file"]:
                    raise CommandError("Indica il file AIFA da confrontare.")
                self._stage(Path(options["file"]), kind, options["date"])
                return
            if options["reference"]:
                run = services.drugs_reference_load()
            else:
                if not options["file"]:
                    raise CommandError("Indica il file da importare (o --reference).")
                path = Path(options["file"])
                run = services.catalogue_import(
                    content=path.read_bytes(),
                    file_name=path.name,
                    source=options["source"] or f"file {path.name}",
                )
        except CorsiaError as error:
            lines = [error.message]
            for problem in error.details.get("errors", []):
                lines.append(f"  riga {problem['line']}: {problem['message']}")
            raise CommandError("\n".join(lines)) from error
        self.stdout.write(
            f"{run.file_name}: {run.created} creati, {run.updated} aggiornati, "
            f"{run.unchanged} invariati"
        )
