"""JSON API of the agenda: /api/v1/agenda/... (every action the pages offer)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from django.http import HttpRequest
from ninja import Router, Schema, Status

from corsia.agenda import selectors, services
from corsia.agenda.api_plan import router as plan_router
from corsia.agenda.api_prints import router as prints_router
from corsia.agenda.models import Agenda, BookingType, Programme
from corsia.agenda.permissions import BOOK, MANAGE, PROGRAMME, REMIND, VIEW
from corsia.agenda.schemas import (
    AgendaIn,
    AgendaOut,
    AgendaUpdateIn,
    BookingIn,
    BookingOut,
    BookingTypeIn,
    BookingTypeOut,
    CallInOut,
    ClosedDayIn,
    ConfirmIn,
    CupMappingIn,
    CupMappingOut,
    CycleOut,
    DayOut,
    HoursIn,
    LockIn,
    MoveIn,
    NurseIn,
    OrganisationOut,
    PlaceIn,
    PostponeIn,
    ProgrammeIn,
    ProgrammeOut,
    TransitionIn,
    WindowOut,
    booking_out,
    cup_mapping_out,
)
from corsia.agenda.tasks import reminders_defer
from corsia.core.access import api_perm
from corsia.core.schemas import IsoDate
from corsia.core.web import acting, reading, request_actor, request_workstation

router = Router(tags=["agenda"])
router.add_router("", plan_router)  # «Ottimizza la giornata» as a job: api_plan.py
router.add_router("", prints_router)  # the call-in list's archived print: api_prints.py
R = TypeVar("R")


def _agenda_out(a: Agenda) -> AgendaOut:
    return AgendaOut(
        id=a.pk,
        code=a.code,
        name=a.name,
        kind=a.kind,
        ward_id=a.ward_id,
        slot_minutes=a.slot_minutes,
        slot_capacity=a.slot_capacity,
        daily_capacity=a.daily_capacity,
        is_active=a.is_active,
        version=a.version,
    )


def _type_out(t: BookingType) -> BookingTypeOut:
    return BookingTypeOut(
        id=t.pk,
        code=t.code,
        name=t.name,
        kind=t.kind,
        default_minutes=t.default_minutes,
        blood_tests=t.blood_tests,
        blood_test_lead_minutes=t.blood_test_lead_minutes,
        observation_minutes=t.observation_minutes,
        pump_detachment_minutes=t.pump_detachment_minutes,
        needs_place=t.needs_place,
        is_active=t.is_active,
        version=t.version,
    )


def _programme_out(p: Programme) -> ProgrammeOut:
    return ProgrammeOut(
        id=p.pk,
        patient_id=p.patient_id,
        agenda_id=p.agenda_id,
        treatment_line_id=p.treatment_line_id,
        regimen_version_id=p.regimen_version_id,
        state=p.state,
        cycle_length_days=p.cycle_length_days,
        version=p.version,
        cycles=[
            CycleOut(
                cycle_number=c.cycle_number,
                nominal_day1=c.nominal_day1,
                day1=c.day1,
                order_id=c.order_id,
                days=[(int(d), date.fromisoformat(iso)) for d, iso in days],
            )
            for c, days in zip(p.cycles.order_by("cycle_number"), p.cycle_days, strict=True)
        ],
    )


# --- organisation -------------------------------------------------------------------------


def _row_set(
    request: HttpRequest,
    agenda_id: int,
    *,
    act: Callable[..., R],
    make: Callable[..., object],
    payload: Schema,
    aside: str,
) -> R:
    """An organisation row set by its service: the payload's fields as the service's input
    (``make``), but for ``aside`` (the version read, the row replaced) passed beside it."""
    data = payload.dict()
    extra = {aside: data.pop(aside)}
    return act(
        actor=request_actor(request),
        workstation=request_workstation(request),
        agenda_id=agenda_id,
        data=make(**data),
        **extra,
    )


@router.get("/agendas", response=list[AgendaOut])
@api_perm(VIEW)
def agendas(request: HttpRequest) -> list[AgendaOut]:
    return [_agenda_out(a) for a in selectors.agendas_list(user=request_actor(request))]


@router.post("/agendas", response={201: AgendaOut})
@api_perm(MANAGE)
def agenda_create(request: HttpRequest, payload: AgendaIn) -> Status[AgendaOut]:
    agenda = services.agenda_create(**acting(request), data=services.AgendaInput(**payload.dict()))
    return Status(201, _agenda_out(agenda))


@router.put("/agendas/{agenda_id}", response=AgendaOut)
@api_perm(MANAGE)
def agenda_update(request: HttpRequest, agenda_id: int, payload: AgendaUpdateIn) -> AgendaOut:
    data = payload.dict()
    version = data.pop("expected_version")
    agenda = services.agenda_update(
        **acting(request),
        agenda_id=agenda_id,
        expected_version=version,
        data=services.AgendaInput(**data),
    )
    return _agenda_out(agenda)


@router.get("/agendas/{agenda_id}/organisation", response=OrganisationOut)
@api_perm(VIEW)
def organisation(request: HttpRequest, agenda_id: int) -> OrganisationOut:
    org = selectors.agenda_organisation(user=request_actor(request), agenda_id=agenda_id)
    return OrganisationOut(
        agenda=_agenda_out(org.agenda),
        place_ids=[p.place_id for p in org.places],
        booking_types=[_type_out(t) for t in org.booking_types],
        windows=[
            WindowOut(id=w.pk, weekday=w.weekday, opens=w.opens, closes=w.closes, shift=w.shift)
            for w in org.windows
        ],
        closed_days=[c.day for c in org.closed_days],
        cup_mappings=[cup_mapping_out(m) for m in org.cup_mappings if m.is_active],
    )


@router.post("/agendas/{agenda_id}/cup-mappings", response={201: CupMappingOut})
@api_perm(MANAGE)
def cup_mapping_set(
    request: HttpRequest, agenda_id: int, payload: CupMappingIn
) -> Status[CupMappingOut]:
    """A CUP service → a booking type of this agenda (``replaces_id``: an edit, the old
    row deactivated)."""
    row = _row_set(
        request,
        agenda_id,
        act=services.cup_mapping_set,
        make=services.CupMappingInput,
        payload=payload,
        aside="replaces_id",
    )
    return Status(201, cup_mapping_out(row))


@router.post("/agendas/{agenda_id}/cup-mappings/{mapping_id}/deactivate", response=CupMappingOut)
@api_perm(MANAGE)
def cup_mapping_deactivate(request: HttpRequest, agenda_id: int, mapping_id: int) -> CupMappingOut:
    row = services.cup_mapping_deactivate(
        **acting(request),
        agenda_id=agenda_id,
        mapping_id=mapping_id,
    )
    return cup_mapping_out(row)


@router.post("/agendas/{agenda_id}/places", response=dict[str, int | bool])
@api_perm(MANAGE)
def place_set(request: HttpRequest, agenda_id: int, payload: PlaceIn) -> dict[str, int | bool]:
    row = services.agenda_place_set(
        **acting(request),
        agenda_id=agenda_id,
        place_id=payload.place_id,
        active=payload.active,
    )
    return {"place_id": row.place_id, "active": row.is_active}


@router.post("/agendas/{agenda_id}/booking-types", response=BookingTypeOut)
@api_perm(MANAGE)
def booking_type_set(
    request: HttpRequest, agenda_id: int, payload: BookingTypeIn
) -> BookingTypeOut:
    row = _row_set(
        request,
        agenda_id,
        act=services.booking_type_set,
        make=services.BookingTypeInput,
        payload=payload,
        aside="expected_version",
    )
    return _type_out(row)


@router.put("/agendas/{agenda_id}/hours", response=list[WindowOut])
@api_perm(MANAGE)
def hours_set(request: HttpRequest, agenda_id: int, payload: HoursIn) -> list[WindowOut]:
    rows = services.hours_set(
        **acting(request),
        agenda_id=agenda_id,
        weekday=payload.weekday,
        shifts=[(s.opens, s.closes, s.shift) for s in payload.shifts],
    )
    return [
        WindowOut(id=w.pk, weekday=w.weekday, opens=w.opens, closes=w.closes, shift=w.shift)
        for w in rows
    ]


@router.post("/agendas/{agenda_id}/closed-days", response=dict[str, bool])
@api_perm(MANAGE)
def closed_day_set(request: HttpRequest, agenda_id: int, payload: ClosedDayIn) -> dict[str, bool]:
    services.closed_day_set(
        **acting(request),
        agenda_id=agenda_id,
        day=payload.day,
        reason=payload.reason,
        closed=payload.closed,
    )
    return {"closed": payload.closed}


@router.post("/agendas/{agenda_id}/nurses", response=dict[str, bool])
@api_perm(MANAGE)
def nurse_set(request: HttpRequest, agenda_id: int, payload: NurseIn) -> dict[str, bool]:
    services.nurse_on_duty_set(
        **acting(request),
        agenda_id=agenda_id,
        day=payload.day,
        nurse_id=payload.nurse_id,
        shift=payload.shift,
        on_duty=payload.on_duty,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        break_start=payload.break_start,
        break_end=payload.break_end,
        breaks=[(b.start, b.end) for b in payload.breaks],
    )
    return {"on_duty": payload.on_duty}


# --- the day, the week, the call-in list ---------------------------------------------------


@router.get("/agendas/{agenda_id}/day", response=DayOut)
@api_perm(VIEW)
def day(request: HttpRequest, agenda_id: int, day: IsoDate) -> DayOut:
    view = selectors.day_view(
        **reading(request),
        agenda_id=agenda_id,
        day=selectors.day_in_range(day),
    )
    return DayOut(
        agenda_id=view.agenda.pk,
        day=view.day,
        opens=view.opens,
        closes=view.closes,
        closed_reason=view.closed_reason,
        nurse_ids=[n.nurse_id for n in view.nurses],
        bookings=[booking_out(b) for b in view.bookings],
    )


@router.get("/agendas/{agenda_id}/call-in", response=list[CallInOut])
@api_perm(VIEW)
def call_in(request: HttpRequest, agenda_id: int, day: IsoDate) -> list[CallInOut]:
    _agenda, rows = selectors.call_in_list(
        **reading(request),
        agenda_id=agenda_id,
        day=selectors.day_in_range(day),
    )
    return [
        CallInOut(
            booking_id=r.booking.pk,
            patient_id=r.booking.patient_id,
            patient=f"{r.booking.patient.surname} {r.booking.patient.given_names}",
            arrival_at=r.arrival,
            start_at=r.booking.start_at,
            place=r.booking.place.code if r.booking.place else None,
            booking_type=r.booking.booking_type.name,
            blood_tests=r.blood_tests,
            reminder=r.reminder,
        )
        for r in rows
    ]


@router.post("/agendas/{agenda_id}/reminders", response=dict[str, list[int]])
@api_perm(REMIND)
def reminders(request: HttpRequest, agenda_id: int, day: IsoDate) -> dict[str, list[int]]:
    """Queue the day's reminders (never twice): the ids of the bookings queued."""
    ids = services.reminders_request(**acting(request), agenda_id=agenda_id, day=day)
    reminders_defer(ids)
    return {"booking_ids": ids}


