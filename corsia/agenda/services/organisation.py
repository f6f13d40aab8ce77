"""The organisation of an agenda: the agenda, its places, booking types, opening hours and
shifts, closed days and the nurses on duty. Coordinators (``agenda.manage_agenda``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from django.db import transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.selectors import users_in_role
from corsia.agenda import audit_events as events
from corsia.agenda.domain.calendar import Window, window_refusal, windows_overlap
from corsia.agenda.domain.shifts import Break, NurseShift
from corsia.agenda.models import (
    Agenda,
    AgendaKind,
    AgendaPlace,
    BookingKind,
    BookingType,
    ClosedDay,
    NurseOnDuty,
    OpeningWindow,
)
from corsia.agenda.permissions import MANAGE
from corsia.agenda.selectors import agenda_for_update, day_in_range, occupying
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.patients.selectors import care_wards, place_by_id

ONLY_COORDINATORS = "Solo il coordinatore organizza le agende."


def _text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationFailed(f"Indicare {label}.", code=f"{field}_required", field=field)
    if len(value) > max_length:
        raise ValidationFailed(
            f"{label[0].upper()}{label[1:]}: al massimo {max_length} caratteri.",
            code=f"{field}_too_long",
            field=field,
        )
    return value


def _bounded(value: int, *, field: str, low: int, high: int, label: str) -> int:
    if not low <= value <= high:
        raise ValidationFailed(
            f"{label}: da {low} a {high}.", code=f"{field}_out_of_range", field=field
        )
    return value


@dataclass(frozen=True)
class AgendaInput:
    code: str
    name: str
    kind: str
    ward_id: int
    slot_minutes: int = 15
    slot_capacity: int = 2
    daily_capacity: int = 40


def _checked(data: AgendaInput) -> AgendaInput:
    if data.kind not in AgendaKind.values:
        raise ValidationFailed(
            "Tipo di agenda sconosciuto.", code="agenda_kind_unknown", field="kind"
        )
    if data.ward_id not in {w.pk for w in care_wards()}:
        raise ValidationFailed("Reparto inesistente.", code="ward_not_found", field="ward_id")
    return AgendaInput(
        code=_text(data.code, field="code", label="il codice", max_length=20).upper(),
        name=_text(data.name, field="name", label="il nome", max_length=120),
        kind=data.kind,
        ward_id=data.ward_id,
        slot_minutes=_bounded(
            data.slot_minutes, field="slot_minutes", low=5, high=240, label="Durata dello slot"
        ),
        slot_capacity=_bounded(
            data.slot_capacity, field="slot_capacity", low=1, high=100, label="Arrivi per slot"
        ),
        daily_capacity=_bounded(
            data.daily_capacity, field="daily_capacity", low=1, high=1000, label="Accessi al giorno"
        ),
    )


def agenda_create(*, actor: User, workstation: Workstation, data: AgendaInput) -> Agenda:
    require_permission(actor, MANAGE, ONLY_COORDINATORS)
    data = _checked(data)
    with transaction.atomic():
        if Agenda.objects.filter(code=data.code).exists():
            raise ConflictError(
                f"Esiste già un'agenda con codice {data.code}.", code="agenda_code_taken"
            )
        agenda = Agenda.objects.create(
            code=data.code,
            name=data.name,
            kind=data.kind,
            ward_id=data.ward_id,
            slot_minutes=data.slot_minutes,
            slot_capacity=data.slot_capacity,
            daily_capacity=data.daily_capacity,
            updated_by=actor,
        )
        audit_record(
            event=events.AGENDA_CREATED,
            actor=actor,
            workstation=workstation,
            target=agenda,
            after={"code": agenda.code, "name": agenda.name, "kind": agenda.kind},
        )
    return agenda


def agenda_update(
    *,
    actor: User,
    workstation: Workstation,
    agenda_id: int,
    expected_version: int,
    data: AgendaInput,
) -> Agenda:
    require_permission(actor, MANAGE, ONLY_COORDINATORS)
    data = _checked(data)
    with transaction.atomic():
        agenda = agenda_for_update(agenda_id)
        agenda.check_version(expected_version)
        before = {
            "name": agenda.name,
            "slot_minutes": agenda.slot_minutes,
            "slot_capacity": agenda.slot_capacity,
            "daily_capacity": agenda.daily_capacity,
        }
        agenda.name = data.name
        agenda.slot_minutes = data.slot_minutes
        agenda.slot_capacity = data.slot_capacity
        agenda.daily_capacity = data.daily_capacity
        fields = ["name", "slot_minutes", "slot_capacity", "daily_capacity"]
        agenda.save(update_fields=fields + agenda.bump(by=actor))
        audit_record(
            event=events.AGENDA_CHANGED,
            actor=actor,
            workstation=workstation,
            target=agenda,
            before=before,
            after={f: getattr(agenda, f) for f in fields},
        )
    return agenda


def agenda_place_set(
    *, actor: User, workstation: Workstation, agenda_id: int, place_id: int, active: bool
) -> AgendaPlace:
    """Add a bed or chair of the agenda's ward to the agenda (or take it off)."""
    require_permission(actor, MANAGE, ONLY_COORDINATORS)
    with transaction.atomic():
        agenda = agenda_for_update(agenda_id)
        place = place_by_id(place_id)
        if place is None:
            raise NotFound("Posto inesistente.", code="place_not_found")
        if place.ward_id != agenda.ward_id:
            raise ValidationFailed(
                "Il posto non appartiene al reparto dell'agenda.",
                code="place_other_ward",
                field="place_id",
            )
        row, _ = AgendaPlace.objects.get_or_create(agenda=agenda, place=place)
        if not active:
            _no_bookings_ahead(agenda, place.pk, place.code)
        if row.is_active != active:
            row.is_active = active
            row.save(update_fields=["is_active", "updated_at"])
        audit_record(
            event=events.AGENDA_PLACE_SET,
            actor=actor,
            workstation=workstation,
            target=row,
            after={"place": place.code, "active": active},
        )
    return row


