"""The CUP's bookings (SIU^S12–S15 read by ``corsia.interop``) landing in the agenda.

The CUP names its appointment (SCH-2, the filler id) and a service (AIS-3), possibly a
location (AIL-3); ``CupServiceMapping`` turns these into the booking type, and so the
agenda. The booking is an ordinary one — every check of ``booking_create`` /
``booking_move`` / ``booking_transition`` applies, with the same audit rows — made *to be
placed* (no chair or bed: the day's plan places it), carrying the appointment's reference
(unique per sending system among the bookings not cancelled).

* a closed day, a time outside the shifts, a full day are **refused** (the agenda's rule
  for any booking): the CUP is told, nothing lands silently elsewhere;
* the same appointment with the same content again changes nothing (``unchanged``);
* a new time: the booking moves; a new service or duration: the booking is cancelled and
  booked again (the reference goes with it), in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.db import transaction

from corsia.agenda.domain.states import BookingEvent, BookingState
from corsia.agenda.models import Booking, BookingType, CupServiceMapping
from corsia.agenda.services.bookings import (
    BookingInput,
    ExternalRef,
    booking_create,
    booking_move,
    booking_transition,
)
from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import ConflictError, NotFound


@dataclass(frozen=True)
class CupAppointment:
    system: str  # the sender: MSH-4:MSH-3
    external_id: str  # SCH-2.1, the CUP's appointment id
    service_code: str  # AIS-3.1
    location_code: str  # AIL-3.1
    patient_id: int
    day: date
    start: time
    minutes: int | None  # on the place; None: the booking type's
    reason: str  # the message that asks it (the audit's reason)

    @property
    def content(self) -> str:
        minutes = "" if self.minutes is None else str(self.minutes)
        return "|".join(
            (
                self.service_code,
                self.location_code,
                self.day.isoformat(),
                f"{self.start:%H:%M}",
                minutes,
            )
        )


@dataclass(frozen=True)
class CupResult:
    action: str  # created, unchanged, moved, rebooked, cancelled, already_cancelled
    booking_id: int
    agenda_id: int


def cup_booking_type(*, system: str, service_code: str, location_code: str) -> BookingType | None:
    """The booking type of a CUP service: the most specific active mapping (this sender
    and location, then any sender or any location)."""
    rows = CupServiceMapping.objects.filter(
        is_active=True,
        service_code=service_code,
        system__in=(system, ""),
        location_code__in=(location_code, ""),
        booking_type__is_active=True,
    ).select_related("booking_type")
    ranked = sorted(rows, key=lambda m: (m.system == "", m.location_code == ""))
    return ranked[0].booking_type if ranked else None


def _active(system: str, external_id: str) -> Booking | None:
    return (
        Booking.objects.filter(external_system=system[:80], external_id=external_id[:80])
        .exclude(state=BookingState.CANCELLED.value)
        .first()
    )


def _book(actor: User, workstation: Workstation, data: CupAppointment) -> Booking:
    booking_type = cup_booking_type(
        system=data.system, service_code=data.service_code, location_code=data.location_code
    )
    if booking_type is None:
        raise NotFound(
            f"La prestazione «{data.service_code}» del CUP"
            + (f" (sede «{data.location_code}»)" if data.location_code else "")
            + " non corrisponde a nessun tipo di prenotazione delle agende.",
            code="cup_service_unmapped",
            field="service_code",
        )
    return booking_create(
        actor=actor,
        workstation=workstation,
        data=BookingInput(
            agenda_id=booking_type.agenda_id,
            booking_type_id=booking_type.pk,
            patient_id=data.patient_id,
            day=data.day,
            start=data.start,
            minutes=data.minutes,
            notes=data.reason,
        ),
        external=ExternalRef(data.system, data.external_id, data.content),
    )


def cup_booking_book(*, actor: User, workstation: Workstation, data: CupAppointment) -> CupResult:
    """A new CUP appointment (S12) booked, to be placed; the same one again: unchanged."""
    with transaction.atomic():
        existing = _active(data.system, data.external_id)
        if existing is not None:
            if existing.external_content == data.content and existing.patient_id == data.patient_id:
                return CupResult("unchanged", existing.pk, existing.agenda_id)
            raise ConflictError(
                f"L'appuntamento {data.external_id} è già prenotato con altri dati: "
                "per cambiarlo il CUP invia uno spostamento (S13) o una modifica (S14).",
                code="cup_appointment_exists",
                field="external_id",
            )
        booking = _book(actor, workstation, data)
    return CupResult("created", booking.pk, booking.agenda_id)


def _unknown(external_id: str) -> NotFound:
    return NotFound(
        f"L'appuntamento {external_id} del CUP non è in agenda.",
        code="cup_appointment_unknown",
        field="external_id",
    )


def _same_patient(booking: Booking, patient_id: int) -> None:
    if booking.patient_id != patient_id:
        raise ConflictError(
            f"L'appuntamento {booking.external_id} è di un altro paziente.",
            code="cup_patient_changed",
            field="patient_id",
        )


def cup_booking_change(*, actor: User, workstation: Workstation, data: CupAppointment) -> CupResult:
    """A CUP appointment rescheduled (S13) or modified (S14): moved when only its day or
    time changes, cancelled and booked again when its service or duration does."""
    with transaction.atomic():
        booking = _active(data.system, data.external_id)
        if booking is None:
            raise _unknown(data.external_id)
        _same_patient(booking, data.patient_id)
        if booking.external_content == data.content:
            return CupResult("unchanged", booking.pk, booking.agenda_id)
        before = booking.external_content.split("|")
        after = data.content.split("|")
        if len(before) == len(after) and (before[0], before[1], before[4]) == (
            after[0],
            after[1],
            after[4],
        ):
            moved = booking_move(
                actor=actor,
                workstation=workstation,
                booking_id=booking.pk,
                expected_version=booking.version,
                reason=data.reason,
                day=data.day,
                start=data.start,
            )
            Booking.objects.filter(pk=moved.pk).update(external_content=data.content[:300])
            return CupResult("moved", moved.pk, moved.agenda_id)
        booking_transition(
            actor=actor,
            workstation=workstation,
            booking_id=booking.pk,
            expected_version=booking.version,
            event=BookingEvent.CANCEL.value,
            reason=data.reason,
        )
        again = _book(actor, workstation, data)
    return CupResult("rebooked", again.pk, again.agenda_id)


def cup_booking_cancel(
    *,
    actor: User,
    workstation: Workstation,
    system: str,
    external_id: str,
    patient_id: int,
    reason: str,
) -> CupResult:
    """A CUP appointment cancelled (S15), with the message as reason; cancelled already:
    nothing to do."""
    with transaction.atomic():
        booking = _active(system, external_id)
        if booking is None:
            gone = Booking.objects.filter(
                external_system=system[:80], external_id=external_id[:80]
            ).last()
            if gone is None:
                raise _unknown(external_id)
            return CupResult("already_cancelled", gone.pk, gone.agenda_id)
        _same_patient(booking, patient_id)
        booking_transition(
            actor=actor,
            workstation=workstation,
            booking_id=booking.pk,
            expected_version=booking.version,
            event=BookingEvent.CANCEL.value,
            reason=reason,
        )
    return CupResult("cancelled", booking.pk, booking.agenda_id)