# --- bookings -------------------------------------------------------------------------------


@router.post("/agendas/{agenda_id}/bookings", response={201: BookingOut})
@api_perm(BOOK)
def booking_create(request: HttpRequest, agenda_id: int, payload: BookingIn) -> Status[BookingOut]:
    booking = services.booking_create(
        **acting(request),
        data=services.BookingInput(agenda_id=agenda_id, **payload.dict()),
    )
    return Status(201, _booking(request, booking.pk))


def _booking(request: HttpRequest, booking_id: int) -> BookingOut:
    return booking_out(selectors.booking_get(**reading(request), booking_id=booking_id))


@router.get("/bookings/{booking_id}", response=BookingOut)
@api_perm(VIEW)
def booking_get(request: HttpRequest, booking_id: int) -> BookingOut:
    return _booking(request, booking_id)


def _acted(
    request: HttpRequest,
    booking_id: int,
    act: Callable[..., object],
    payload: MoveIn | TransitionIn | LockIn,
) -> BookingOut:
    """One act on a booking (move, state change, lock): the service with the payload's
    fields, then the booking as it now is."""
    act(
        actor=request_actor(request),
        workstation=request_workstation(request),
        booking_id=booking_id,
        **payload.dict(),
    )
    return _booking(request, booking_id)


