"""manage.py hl7_listener: HL7 v2.5 inbound over MLLP (ADT from the hospital's ADT, ORU
from the laboratory), on CORSIA_HL7_HOST:CORSIA_HL7_PORT (default 127.0.0.1:2575)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from corsia.administration.pumps.mllp import listen_until_signalled
from corsia.interop.listener import listener_run


class Command(BaseCommand):
    help = "Riceve via MLLP i messaggi HL7 v2.5 di ADT e laboratorio e risponde con l'ACK."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.CORSIA_HL7_HOST)
        parser.add_argument("--port", type=int, default=settings.CORSIA_HL7_PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        def write(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        listen_until_signalled(listener_run, options["host"], options["port"], write)
