"""Background jobs of the audit module (procrastinate; discovered as ``<app>.tasks``)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from corsia.audit.checkpoints import checkpoint_take


@app.periodic(cron="*/15 * * * *", periodic_id="audit_checkpoint")
@app.task(name="corsia.audit.checkpoint", queue="audit", queueing_lock="audit_checkpoint")
def audit_checkpoint_task(timestamp: int) -> None:
    """Every 15 minutes: seal both chains' heads (bounds what a tail deletion can hide)."""
    checkpoint_take()
