"""Background jobs of the HL7 interface (procrastinate; discovered as ``<app>.tasks``)."""

from __future__ import annotations

from django.conf import settings
from procrastinate.contrib.django import app

from corsia.interop.services import outbound_due, outbound_send, parked_expire, parked_retry


@app.periodic(cron="*/5 * * * *", periodic_id="interop_parked_retry")
@app.task(name="corsia.interop.parked_retry", queue="interop", queueing_lock="interop_parked")
def parked_retry_task(timestamp: int) -> None:
    """Every 5 minutes: the parked messages tried again (what they wait for may have been
    typed by hand meanwhile); those parked too long become errors for IT staff."""
    parked_retry()
    parked_expire(hours=settings.CORSIA_HL7_PARK_HOURS)


@app.task(name="corsia.interop.outbound_send", queue="interop")
def outbound_send_task(message_id: int) -> None:
    """One attempt to send an outgoing message (deferred when it is stored, and again at
    each retry's time by the attempt that found no answer)."""
    outbound_send(message_id=message_id)


@app.periodic(cron="* * * * *", periodic_id="interop_outbound_due")
@app.task(name="corsia.interop.outbound_due", queue="interop", queueing_lock="interop_outbound")
def outbound_due_task(timestamp: int) -> None:
    """Every minute: pending messages that are due and have no send job get one."""
    outbound_due()
