"""When a patient's day of an order starts, and where (chair or bed): the appointment.

Planned times of each drug follow from the appointment through ``domain/schedule.py``;
``selectors.appointments_for`` is what the bedside rules and the worklist read.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from corsia.administration import audit_events as events
from corsia.administration.models import Appointment
from corsia.administration.permissions import SCHEDULE
from corsia.administration.scheduling.selectors import appointments_for
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.patients.selectors import place_by_id
from corsia.prescribing.selectors import order_for_update

# A day can be planned while the order is on its way or at the bedside, not once it is over.
PLANNABLE_STATES = frozenset(
    {
        "confirmed",
        "sent_to_pharmacy",
        "validated",
        "taken_in_charge",
        "in_preparation",
        "prepared",
        "delivered",
    }
)


def appointment_set(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    day: date,
    start: time,
    place_id: int | None = None,
    reason: str = "",
) -> Appointment:
    """Plan (or re-plan, with a reason) when and where the order's ``day`` starts."""
    require_permission(
        actor, SCHEDULE, message="Solo infermieri e coordinatori pianificano le somministrazioni."
    )
    reason = reason.strip()
    with transaction.atomic():
        order = order_for_update(order_id)
        if order.state not in PLANNABLE_STATES:
            raise ConflictError(
                f"La prescrizione è «{order.state_label}»: non si pianifica.",
                code="order_not_plannable",
                details={"state": order.state},
            )
        if not order.items.filter(scheduled_date=day).exists():
            raise ValidationFailed(
                f"La prescrizione non ha farmaci il {day:%d/%m/%Y}.",
                code="day_not_in_order",
                field="day",
            )
        place = None
        if place_id is not None:
            place = place_by_id(place_id)
            if place is None:
                raise ValidationFailed("Posto inesistente.", code="place_not_found", field="place")
        previous = appointments_for([(order.pk, day)]).get((order.pk, day))
        if previous is not None and not reason:
            raise ValidationFailed(
                "Il giorno è già pianificato: indicare il motivo della ripianificazione.",
                code="reason_required",
                field="reason",
            )
        planned = timezone.make_aware(datetime.combine(day, start))
        appointment = Appointment.objects.create(
            order=order,
            day=day,
            planned_start=planned,
            place=place,
            reason=reason,
            created_at=timezone.now(),
            created_by=actor,
            workstation=workstation_label(workstation),
        )
        audit_record(
            event=events.APPOINTMENT_SET,
            actor=actor,
            workstation=workstation,
            target=appointment,
            patient_id=order.patient_id,
            before=(
                {"planned_start": previous.planned_start.isoformat(), "place": previous.place_id}
                if previous
                else None
            ),
            after={"planned_start": planned.isoformat(), "place": place_id},
            reason=reason,
        )
    return appointment
