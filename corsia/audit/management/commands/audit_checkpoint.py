"""Seal the heads of the audit chains into the checkpoint file (the worker does it every 15 min)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from corsia.audit.checkpoints import checkpoint_take


class Command(BaseCommand):
    help = "Append a signed checkpoint of each audit chain's head to CORSIA_AUDIT_CHECKPOINT_DIR."

    def handle(self, *args: Any, **options: Any) -> None:
        for point in checkpoint_take():
            self.stdout.write(f"{point.segment}: {point.entries} entries up to id {point.last_id}")
