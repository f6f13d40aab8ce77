"""Background jobs of the FSE gateway flow (procrastinate; discovered as ``<app>.tasks``)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from corsia.fse.models import FseDocument
from corsia.fse.services import fse_document_send, fse_due, fse_status_poll


@app.task(name="corsia.fse.send", queue="fse")
def send_task(document_id: int) -> None:
    """One attempt at the document's next step (deferred when it is queued, and again at
    each retry's time by the attempt that found the gateway away)."""
    fse_document_send(document_id=document_id)


@app.periodic(cron="* * * * *", periodic_id="fse_due")
@app.task(name="corsia.fse.due", queue="fse", queueing_lock="fse_due")
def due_task(timestamp: int) -> None:
    """Every minute: documents due for an attempt that have no job get one."""
    fse_due()


@app.periodic(cron="*/10 * * * *", periodic_id="fse_status")
@app.task(name="corsia.fse.status", queue="fse", queueing_lock="fse_status")
def status_task(timestamp: int) -> None:
    """Every 10 minutes: how INI and EDS took the documents published in the last days."""
    for pk in (
        FseDocument.objects.filter(state="published")
        .exclude(gateway_status__endswith="SUCCESS", gateway_status__startswith="SEND_TO_EDS")
        .values_list("pk", flat=True)[:200]
    ):
        fse_status_poll(document_id=pk)
