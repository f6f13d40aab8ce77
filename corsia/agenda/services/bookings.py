"""Bookings: create, move (by hand, by keyboard), change state, lock.

Every write locks the agenda row, checks the calendar (open day, inside a shift), the
place (one of the agenda's, free at every minute), the patient (not booked elsewhere at
the same time), the slot's arrivals and the day's capacity, then writes and audits; the
PostgreSQL exclusion constraints refuse whatever slipped past (another writer), and that
refusal is turned into the same Italian message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from corsia.agenda import audit_events as events
from corsia.agenda.domain.phases import (
    AccessShape,
    DrugStep,
    Phase,
    PhaseKind,
    arrival,
    build_phases,
    place_span,
)
from corsia.agenda.domain.states import (
    MOVABLE,
    OCCUPYING,
    REASON_REQUIRED,
    BookingEvent,
    BookingState,
    next_state,
)
from corsia.agenda.models import Agenda, Booking, BookingType
from corsia.agenda.permissions import BOOK
from corsia.agenda.selectors import (
    agenda_calendar,
    agenda_for_update,
    agenda_place_ids,
    arrivals_in_slot,
    booking_for_update,
    day_counts,
    day_in_range,
    nurse_on_duty,
    overlapping,
)
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.patients.selectors import patient_record
from corsia.prescribing.selectors import order_day_lines, order_find

ONLY_BOOKERS = "Solo infermieri, coordinatori e medici gestiscono le prenotazioni."
MAX_NOTE = 500


def _reason(reason: str, *, required: bool) -> str:
    reason = reason.strip()
    if required and not reason:
        raise ValidationFailed("Indicare il motivo.", code="reason_required", field="reason")
    if len(reason) > MAX_NOTE:
        raise ValidationFailed(
            f"Motivo: al massimo {MAX_NOTE} caratteri.", code="reason_too_long", field="reason"
        )
    return reason


def _booking_type(agenda: Agenda, booking_type_id: int) -> BookingType:
    row = BookingType.objects.filter(agenda=agenda, pk=booking_type_id, is_active=True).first()
    if row is None:
        raise NotFound(
            "Tipo di prenotazione inesistente per questa agenda.", code="booking_type_not_found"
        )
    return row


def shape_for(
    booking_type: BookingType, *, steps: Sequence[DrugStep] = (), minutes: int | None = None
) -> AccessShape:
    """The access a booking type asks for, with the day's drugs (or ``minutes`` on the
    place when there are none)."""
    return AccessShape(
        blood_test_lead_minutes=booking_type.blood_test_lead_minutes,
        steps=tuple(steps),
        observation_minutes=booking_type.observation_minutes if steps else 0,
        pump_detachment_minutes=booking_type.pump_detachment_minutes,
        fallback_minutes=booking_type.default_minutes if minutes is None else minutes,
        fallback_label=booking_type.name,
    )


def order_steps(order_id: int, day_of_cycle: int) -> list[DrugStep]:
    """The drugs of one day of an order, in sequence, with the order's durations."""
    return [
        DrugStep(
            label=str(item.ingredient),
            minutes=item.duration_minutes,
            after_minutes=item.interval_after_minutes,
        )
        for item in sorted(
            order_day_lines(order_id=order_id, day_of_cycle=day_of_cycle), key=lambda i: i.sequence
        )
    ]


@dataclass(frozen=True)
class _Placed:
    phases: tuple[Phase, ...]
    arrival_at: datetime
    start_at: datetime
    end_at: datetime


