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

from django.db import IntegrityError, transaction
from django.utils import timezone

from corsia.agenda import audit_events as events
from corsia.agenda.domain.states import BookingEvent, BookingState
from corsia.agenda.models import Booking, BookingType, CupServiceMapping
from corsia.agenda.permissions import MANAGE
from corsia.agenda.selectors import agenda_for_update
from corsia.agenda.services.bookings import (
    BookingInput,
    ExternalRef,
    booking_create,
    booking_move,
    booking_transition,
)
from corsia.agenda.services.organisation import ONLY_COORDINATORS, _text
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed


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
    deleted: bool = False,
) -> CupResult:
    """A CUP appointment cancelled (S15) or deleted (S17, ``deleted``): the booking
    cancelled with the message as reason, never deleted; cancelled already: nothing to do."""
    with transaction.atomic():
        booking = _active(system, external_id)
        if booking is None:
            gone = _any(system, external_id)
            if gone is None:
                raise _unknown(external_id)
            return CupResult("already_cancelled", gone.pk, gone.agenda_id)
        _same_patient(booking, patient_id)
        _transition(actor, workstation, booking, BookingEvent.CANCEL, reason)
    return CupResult("deleted" if deleted else "cancelled", booking.pk, booking.agenda_id)


def _any(system: str, external_id: str) -> Booking | None:
    """The appointment's last booking, cancelled ones included."""
    rows = Booking.objects.filter(external_system=system[:80], external_id=external_id[:80])
    return rows.last()


def _transition(
    actor: User, workstation: Workstation, booking: Booking, event: BookingEvent, reason: str
) -> None:
    booking_transition(
        actor=actor,
        workstation=workstation,
        booking_id=booking.pk,
        expected_version=booking.version,
        event=event.value,
        reason=reason,
    )


@dataclass(frozen=True)
class CupReference:
    """One CUP appointment as a message names it: the sender, SCH-2, the patient."""

    system: str
    external_id: str
    patient_id: int


def cup_booking_no_show(
    *, actor: User, workstation: Workstation, ref: CupReference, reason: str
) -> CupResult:
    """The CUP says the patient did not come (S26): ``booking_transition(no_show)`` with the
    message as reason. A no-show already: nothing to do. Refused, nothing written: an
    unknown appointment (``cup_appointment_unknown``), a cancelled one
    (``cup_appointment_cancelled``), another patient's, a day still to come
    (``no_show_before_day``), a patient already arrived or treated (the agenda's own
    ``invalid_transition``)."""
    with transaction.atomic():
        system, external_id = ref.system, ref.external_id
        booking = _active(system, external_id)
        if booking is None:
            if _any(system, external_id) is None:
                raise _unknown(external_id)
            raise ConflictError(
                f"L'appuntamento {external_id} del CUP è annullato: non può risultare "
                "«non presentato».",
                code="cup_appointment_cancelled",
                field="external_id",
            )
        _same_patient(booking, ref.patient_id)
        if booking.state == BookingState.NO_SHOW.value:
            return CupResult("already_no_show", booking.pk, booking.agenda_id)
        if booking.day > timezone.localdate():
            when = f"{booking.day:%d/%m/%Y}"
            raise ConflictError(
                f"L'appuntamento {external_id} è del {when}: un paziente non risulta «non "
                "presentato» prima del giorno.",
                code="no_show_before_day",
                field="external_id",
            )
        _transition(actor, workstation, booking, BookingEvent.NO_SHOW, reason)
    return CupResult("no_show", booking.pk, booking.agenda_id)


# --- the mapping of the CUP's services (coordinators: ``agenda.manage_agenda``) -----------


@dataclass(frozen=True)
class CupMappingInput:
    service_code: str  # AIS-3.1
    booking_type_id: int  # a booking type of the agenda
    system: str = ""  # the sender (MSH-4:MSH-3); empty: any
    location_code: str = ""  # AIL-3.1; empty: any


def _code(value: str, *, field: str, label: str, max_length: int, required: bool) -> str:
    """A code as the CUP sends it: the organisation's text rule, and printable."""
    value = _text(value, field=field, label=label, max_length=max_length, required=required)
    if any(ord(c) < 32 for c in value):
        raise ValidationFailed(
            f"{label[0].upper()}{label[1:]}: solo caratteri stampabili.",
            code=f"{field}_invalid",
            field=field,
        )
    return value


