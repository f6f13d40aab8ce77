"""A patient's own appointments, for the patient portal (``corsia.portal``): frozen data, no
table of the agenda outside this module; the caller (the portal) logs the patient's read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from corsia.agenda.domain.states import STATE_LABELS_IT, BookingState
from corsia.agenda.models import Booking


@dataclass(frozen=True)
class PatientBooking:
    booking_id: int
    agenda_name: str
    booking_name: str
    arrival_at: datetime
    start_at: datetime
    end_at: datetime
    state: str
    state_label: str
    blood_tests: str


def patient_bookings(*, patient_id: int, since: datetime) -> list[PatientBooking]:
    """The patient's appointments ending from ``since`` on, cancelled ones left out, first
    first."""
    rows = (
        Booking.objects.filter(patient_id=patient_id, end_at__gte=since)
        .exclude(state=BookingState.CANCELLED.value)
        .select_related("agenda", "booking_type")
        .order_by("start_at", "id")
    )
    return [
        PatientBooking(
            booking_id=row.pk,
            agenda_name=row.agenda.name,
            booking_name=row.booking_type.name,
            arrival_at=row.arrival_at,
            start_at=row.start_at,
            end_at=row.end_at,
            state=row.state,
            state_label=STATE_LABELS_IT[BookingState(row.state)],
            blood_tests=row.booking_type.blood_tests,
        )
        for row in rows
    ]
