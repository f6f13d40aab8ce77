"""Load reference data (always) and the demo hospital (with --demo). Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from corsia.demo import setup
from corsia.regimens.data.loader import LibraryFileError


class Command(BaseCommand):
    help = "Synchronise roles, load reference data and, with --demo, the demo hospital."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="also load the demo hospital")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            for line in setup.reference_data():
                self.stdout.write(line)
            if options["demo"]:
                for line in setup.demo_hospital():
                    self.stdout.write(line)
        except LibraryFileError as wrong:  # a hospital's own regimen file: say which, and why
            raise CommandError(f"regimen library: {wrong}") from None