def _place_checks(
    *,
    agenda: Agenda,
    booking_type: BookingType,
    patient_id: int,
    day: date,
    phases: tuple[Phase, ...],
    place_id: int | None,
    exclude_id: int | None,
    counted: bool,
    moving: frozenset[int] = frozenset(),
) -> _Placed:
    """Refuse what the agenda cannot hold; the placed span when it can."""
    start_at, end_at = place_span(phases)
    arrival_at = arrival(phases)
    if timezone.localdate(arrival_at) != day or timezone.localdate(end_at) != day:
        raise ValidationFailed(
            "L'accesso deve iniziare e finire nello stesso giorno.", code="span_crosses_midnight"
        )
    calendar = agenda_calendar(agenda, day, day)
    calendar.check_span(
        day, timezone.localtime(arrival_at).time(), timezone.localtime(end_at).time()
    )
    if place_id is not None:
        if place_id not in agenda_place_ids(agenda):
            raise ValidationFailed(
                "Il posto non appartiene a questa agenda.",
                code="place_not_in_agenda",
                field="place_id",
            )
        taken = overlapping(
            start=start_at, end=end_at, place_id=place_id, exclude_id=exclude_id, exclude_ids=moving
        )
        if taken is not None:
            raise ConflictError(
                _place_taken(taken), code="place_taken", details={"booking_id": taken.pk}
            )
    twice = overlapping(
        start=arrival_at,
        end=end_at,
        patient_id=patient_id,
        exclude_id=exclude_id,
        exclude_ids=moving,
    )
    if twice is not None:
        raise ConflictError(
            f"Il paziente ha già un accesso dalle {timezone.localtime(twice.arrival_at):%H:%M} "
            f"alle {timezone.localtime(twice.end_at):%H:%M} del {twice.day:%d/%m/%Y}.",
            code="patient_double_booked",
            details={"booking_id": twice.pk},
        )
    # arrivals per slot are the placed bookings' (one waiting for its place has no time yet:
    # the day's plan gives it one)
    if (
        place_id is not None
        and not moving  # a day plan checks the slots once every booking has moved
        and arrivals_in_slot(agenda, arrival_at, exclude_id=exclude_id) >= agenda.slot_capacity
    ):
        raise ConflictError(
            f"Lo slot delle {timezone.localtime(arrival_at):%H:%M} ha già "
            f"{agenda.slot_capacity} arrivi: scegliere un altro orario.",
            code="slot_full",
        )
    if counted and day_counts(agenda, day, day).get(day, 0) >= agenda.daily_capacity:
        raise ConflictError(
            f"Il {day:%d/%m/%Y} l'agenda è al completo ({agenda.daily_capacity} accessi).",
            code="day_full",
        )
    return _Placed(phases=phases, arrival_at=arrival_at, start_at=start_at, end_at=end_at)


def _place_taken(taken: Booking) -> str:
    return (
        f"Il posto {taken.place.code if taken.place else ''} è occupato dalle "
        f"{timezone.localtime(taken.start_at):%H:%M} alle {timezone.localtime(taken.end_at):%H:%M}."
    )


def _saved(booking: Booking, update_fields: list[str] | None = None) -> None:
    """Save inside a savepoint: the exclusion constraints' refusal becomes a conflict."""
    try:
        with transaction.atomic():
            if update_fields is None:
                booking.save(force_insert=True)
            else:
                booking.save(update_fields=update_fields)
    except IntegrityError as error:
        text = str(error)
        if "booking_place_no_overlap" in text:
            raise ConflictError(
                "Il posto è già occupato in quell'orario.", code="place_taken"
            ) from error
        if "booking_patient_no_overlap" in text:
            raise ConflictError(
                "Il paziente ha già un accesso in quell'orario.", code="patient_double_booked"
            ) from error
        if "booking_external_ref_unique" in text:
            raise ConflictError(
                "L'appuntamento esterno è già prenotato in agenda.", code="external_ref_taken"
            ) from error
        raise


def _snapshot(booking: Booking) -> dict[str, object]:
    return {
        "day": booking.day.isoformat(),
        "start": booking.start_at.isoformat(),
        "end": booking.end_at.isoformat(),
        "place": booking.place_id,
        "state": booking.state,
        "nurse": booking.nurse_id,
        "locked": booking.locked,
        **({"external": booking.external_id} if booking.external_id else {}),
    }


@dataclass(frozen=True)
class ExternalRef:
    """Another system's appointment: sender, its id, what it said."""

    system: str
    external_id: str
    content: str = ""


@dataclass(frozen=True)
class BookingInput:
    agenda_id: int
    booking_type_id: int
    patient_id: int
    day: date
    start: time  # when the place is taken (the blood test comes before)
    place_id: int | None = None
    minutes: int | None = None  # on the place, when no order gives the drugs
    order_id: int | None = None
    day_of_cycle: int | None = None
    nurse_id: int | None = None
    notes: str = ""


