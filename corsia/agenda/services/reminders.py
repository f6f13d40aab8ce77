"""Reminders of the call-in: one per booking, never twice.

``reminders_request`` (a nurse, from the call-in page or the API) and the daily job
(``tasks.py``: tomorrow's bookings, every afternoon) find the bookings still without a
sent reminder, and ``tasks.reminders_defer`` queues one job each (one queued job per
booking at most: a queueing lock); the job (``reminder_send``) composes the message, hands it to the
configured sender outside any transaction (no lock held across the network) and records
the attempt: sent or failed. A sent reminder is final: the next attempt finds it and stops,
and a unique index refuses a second sent row for the booking whatever the race.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from corsia.agenda import audit_events as events
from corsia.agenda.domain.states import BookingState
from corsia.agenda.models import Booking, Reminder, ReminderState
from corsia.agenda.permissions import REMIND
from corsia.agenda.selectors import agenda_get, day_in_range
from corsia.agenda.senders import ReminderMessage, SendFailed, reminder_sender
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission

logger = logging.getLogger("corsia.agenda.reminders")
EXPECTED = (BookingState.PLANNED.value, BookingState.CONFIRMED.value)


def bookings_to_remind(*, day: date, agenda_id: int | None = None) -> list[int]:
    """The day's expected bookings with no sent reminder."""
    rows = Booking.objects.filter(day=day, state__in=EXPECTED).exclude(
        reminders__state=ReminderState.SENT
    )
    if agenda_id is not None:
        rows = rows.filter(agenda_id=agenda_id)
    return list(rows.order_by("arrival_at").values_list("pk", flat=True))


def reminders_request(
    *, actor: User, workstation: Workstation, agenda_id: int, day: date
) -> list[int]:
    """The bookings of the agenda's day whose reminder is to be sent (those already sent
    are left out): the caller defers one job each (``tasks.reminders_defer``)."""
    require_permission(actor, REMIND, "Solo infermieri e coordinatori inviano i promemoria.")
    agenda = agenda_get(user=actor, agenda_id=agenda_id)
    return bookings_to_remind(day=day_in_range(day), agenda_id=agenda.pk)


def _message(booking: Booking) -> ReminderMessage:
    patient = booking.patient
    arrival = timezone.localtime(booking.arrival_at)
    tests = booking.booking_type.blood_tests
    text = (
        f"Gentile {patient.given_names} {patient.surname}, la aspettiamo il "
        f"{arrival:%d/%m/%Y} alle {arrival:%H:%M} presso {booking.agenda.name} "
        f"({booking.booking_type.name})."
        + (f" Prima dell'accesso: {tests}." if tests else "")
        + " Se non può venire, ci avvisi."
    )
    return ReminderMessage(
        subject=f"Promemoria appuntamento {arrival:%d/%m/%Y}",
        text=text,
        email=patient.email,
        phone=patient.phone,
    )


def reminder_send(*, booking_id: int) -> Reminder | None:
    """Send the booking's reminder unless it was sent or the booking is no longer
    expected; the attempt recorded (``None``: nothing to send)."""
    booking = (
        Booking.objects.select_related("patient", "agenda", "booking_type")
        .filter(pk=booking_id, state__in=EXPECTED)
        .first()
    )
    if booking is None or booking.reminders.filter(state=ReminderState.SENT).exists():
        return None
    sender = reminder_sender()
    state, detail = ReminderState.SENT, ""
    try:
        sender.send(_message(booking))
    except SendFailed as failure:
        state, detail = ReminderState.FAILED, str(failure)[:500]
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                booking=booking,
                channel=sender.channel,
                state=state,
                at=timezone.now(),
                detail=detail,
            )
            audit_record(
                event=events.REMINDER_SENT,
                actor=None,
                workstation=None,
                target=reminder,
                patient_id=booking.patient_id,
                after={
                    "booking": booking.pk,
                    "channel": sender.channel,
                    "state": state,
                    "detail": detail,
                },
            )
    except IntegrityError:  # another worker sent it meanwhile: theirs is the one kept
        logger.warning("promemoria della prenotazione %s già inviato", booking_id)
        return None
    return reminder
