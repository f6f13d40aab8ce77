"""Verify the hash chains of the audit trail and their signed checkpoints; exit 1 on a break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from corsia.audit.checkpoints import checkpoint_problems, checkpoints_read
from corsia.audit.selectors import chain_reports


class Command(BaseCommand):
    help = (
        "Verify the audit event and access-log hash chains (sealed with CORSIA_AUDIT_KEY) and "
        "every signed checkpoint of their heads; report the first broken link."
    )

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
        problems = checkpoint_problems()
        for problem in problems:
            broken = True
            self.stdout.write(
                f"BROKEN {problem.table}: checkpoint at id {problem.last_id}: {problem.reason}"
            )
        if not problems:
            self.stdout.write(f"OK checkpoints: {len(checkpoints_read())} verified")
        if broken:
            raise CommandError("audit chain broken")
