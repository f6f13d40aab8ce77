"""Background jobs of the drug archive (procrastinate; discovered as ``<app>.tasks``)."""

from __future__ import annotations

from django.utils import timezone
from procrastinate.contrib.django import app

from corsia.drugs.services_archive_fetch import archive_sources_fetch


@app.periodic(cron="30 5 * * *", periodic_id="drugs_aifa_fetch")
@app.task(name="corsia.drugs.aifa_fetch", queue="drugs", queueing_lock="drugs_aifa_fetch")
def aifa_fetch_task(timestamp: int) -> None:
    """Every morning at 05:30: the AIFA open-data files of the configured source staged
    and diffed for the pharmacist's review (never applied here); half-diffed imports of
    an interrupted run resumed."""
    archive_sources_fetch(today=timezone.localdate())
