"""manage.py pump_gateway --host 127.0.0.1 --port 2575: the inbound MLLP listener."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from corsia.administration.pumps.gateway import gateway_run
from corsia.administration.pumps.mllp import listen_until_signalled


class Command(BaseCommand):
    help = "Riceve via MLLP stati (PCD-01) e allarmi (PCD-04) delle pompe infusionali."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2575)

    def handle(self, *args: Any, **options: Any) -> None:
        def write(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        listen_until_signalled(gateway_run, options["host"], options["port"], write)
