"""Import an external drug database file into the archive (all or nothing).

manage.py drugs_import FILE.jsonl|FILE.csv --source "Farmadati 2026-11"
manage.py drugs_import Classe_H.csv --aifa-class H
manage.py drugs_import --reference          # the data shipped in corsia/drugs/data
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from corsia.core.domain.errors import CorsiaError
from corsia.drugs import services


class Command(BaseCommand):
    help = "Importa un file di banca dati farmaci (.jsonl, .csv) o una lista AIFA classe A/H."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="file da importare")
        parser.add_argument("--source", default="", help="fonte dei dati (es. 'Farmadati 2026-11')")
        parser.add_argument("--aifa-class", choices=["A", "H"], help="il file è una lista AIFA")
        parser.add_argument("--reference", action="store_true", help="carica i dati di riferimento")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["reference"]:
                run = services.drugs_reference_load()
            else:
                if not options["file"]:
                    raise CommandError("Indica il file da importare (o --reference).")
                path = Path(options["file"])
                if options["aifa_class"]:
                    run = services.aifa_list_import(
                        content=path.read_bytes(),
                        file_name=path.name,
                        reimbursement_class=options["aifa_class"],
                    )
                else:
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
