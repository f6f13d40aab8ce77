"""Background jobs of the HL7 interface (procrastinate; discovered as ``<app>.tasks``)."""

from __future__ import annotations

from django.conf import settings
from procrastinate.contrib.django import app

from corsia.interop.services import parked_expire, parked_retry


@app.periodic(cron="*/5 * * * *", periodic_id="interop_parked_retry")
@app.task(name="corsia.interop.parked_retry", queue="interop", queueing_lock="interop_parked")
def parked_retry_task(timestamp: int) -> None:
    """Every 5 minutes: the parked messages tried again (what they wait for may have been
    typed by hand meanwhile); those parked too long become errors for IT staff."""
    parked_retry()
    parked_expire(hours=settings.CORSIA_HL7_PARK_HOURS)
