"""Background jobs of the agenda (procrastinate; discovered as ``<app>.tasks``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from corsia.agenda.services.plan_requests import COMPUTE_TASK, day_plan_compute
from corsia.agenda.services.reminders import bookings_to_remind, reminder_send


@app.task(name="corsia.agenda.reminder_send", queue="agenda")
def reminder_send_task(booking_id: int) -> None:
    """One booking's reminder (sent once: ``services/reminders.py``)."""
    reminder_send(booking_id=booking_id)


def reminders_defer(booking_ids: list[int]) -> int:
    """One job per booking (a booking already queued is not queued twice); how many."""
    queued = 0
    for booking_id in booking_ids:
        try:
            reminder_send_task.configure(queueing_lock=f"agenda_reminder_{booking_id}").defer(
                booking_id=booking_id
            )
            queued += 1
        except AlreadyEnqueued:
            continue
    return queued


@app.periodic(cron="0 15 * * *", periodic_id="agenda_reminders_tomorrow")
@app.task(name="corsia.agenda.reminders_due", queue="agenda", queueing_lock="agenda_reminders")
def reminders_due_task(timestamp: int) -> None:
    """Every afternoon at 15:00: tomorrow's bookings without a sent reminder get one."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    reminders_defer(bookings_to_remind(day=tomorrow))


@app.task(name=COMPUTE_TASK, queue="agenda")
def day_plan_compute_task(request_id: int) -> None:
    """One «Ottimizza la giornata»: the plan of a queued request computed and stored (up to
    the planner's time limit; ``services/plan_requests.py``)."""
    day_plan_compute(request_id=request_id)
