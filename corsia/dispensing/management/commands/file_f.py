"""Extract the month's File F:
``manage.py file_f --month 2026-10 [--type S|D] --format csv|fixed --user U --hospital-code C``.

``--type S`` (the default) is the UFA's file: the patient-linked stock unloads (drugs given
in day hospital / clinic, ``corsia.inventory``); ``--type D`` is the direct distribution's
own file: the pharmacy desk's dispensings (``corsia.dispensing``). One command and one
exporter (``inventory.services.file_f_export``) for both, each with its source: the command
lives here, where it may use both modules. Writes the file to ``--output`` (or standard
output); excluded records (no fiscal code, no AIC) are listed on standard error and make
the command exit with status 2 when ``--strict`` is given. The extraction is audited as
the ``--user`` who runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from corsia.core.actors import User
from corsia.core.domain.errors import CorsiaError
from corsia.dispensing.services import FILE_F_DIRECT
from corsia.inventory.domain.file_f import LAYOUT_VERSION, DispensationType
from corsia.inventory.services import FILE_F_UFA, FileFSource, file_f_export


@dataclass(frozen=True)
class _Kind:
    source: FileFSource
    excluded: str


KINDS: dict[str, _Kind] = {
    DispensationType.ADMINISTERED.value: _Kind(FILE_F_UFA, "movimenti esclusi"),
    DispensationType.DIRECT.value: _Kind(FILE_F_DIRECT, "dispensazioni escluse"),
}


class Command(BaseCommand):
    help = (
        "Estrae il File F del mese: tipo S (somministrati in ospedale, default) o D "
        "(distribuzione diretta)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="AAAA-MM")
        parser.add_argument(
            "--type",
            choices=tuple(KINDS),
            default=DispensationType.ADMINISTERED.value,
            help="S: somministrati (UFA, default); D: distribuzione diretta",
        )
        parser.add_argument("--format", choices=("csv", "fixed"), default="csv")
        parser.add_argument("--user", required=True, help="utente che estrae (audit)")
        parser.add_argument(
            "--hospital-code",
            default=getattr(settings, "CORSIA_FILE_F_HOSPITAL_CODE", ""),
            help="codice della struttura per la Regione",
        )
        parser.add_argument("--output", help="file di destinazione (default: standard output)")
        parser.add_argument("--strict", action="store_true", help="errore se ci sono esclusioni")

    def handle(self, *args: Any, **options: Any) -> None:
        month = str(options["month"])
        kind = KINDS[str(options["type"])]
        try:
            year, number = (int(part) for part in month.split("-"))
            if not 1 <= number <= 12 or len(month) != 7:
                raise ValueError(month)
        except ValueError:
            raise CommandError(f"Mese non valido: «{month}» (atteso AAAA-MM).") from None
        if not options["hospital_code"]:
            raise CommandError("Indica --hospital-code (codice della struttura).")
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Utente «{options['user']}» inesistente.")
        try:
            extraction = file_f_export(
                year=year,
                month=number,
                hospital_code=str(options["hospital_code"]),
                output_format=str(options["format"]),
                actor=user,
                workstation="manage.py file_f",
                source=kind.source,
            )
        except CorsiaError as problem:
            raise CommandError(problem.message) from None
        if options["output"]:
            Path(options["output"]).write_text(extraction.text, encoding="ascii", newline="")
        else:
            self.stdout.write(extraction.text, ending="")
        for item in extraction.excluded:
            self.stderr.write(f"escluso: {item.source}: {item.reason}")
        self.stderr.write(
            f"{kind.source.title} {month} ({LAYOUT_VERSION}): {len(extraction.records)} record, "
            f"{len(extraction.excluded)} esclusi."
        )
        if options["strict"] and extraction.excluded:
            raise CommandError(f"Ci sono {kind.excluded}: completa i dati e ripeti.", returncode=2)
