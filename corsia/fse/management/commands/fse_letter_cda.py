"""``manage.py fse_letter_cda LETTER_ID [--output FILE]``: the CDA2 (LDO or RSA) of a signed
letter, as the publication flow will send it, printed or written to FILE; then
``manage.py fse_validate FILE`` shows what the gateway would answer. Exit 1 with the reason
when the letter cannot become an FSE document (a draft, a diary report, a patient without
codice fiscale or STP/ENI, a signer without codice fiscale)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from corsia.core.domain.errors import CorsiaError
from corsia.fse.sources import letter_cda


class Command(BaseCommand):
    help = "Il CDA2 (LDO o RSA) di una lettera firmata, come andrà al gateway FSE 2.0."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("letter_id", type=int)
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            xml = letter_cda(options["letter_id"])
        except CorsiaError as refused:
            raise CommandError(f"{refused} ({refused.code})", returncode=1) from None
        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(xml.decode("utf-8"))
            return
        output.write_bytes(xml)
        self.stdout.write(f"{output}: {len(xml)} byte")