def booking_create(
    *,
    actor: User,
    workstation: Workstation,
    data: BookingInput,
    steps: Sequence[DrugStep] | None = None,
    programme_cycle_id: int | None = None,
    external: ExternalRef | None = None,
) -> Booking:
    """Book one access (see the module's text for every check); ``external``: the
    appointment of another system (the CUP) this booking is."""
    require_permission(actor, BOOK, ONLY_BOOKERS)
    day = day_in_range(data.day)
    notes = _reason(data.notes, required=False)
    with transaction.atomic():
        agenda = agenda_for_update(data.agenda_id)
        if not agenda.is_active:
            raise ConflictError("L'agenda non è attiva.", code="agenda_inactive")
        booking_type = _booking_type(agenda, data.booking_type_id)
        patient = patient_record(patient_id=data.patient_id)
        if patient.merged_into_id is not None:
            raise ConflictError(
                "Il paziente è stato unito a un'altra anagrafica: prenotare il superstite.",
                code="patient_merged",
            )
        if data.order_id is not None:
            order = order_find(data.order_id)
            if order is None or order.patient_id != patient.pk:
                raise NotFound("Prescrizione inesistente per il paziente.", code="order_not_found")
            if steps is None and data.day_of_cycle is not None:
                steps = order_steps(order.pk, data.day_of_cycle)
        if data.nurse_id is not None and not nurse_on_duty(agenda, day, data.nurse_id):
            raise ValidationFailed(
                "L'infermiere non è in servizio quel giorno.",
                code="nurse_not_on_duty",
                field="nurse_id",
            )
        shape = shape_for(booking_type, steps=steps or (), minutes=data.minutes)
        phases = build_phases(shape, timezone.make_aware(datetime.combine(day, data.start)))
        placed = _place_checks(
            agenda=agenda,
            booking_type=booking_type,
            patient_id=patient.pk,
            day=day,
            phases=phases,
            place_id=data.place_id,
            exclude_id=None,
            counted=True,
        )
        booking = Booking(
            agenda=agenda,
            booking_type=booking_type,
            patient_id=patient.pk,
            place_id=data.place_id,
            day=day,
            arrival_at=placed.arrival_at,
            start_at=placed.start_at,
            end_at=placed.end_at,
            phases=[p.as_dict() for p in placed.phases],
            nurse_id=data.nurse_id,
            order_id=data.order_id,
            programme_cycle_id=programme_cycle_id,
            day_of_cycle=data.day_of_cycle,
            notes=notes,
            created_by=actor,
            updated_by=actor,
            workstation=workstation_label(workstation),
        )
        if external is not None:
            booking.external_system = external.system[:80]
            booking.external_id = external.external_id[:80]
            booking.external_content = external.content[:300]
        _saved(booking)
        audit_record(
            event=events.BOOKING_CREATED,
            actor=actor,
            workstation=workstation,
            target=booking,
            patient_id=patient.pk,
            after=_snapshot(booking),
        )
    return booking


def booking_move(
    *,
    actor: User,
    workstation: Workstation,
    booking_id: int,
    expected_version: int,
    reason: str,
    day: date | None = None,
    start: time | None = None,
    place_id: int | None = None,
    unplace: bool = False,
) -> Booking:
    """Move a booking (another day, time or place; ``unplace``: back to «to be placed»),
    its phases shifted together. A reason always; a started, done or locked booking never
    moves."""
    require_permission(actor, BOOK, ONLY_BOOKERS)
    reason = _reason(reason, required=True)
    with transaction.atomic():
        booking = booking_for_update(booking_id)
        agenda = agenda_for_update(booking.agenda_id)
        booking.check_version(expected_version)
        check_movable(booking)
        new_day = day_in_range(day) if day is not None else booking.day
        old_start = timezone.localtime(booking.start_at)
        new_start = timezone.make_aware(datetime.combine(new_day, start or old_start.time()))
        delta = new_start - booking.start_at
        phases = tuple(
            Phase(
                kind=PhaseKind(p["kind"]),
                start=datetime.fromisoformat(p["start"]) + delta,
                end=datetime.fromisoformat(p["end"]) + delta,
                label=p.get("label", ""),
            )
            for p in booking.phases
        )
        new_place = None if unplace else (place_id if place_id is not None else booking.place_id)
        if (
            booking.nurse_id is not None
            and new_day != booking.day
            and not nurse_on_duty(agenda, new_day, booking.nurse_id)
        ):
            booking.nurse_id = None  # the nurse is the day's: chosen again on the new day
        move_write(
            actor=actor,
            workstation=workstation,
            agenda=agenda,
            booking=booking,
            day=new_day,
            phases=phases,
            place_id=new_place,
            reason=reason,
        )
    return booking