def _no_bookings_ahead(agenda: Agenda, place_id: int, code: str) -> None:
    """A place taken off the agenda would hide the bookings it holds from today on: they
    are moved first."""
    held = agenda.bookings.filter(
        place_id=place_id, day__gte=timezone.localdate(), state__in=occupying()
    ).count()
    if held:
        raise ConflictError(
            f"Il posto {code} ha {held} prenotazioni da oggi in poi: spostarle prima di "
            "toglierlo dall'agenda.",
            code="place_has_bookings",
            details={"bookings": held},
        )


@dataclass(frozen=True)
class BookingTypeInput:
    code: str
    name: str
    kind: str
    default_minutes: int = 30
    blood_tests: str = ""
    blood_test_lead_minutes: int = 0
    observation_minutes: int = 0
    pump_detachment_minutes: int = 0
    needs_place: bool = True
    is_active: bool = True


def booking_type_set(
    *,
    actor: User,
    workstation: Workstation,
    agenda_id: int,
    data: BookingTypeInput,
    expected_version: int | None = None,
) -> BookingType:
    """Create the agenda's booking type of this code, or change it (``expected_version``)."""
    require_permission(actor, MANAGE, ONLY_COORDINATORS)
    if data.kind not in BookingKind.values:
        raise ValidationFailed(
            "Tipo di accesso sconosciuto.", code="booking_kind_unknown", field="kind"
        )
    code = _text(data.code, field="code", label="il codice", max_length=20).upper()
    values = {
        "name": _text(data.name, field="name", label="il nome", max_length=120),
        "kind": data.kind,
        "default_minutes": _bounded(
            data.default_minutes, field="default_minutes", low=1, high=1440, label="Durata"
        ),
        "blood_tests": _text(
            data.blood_tests, field="blood_tests", label="gli esami", max_length=200, required=False
        ),
        "blood_test_lead_minutes": _bounded(
            data.blood_test_lead_minutes,
            field="blood_test_lead_minutes",
            low=0,
            high=600,
            label="Anticipo del prelievo",
        ),
        "observation_minutes": _bounded(
            data.observation_minutes,
            field="observation_minutes",
            low=0,
            high=1440,
            label="Osservazione",
        ),
        "pump_detachment_minutes": _bounded(
            data.pump_detachment_minutes,
            field="pump_detachment_minutes",
            low=0,
            high=240,
            label="Stacco pompa",
        ),
        "needs_place": data.needs_place,
        "is_active": data.is_active,
    }
    with transaction.atomic():
        agenda = agenda_for_update(agenda_id)
        row = BookingType.objects.select_for_update().filter(agenda=agenda, code=code).first()
        before = None
        if row is None:
            row = BookingType.objects.create(agenda=agenda, code=code, updated_by=actor, **values)
        else:
            if expected_version is None:
                raise ConflictError(
                    f"Il tipo {code} esiste già: indicare la versione da modificare.",
                    code="booking_type_exists",
                )
            row.check_version(expected_version)
            before = {k: getattr(row, k) for k in values}
            for key, value in values.items():
                setattr(row, key, value)
            row.save(update_fields=list(values) + row.bump(by=actor))
        audit_record(
            event=events.BOOKING_TYPE_SET,
            actor=actor,
            workstation=workstation,
            target=row,
            before=before,
            after={"code": code, **values},
        )
    return row


