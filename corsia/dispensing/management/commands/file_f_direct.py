"""Extract the month's direct-distribution File F (type D), a file of its own beside the
UFA's (``manage.py file_f``): ``manage.py file_f_direct --month 2026-10 --format csv|fixed
--user U --hospital-code C``. Excluded dispensings (no fiscal code, no AIC) are listed on
standard error; with ``--strict`` they make the command exit with status 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from corsia.core.actors import User
from corsia.core.domain.errors import CorsiaError
from corsia.dispensing import services
from corsia.inventory.domain.file_f import LAYOUT_VERSION


class Command(BaseCommand):
    help = "Estrae il File F della distribuzione diretta del mese (tipo D)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="AAAA-MM")
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
            extraction = services.dispensing_file_f_export(
                year=year,
                month=number,
                hospital_code=str(options["hospital_code"]),
                output_format=str(options["format"]),
                actor=user,
                workstation="manage.py file_f_direct",
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
            f"File F distribuzione diretta {month} ({LAYOUT_VERSION}): "
            f"{len(extraction.records)} record, {len(extraction.excluded)} esclusi."
        )
        if options["strict"] and extraction.excluded:
            raise CommandError(
                "Ci sono dispensazioni escluse: completa i dati e ripeti.", returncode=2
            )