def check_movable(booking: Booking) -> None:
    """A started, done or locked booking never moves."""
    if booking.state not in MOVABLE:
        raise ConflictError(
            f"Una prenotazione «{booking.state_label.lower()}» non si sposta.",
            code="booking_not_movable",
        )
    if booking.locked:
        raise ConflictError(
            "La prenotazione è bloccata: sbloccarla prima di spostarla.", code="booking_locked"
        )


def move_write(
    *,
    actor: User,
    workstation: Workstation,
    agenda: Agenda,
    booking: Booking,
    day: date,
    phases: tuple[Phase, ...],
    place_id: int | None,
    reason: str,
    moving: frozenset[int] = frozenset(),
) -> None:
    """Write a move already decided (the caller holds the agenda and booking locks, checked
    the version and that it may move): every check of ``_place_checks`` (``moving``: the
    other bookings a day plan moves in the same transaction, left out of the overlap
    checks), the save, the audit row with the reason."""
    placed = _place_checks(
        agenda=agenda,
        booking_type=booking.booking_type,
        patient_id=booking.patient_id,
        day=day,
        phases=phases,
        place_id=place_id,
        exclude_id=booking.pk,
        counted=day != booking.day,
        moving=moving,
    )
    before = _snapshot(booking)
    booking.day = day
    booking.place_id = place_id
    booking.arrival_at, booking.start_at, booking.end_at = (
        placed.arrival_at,
        placed.start_at,
        placed.end_at,
    )
    booking.phases = [p.as_dict() for p in placed.phases]
    fields = ["day", "place", "arrival_at", "start_at", "end_at", "phases", "nurse"]
    _saved(booking, fields + booking.bump(by=actor))
    audit_record(
        event=events.BOOKING_MOVED,
        actor=actor,
        workstation=workstation,
        target=booking,
        patient_id=booking.patient_id,
        before=before,
        after=_snapshot(booking),
        reason=reason,
    )


def booking_transition(
    *,
    actor: User,
    workstation: Workstation,
    booking_id: int,
    expected_version: int,
    event: str,
    reason: str = "",
) -> Booking:
    """Confirm, check in, start, finish, cancel or mark a no-show (reason for the last two)."""
    require_permission(actor, BOOK, ONLY_BOOKERS)
    try:
        fired = BookingEvent(event)
    except ValueError:
        raise ValidationFailed("Azione sconosciuta.", code="event_unknown", field="event") from None
    reason = _reason(reason, required=fired in REASON_REQUIRED)
    with transaction.atomic():
        booking = booking_for_update(booking_id)
        booking.check_version(expected_version)
        before = _snapshot(booking)
        booking.state = next_state(booking.state, fired).value
        booking.state_reason = reason
        fields = ["state", "state_reason"]
        if booking.state == BookingState.STARTED:
            booking.locked = True
            fields.append("locked")
        booking.save(update_fields=fields + booking.bump(by=actor))
        audit_record(
            event=events.BOOKING_CANCELLED
            if fired == BookingEvent.CANCEL
            else events.BOOKING_TRANSITION,
            actor=actor,
            workstation=workstation,
            target=booking,
            patient_id=booking.patient_id,
            before=before,
            after={**_snapshot(booking), "event": fired.value},
            reason=reason,
        )
    return booking


def booking_lock_set(
    *, actor: User, workstation: Workstation, booking_id: int, expected_version: int, locked: bool
) -> Booking:
    """Fix a booking where it is (a re-plan leaves it alone), or free it again."""
    require_permission(actor, BOOK, ONLY_BOOKERS)
    with transaction.atomic():
        booking = booking_for_update(booking_id)
        booking.check_version(expected_version)
        if not locked and booking.state not in MOVABLE:
            raise ConflictError(
                "Una prenotazione iniziata resta bloccata.", code="booking_not_movable"
            )
        if booking.state not in OCCUPYING:
            raise ConflictError("La prenotazione non è attiva.", code="booking_not_active")
        before = _snapshot(booking)
        booking.locked = locked
        booking.save(update_fields=["locked", *booking.bump(by=actor)])
        audit_record(
            event=events.BOOKING_LOCK_SET,
            actor=actor,
            workstation=workstation,
            target=booking,
            patient_id=booking.patient_id,
            before=before,
            after=_snapshot(booking),
        )
    return booking


def slot_step(booking: Booking, direction: int) -> time:
    """The start ``direction`` slots later (or earlier): a keyboard move's target."""
    local = timezone.localtime(booking.start_at) + timedelta(
        minutes=direction * booking.agenda.slot_minutes
    )
    return local.time()