@router.post("/bookings/{booking_id}/move", response=BookingOut)
@api_perm(BOOK)
def booking_move(request: HttpRequest, booking_id: int, payload: MoveIn) -> BookingOut:
    return _acted(request, booking_id, services.booking_move, payload)


@router.post("/bookings/{booking_id}/transition", response=BookingOut)
@api_perm(BOOK)
def booking_transition(request: HttpRequest, booking_id: int, payload: TransitionIn) -> BookingOut:
    return _acted(request, booking_id, services.booking_transition, payload)


@router.post("/bookings/{booking_id}/lock", response=BookingOut)
@api_perm(BOOK)
def booking_lock(request: HttpRequest, booking_id: int, payload: LockIn) -> BookingOut:
    return _acted(request, booking_id, services.booking_lock_set, payload)


# --- the therapy programme -------------------------------------------------------------------


@router.post("/agendas/{agenda_id}/programmes", response={201: ProgrammeOut})
@api_perm(PROGRAMME)
def programme_propose(
    request: HttpRequest, agenda_id: int, payload: ProgrammeIn
) -> Status[ProgrammeOut]:
    programme = services.programme_propose(
        actor=request_actor(request),
        workstation=request_workstation(request),
        agenda_id=agenda_id,
        **payload.dict(),
    )
    return Status(201, _programme_out(programme))


@router.get("/programmes/{programme_id}", response=ProgrammeOut)
@api_perm(VIEW)
def programme_get(request: HttpRequest, programme_id: int) -> ProgrammeOut:
    return _programme_out(
        selectors.programme_get(user=request_actor(request), programme_id=programme_id)
    )


@router.post("/programmes/{programme_id}/confirm", response=ProgrammeOut)
@api_perm(PROGRAMME)
def programme_confirm(request: HttpRequest, programme_id: int, payload: ConfirmIn) -> ProgrammeOut:
    programme = services.programme_confirm(
        actor=request_actor(request),
        workstation=request_workstation(request),
        programme_id=programme_id,
        **payload.dict(),
    )
    return _programme_out(programme)


@router.post("/programmes/{programme_id}/postpone", response=ProgrammeOut)
@api_perm(PROGRAMME)
def programme_postpone(
    request: HttpRequest, programme_id: int, payload: PostponeIn
) -> ProgrammeOut:
    programme = services.programme_postpone_cycle(
        actor=request_actor(request),
        workstation=request_workstation(request),
        programme_id=programme_id,
        **payload.dict(),
    )
    return _programme_out(programme)
