"""Verify the hash chains of the audit trail; exit 1 at the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from corsia.audit.selectors import chain_reports


class Command(BaseCommand):
    help = "Verify the audit event and access-log hash chains; report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = False
        for report in chain_reports():
            if report.broken is None:
                self.stdout.write(f"OK {report.table}: {report.entries} entries")
            else:
                broken = True
                self.stdout.write(
                    f"BROKEN {report.table}: entry {report.broken.entry_id}: {report.broken.reason}"
                )
        if broken:
            raise CommandError("audit chain broken")
