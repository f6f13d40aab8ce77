"""``manage.py fse_validate FILE.xml [FILE.xml ...]``: the gateway's validation, offline.

Prints every error and warning (stage, rule, the schematron's own message, where) and exits
1 if any file has an error, 2 if a file cannot be read; 0 when every file would be accepted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from corsia.fse.validation import validate_cda


class Command(BaseCommand):
    help = (
        "Valida uno o più documenti CDA2 come il gateway FSE 2.0 (XSD, schematron, terminologie)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        for path in options["files"]:
            try:
                xml = path.read_bytes()
            except OSError as error:
                raise CommandError(
                    f"{path}: non leggibile ({error.strerror})", returncode=2
                ) from None
            report = validate_cda(xml)
            kind = report.document_type or "tipo sconosciuto"
            status = "VALIDO" if report.ok else "NON VALIDO"
            self.stdout.write(
                f"{path}: {status} — {kind}, {len(report.errors)} errori, "
                f"{len(report.warnings)} avvisi (sha256 {report.sha256})"
            )
            for finding in report.findings:
                where = f" [{finding.location}]" if finding.location else ""
                self.stdout.write(
                    f"  {finding.severity.value.upper()} {finding.stage.value} "
                    f"{finding.rule}: {finding.message}{where}"
                )
            failed = failed or not report.ok
        if failed:
            raise CommandError("Almeno un documento non supera la validazione.", returncode=1)
