"""Verify the hash chains of the audit trail and their signed checkpoints; exit 1 on a break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from corsia.audit.checkpoints import checkpoint_problems, checkpoints_read
from corsia.audit.domain.chain import LEGACY, SHARDS
from corsia.audit.selectors import ChainReport, chain_reports


def _segment(report: ChainReport, segment: int) -> str:
    if segment == LEGACY:
        return f"{report.table} legacy segment"
    return f"{report.table} shard {segment}"


class Command(BaseCommand):
    help = (
        "Verify the audit event and access-log hash chains (the legacy segment and every "
        "shard, sealed with CORSIA_AUDIT_KEY, with the anchors between shards) and every "
        "signed checkpoint of their heads; report the first broken link of each segment."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        broken = False
        for report in chain_reports():
            in_use = len(report.shard_entries)
            summary = (
                f"{report.entries} entries (legacy segment {report.legacy_entries}, "
                f"{in_use} of {SHARDS} shards in use)"
            )
            if not report.breaks:
                self.stdout.write(f"OK {report.table}: {summary}")
                continue
            broken = True
            self.stdout.write(f"BROKEN {report.table}: {summary}")
            for segment, found in report.breaks.items():
                self.stdout.write(
                    f"BROKEN {_segment(report, segment)}: entry {found.entry_id}: {found.reason}"
                )
        problems = checkpoint_problems()
        for problem in problems:
            broken = True
            self.stdout.write(
                f"BROKEN {problem.segment}: checkpoint at id {problem.last_id}: {problem.reason}"
            )
        if not problems:
            self.stdout.write(f"OK checkpoints: {len(checkpoints_read())} verified")
        if broken:
            raise CommandError("audit chain broken")