def _mapping_taken(row: CupServiceMapping) -> ConflictError:
    return ConflictError(
        f"La prestazione «{row.service_code}»"
        + (f" (sede «{row.location_code}»)" if row.location_code else "")
        + (f" di {row.system}" if row.system else "")
        + f" corrisponde già al tipo «{row.booking_type.name}»: disattivare prima quella.",
        code="cup_mapping_exists",
        field="service_code",
    )


def cup_mapping_set(
    *,
    actor: User,
    workstation: Workstation,
    agenda_id: int,
    data: CupMappingInput,
    replaces_id: int | None = None,
) -> CupServiceMapping:
    """A CUP service (for a sender and a location, or any) → a booking type of this
    agenda. A row is never changed: an edit (``replaces_id``) deactivates the row it
    replaces and adds the new one, in one transaction; the replaced row must still be
    active (someone else changed it meanwhile: ``cup_mapping_changed``)."""
    require_permission(actor, MANAGE, ONLY_COORDINATORS)
    service_code = _code(
        data.service_code,
        field="service_code",
        label="il codice della prestazione",
        max_length=40,
        required=True,
    )
    system = _code(data.system, field="system", label="il mittente", max_length=80, required=False)
    location = _code(
        data.location_code, field="location_code", label="la sede", max_length=40, required=False
    )
    with transaction.atomic():
        agenda = agenda_for_update(agenda_id)
        booking_type = BookingType.objects.filter(
            pk=data.booking_type_id, agenda=agenda, is_active=True
        ).first()
        if booking_type is None:
            raise ValidationFailed(
                "Tipo di prenotazione inesistente o non attivo in questa agenda.",
                code="booking_type_not_found",
                field="booking_type_id",
            )
        replaced = None
        if replaces_id is not None:
            replaced = (
                CupServiceMapping.objects.select_for_update()
                .filter(pk=replaces_id, booking_type__agenda=agenda)
                .first()
            )
            if replaced is None:
                raise NotFound("Corrispondenza CUP inesistente.", code="cup_mapping_not_found")
            if not replaced.is_active:
                raise ConflictError(
                    "La corrispondenza è stata cambiata da un altro utente: ricaricare la pagina.",
                    code="cup_mapping_changed",
                )
            replaced.is_active = False
            replaced.save(update_fields=["is_active", "updated_at"])
        taken = (
            CupServiceMapping.objects.filter(
                is_active=True, system=system, service_code=service_code, location_code=location
            )
            .select_related("booking_type")
            .first()
        )
        if taken is not None:
            raise _mapping_taken(taken)
        try:
            with transaction.atomic():
                row = CupServiceMapping.objects.create(
                    system=system,
                    service_code=service_code,
                    location_code=location,
                    booking_type=booking_type,
                )
        except IntegrityError as error:  # a concurrent writer's same key
            raise ConflictError(
                f"La prestazione «{service_code}» ha già una corrispondenza attiva.",
                code="cup_mapping_exists",
                field="service_code",
            ) from error
        audit_record(
            event=events.CUP_MAPPING_SET,
            actor=actor,
            workstation=workstation,
            target=row,
            before=None if replaced is None else _mapping_facts(replaced),
            after=_mapping_facts(row),
        )
    return row


def _mapping_facts(row: CupServiceMapping) -> dict[str, object]:
    return {
        "system": row.system,
        "service_code": row.service_code,
        "location_code": row.location_code,
        "booking_type": row.booking_type.code,
        "active": row.is_active,
    }


def cup_mapping_deactivate(
    *, actor: User, workstation: Workstation, agenda_id: int, mapping_id: int
) -> CupServiceMapping:
    """The CUP's service no longer lands in this agenda (its later bookings are refused:
    ``cup_service_unmapped``); the row stays, inactive. Inactive already: unchanged."""
    require_permission(actor, MANAGE, ONLY_COORDINATORS)
    with transaction.atomic():
        agenda = agenda_for_update(agenda_id)
        row = (
            CupServiceMapping.objects.select_for_update()
            .filter(pk=mapping_id, booking_type__agenda=agenda)
            .select_related("booking_type")
            .first()
        )
        if row is None:
            raise NotFound("Corrispondenza CUP inesistente.", code="cup_mapping_not_found")
        if row.is_active:
            row.is_active = False
            row.save(update_fields=["is_active", "updated_at"])
            audit_record(
                event=events.CUP_MAPPING_DEACTIVATED,
                actor=actor,
                workstation=workstation,
                target=row,
                after=_mapping_facts(row),
            )
    return row
