"""Demo appointments: today's patients of the demo hospital planned in the day hospital's
chairs every half hour from 08:30, so the nurse's worklist shows planned times."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from corsia.administration.models import Appointment
from corsia.administration.scheduling.services import PLANNABLE_STATES, appointment_set
from corsia.core.actors import User
from corsia.patients.selectors import places
from corsia.prescribing.selectors import orders_scheduled_on

FIRST = time(8, 30)
STEP = timedelta(minutes=30)


def ensure_demo_appointments(*, actor: User) -> int:
    """Plan today's demo orders that have no appointment yet (idempotent)."""
    today = timezone.localdate()
    orders = orders_scheduled_on(day=today, states=PLANNABLE_STATES)
    chairs = [place for place in places() if place.kind == "chair"]  # by ward, then code
    planned = set(
        Appointment.objects.filter(day=today).values_list("order_id", flat=True).distinct()
    )
    created = 0
    for number, order in enumerate(orders):
        if order.pk in planned:
            continue
        start = datetime.combine(today, FIRST) + STEP * number
        appointment_set(
            actor=actor,
            workstation="demo",
            order_id=order.pk,
            day=today,
            start=start.time(),
            place_id=chairs[number % len(chairs)].pk if chairs else None,
        )
        created += 1
    return created