def hours_set(
    *,
    actor: User,
    workstation: Workstation,
    agenda_id: int,
    weekday: int,
    shifts: list[tuple[time, time, str]],
) -> list[OpeningWindow]:
    """The opening of one weekday as its shifts (none: closed that weekday); replaces the
    weekday's previous shifts (kept, inactive)."""
    require_permission(actor, MANAGE, ONLY_COORDINATORS)
    windows = [
        Window(weekday, opens, closes, shift.strip()[:40]) for opens, closes, shift in shifts
    ]
    for w in windows:
        refusal = window_refusal(w.weekday, w.opens, w.closes)
        if refusal is not None:
            raise refusal
    if not 0 <= weekday <= 6:
        raise ValidationFailed("Giorno della settimana non valido.", code="weekday_invalid")
    if windows_overlap(windows):
        raise ValidationFailed(
            "Due turni dello stesso giorno si sovrappongono.", code="shifts_overlap"
        )
    with transaction.atomic():
        agenda = agenda_for_update(agenda_id)
        old = list(agenda.windows.filter(weekday=weekday, is_active=True))
        agenda.windows.filter(weekday=weekday, is_active=True).update(is_active=False)
        rows = [
            OpeningWindow.objects.create(
                agenda=agenda, weekday=w.weekday, opens=w.opens, closes=w.closes, shift=w.shift
            )
            for w in windows
        ]
        audit_record(
            event=events.HOURS_SET,
            actor=actor,
            workstation=workstation,
            target=agenda,
            before={"weekday": weekday, "shifts": [f"{w.opens}-{w.closes}" for w in old]},
            after={"weekday": weekday, "shifts": [f"{w.opens}-{w.closes}" for w in rows]},
        )
    return rows


def closed_day_set(
    *,
    actor: User,
    workstation: Workstation,
    agenda_id: int,
    day: date,
    reason: str,
    closed: bool = True,
) -> ClosedDay | None:
    """Close the agenda on ``day`` (refused while bookings hold it: move them first) or
    reopen it. A reason either way."""
    require_permission(actor, MANAGE, ONLY_COORDINATORS)
    day_in_range(day)
    reason = _text(reason, field="reason", label="il motivo", max_length=200)
    with transaction.atomic():
        agenda = agenda_for_update(agenda_id)
        current = ClosedDay.objects.filter(agenda=agenda, day=day, is_active=True).first()
        if closed:
            if current is not None:
                return current
            held = agenda.bookings.filter(day=day, state__in=occupying()).count()
            if held:
                raise ConflictError(
                    f"Il {day:%d/%m/%Y} ha {held} prenotazioni: spostarle prima di chiudere.",
                    code="day_has_bookings",
                    details={"bookings": held},
                )
            row = ClosedDay.objects.create(agenda=agenda, day=day, reason=reason)
            audit_record(
                event=events.DAY_CLOSED,
                actor=actor,
                workstation=workstation,
                target=row,
                after={"day": day.isoformat()},
                reason=reason,
            )
            return row
        if current is None:
            raise NotFound("Il giorno non è chiuso.", code="day_not_closed")
        current.is_active = False
        current.save(update_fields=["is_active", "updated_at"])
        audit_record(
            event=events.DAY_REOPENED,
            actor=actor,
            workstation=workstation,
            target=current,
            after={"day": day.isoformat()},
            reason=reason,
        )
        return None


def nurse_on_duty_set(
    *,
    actor: User,
    workstation: Workstation,
    agenda_id: int,
    day: date,
    nurse_id: int,
    shift: str = "",
    on_duty: bool = True,
    starts_at: time | None = None,
    ends_at: time | None = None,
    break_start: time | None = None,
    break_end: time | None = None,
    breaks: Sequence[Break] = (),
) -> NurseOnDuty | None:
    """A nurse on duty (or no longer) on the agenda's day; with ``starts_at``/``ends_at``
    her real shift and its breaks inside it (``break_start``/``break_end``: the first,
    ``breaks`` the others; ``domain/shifts.py`` refuses the rest). Setting the times again
    for a nurse already on duty replaces them."""
    require_permission(actor, MANAGE, ONLY_COORDINATORS)
    day_in_range(day)
    times = NurseShift(starts_at, ends_at, ((break_start, break_end), *breaks))
    nurse = next((u for u in users_in_role(role=Role.NURSE) if u.pk == nurse_id), None)
    if nurse is None:
        raise ValidationFailed(
            "L'utente indicato non è un infermiere attivo.",
            code="nurse_not_found",
            field="nurse_id",
        )
    shift = _text(shift, field="shift", label="il turno", max_length=40, required=False)
    fields = {
        "shift": shift,
        "starts_at": times.start,
        "ends_at": times.end,
        "breaks": times.stored_breaks,
    }
    with transaction.atomic():
        agenda = agenda_for_update(agenda_id)
        row = NurseOnDuty.objects.filter(
            agenda=agenda, day=day, nurse=nurse, is_active=True
        ).first()
        if on_duty and row is None:
            row = NurseOnDuty.objects.create(agenda=agenda, day=day, nurse=nurse, **fields)
        elif on_duty and row is not None:
            for name, value in fields.items():
                setattr(row, name, value)
            row.save(update_fields=[*fields, "updated_at"])
        elif not on_duty and row is not None:
            row.is_active = False
            row.save(update_fields=["is_active", "updated_at"])
            row = None
        audit_record(
            event=events.NURSE_ON_DUTY_SET,
            actor=actor,
            workstation=workstation,
            target=agenda,
            after={
                "day": day.isoformat(),
                "nurse": nurse.username,
                "on_duty": on_duty,
                **{k: (v.isoformat() if isinstance(v, time) else v) for k, v in fields.items()},
            },
        )
    return row
