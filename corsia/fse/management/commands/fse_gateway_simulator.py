"""``manage.py fse_gateway_simulator --port N``: the FSE 2.0 gateway stand-in
(``corsia/fse/simulator.py``) for the demo, trusting Corsia's JWT certificate (the demo
one under var/fse/, or ``--certificate PEM``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from corsia.fse.keys import signing_key
from corsia.fse.simulator import serve


class Command(BaseCommand):
    help = "Avvia il simulatore del gateway FSE 2.0 (solo per test e dimostrazione)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8089)
        parser.add_argument("--certificate", default="", help="PEM of the JWT signing certificate")

    def handle(self, *args: Any, **options: Any) -> None:
        cert = (
            Path(options["certificate"]).read_bytes()
            if options["certificate"]
            else signing_key().certificate_pem
        )
        server = serve(host=options["host"], port=options["port"], certificate_pem=cert)
        host, port = str(server.server_address[0]), server.server_address[1]
        self.stdout.write(f"Simulatore del gateway FSE su http://{host}:{port}/v1")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            server.shutdown()
