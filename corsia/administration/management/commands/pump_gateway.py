"""manage.py pump_gateway --host 127.0.0.1 --port 2575: the inbound MLLP listener."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from corsia.administration.pumps.gateway import gateway_run


class Command(BaseCommand):
    help = "Riceve via MLLP stati (PCD-01) e allarmi (PCD-04) delle pompe infusionali."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2575)

    def handle(self, *args: Any, **options: Any) -> None:
        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)

            def ready(port: int) -> None:
                self.stdout.write(f"LISTENING {options['host']}:{port}")
                self.stdout.flush()

            await gateway_run(options["host"], options["port"], stop=stop, on_ready=ready)

        asyncio.run(main())
