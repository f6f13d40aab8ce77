"""Accesses for the clinical statistics (capitolato §21): the bookings a patient came to,
as frozen rows. The report that reads them checks its permission and writes the access
log for its run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Min

from corsia.agenda.domain.states import BookingState
from corsia.agenda.models import Booking

# the patient came: arrived, under way or concluded
ATTENDED = (BookingState.ARRIVED.value, BookingState.STARTED.value, BookingState.DONE.value)


@dataclass(frozen=True, slots=True)
class AccessStat:
    booking_id: int
    patient_id: int
    day: date
    access_kind: str  # BookingKind: therapy, visit, follow_up…
    access_kind_label: str
    booking_type: str
    agenda_code: str
    agenda_name: str
    agenda_kind: str  # day_hospital, outpatient, ward
    order_id: int | None


def accesses_between(*, first: date, last: date) -> list[AccessStat]:
    """Attended bookings with day in [first, last], by day."""
    rows = (
        Booking.objects.filter(day__gte=first, day__lte=last, state__in=ATTENDED)
        .select_related("agenda", "booking_type")
        .order_by("day", "id")
    )
    return [
        AccessStat(
            booking_id=b.pk,
            patient_id=b.patient_id,
            day=b.day,
            access_kind=b.booking_type.kind,
            access_kind_label=b.booking_type.get_kind_display(),
            booking_type=b.booking_type.name,
            agenda_code=b.agenda.code,
            agenda_name=b.agenda.name,
            agenda_kind=b.agenda.kind,
            order_id=b.order_id,
        )
        for b in rows
    ]


def first_access_days(*, patient_ids: Iterable[int]) -> dict[int, date]:
    """Each patient's first attended access ever (those never seen are absent)."""
    rows = (
        Booking.objects.filter(patient_id__in=list(patient_ids), state__in=ATTENDED)
        .values("patient_id")
        .annotate(first=Min("day"))
    )
    return {r["patient_id"]: r["first"] for r in rows}


def first_visit_days(*, patient_ids: Iterable[int]) -> dict[int, date]:
    """Each patient's first attended visit (booking kind 'visit') ever."""
    rows = (
        Booking.objects.filter(
            patient_id__in=list(patient_ids), state__in=ATTENDED, booking_type__kind="visit"
        )
        .values("patient_id")
        .annotate(first=Min("day"))
    )
    return {r["patient_id"]: r["first"] for r in rows}


def last_access_days(*, patient_ids: Iterable[int], until: date) -> dict[int, date]:
    """Each patient's last attended access on or before ``until`` (the last news of them, for
    a survival curve's censoring)."""
    rows = (
        Booking.objects.filter(patient_id__in=list(patient_ids), state__in=ATTENDED, day__lte=until)
        .values("patient_id")
        .annotate(last=Max("day"))
    )
    return {r["patient_id"]: r["last"] for r in rows}
