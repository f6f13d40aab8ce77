"""«Ottimizza la giornata»: the preview of a computed plan against the day, and the writer
that applies it in one transaction (``write_plan``). The plan is computed by the job
(``plan_requests.py``); the in-request preview and apply are gone.

The problem of one agenda's day: ``day_problem.py`` (places, nurses with their shifts and
breaks, closures between shifts, the pharmacy's ready times; the README's table).

``write_plan`` refuses a plan that leaves someone out (by name) or that ``check_plan``
faults, then moves every booking with the exclusion constraints deferred to the end of the
transaction (a swap of two patients passes through a moment where both hold one place),
each move audited with the reason, plus one audit row for the plan.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from corsia.agenda import audit_events as events
from corsia.agenda.domain.phases import Phase as BookingPhase
from corsia.agenda.domain.phases import PhaseKind
from corsia.agenda.domain.planning import (
    Assignment,
    DayPlan,
    PhaseTime,
    PlanStatus,
    Unplaced,
    check_plan,
    plan_day,
)
from corsia.agenda.models import Booking
from corsia.agenda.selectors import (
    arrivals_in_slot,
    day_places,
    visible_booking_ids,
)
from corsia.agenda.services.bookings import check_movable, move_write
from corsia.agenda.services.day_problem import (
    CONSTRAINTS,
    HIDDEN,
    _at,
    _Day,
    _hhmm,
    _lead,
    _minute,
    _shift_of,
)
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import ConflictError


@dataclass(frozen=True)
class PlanRow:
    booking_id: int
    version: int
    patient: str
    fixed: bool
    current_place: str
    current_arrival: str
    current_start: str
    proposed_place: str
    proposed_arrival: str
    proposed_start: str
    wait_before: int
    wait_after: int

    @property
    def moves(self) -> bool:
        return (self.current_place, self.current_start, self.current_arrival) != (
            self.proposed_place,
            self.proposed_start,
            self.proposed_arrival,
        )


@dataclass(frozen=True)
class LeftOut:
    booking_id: int
    patient: str
    code: str
    message: str


@dataclass(frozen=True)
class DayPlanPreview:
    agenda_id: int
    agenda_name: str
    day: date
    status: str
    rows: tuple[PlanRow, ...]
    left_out: tuple[LeftOut, ...]
    makespan_before: int
    makespan_after: int
    wait_before: int
    wait_after: int
    warnings: tuple[str, ...]
    plan_token: str

    free_versions: tuple[tuple[int, int], ...]  # each booking the plan may move, its version

    @property
    def versions(self) -> dict[int, int]:
        """What the apply expects: each booking the plan may move, at its version."""
        return dict(self.free_versions)


def _wait(booking: Booking) -> int:
    return max(0, _minute(booking.start_at) - _minute(booking.arrival_at) - _lead(booking))


def _booked(visit_id: str) -> bool:
    """A visit of a booking (not a closure's stand-in)."""
    return visit_id.isdigit()


def _token(plan: DayPlan) -> str:
    text = ";".join(
        f"{a.visit_id}:{a.place_id}:{a.arrival}:{a.start}"
        for a in sorted(
            (a for a in plan.assignments if _booked(a.visit_id)), key=lambda a: int(a.visit_id)
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _within_shifts(state: _Day, plan: DayPlan) -> DayPlan:
    """An access the plan spreads over a closure between shifts (called in before it, on
    the place after it) is left out with its reason: the calendar wants each access inside
    one shift, and the planner has no per-visit deadline to keep it there."""
    if len(state.windows) < 2 or state.problem is None:
        return plan
    crossing: list[Unplaced] = []
    for a in plan.assignments:
        if not _booked(a.visit_id) or int(a.visit_id) not in state.free:
            continue
        end = a.start + state.problem.visit(a.visit_id).span_minutes
        if _shift_of(state.windows, a.arrival) != _shift_of(state.windows, end):
            crossing.append(
                Unplaced(
                    a.visit_id,
                    "crosses_closure",
                    f"convocazione alle {_hhmm(a.arrival)} e fine alle {_hhmm(end)}: l'accesso "
                    "attraverserebbe la chiusura tra due turni.",
                )
            )
    if not crossing:
        return plan
    out = {u.visit_id for u in crossing}
    return replace(
        plan,
        assignments=tuple(a for a in plan.assignments if a.visit_id not in out),
        unplaced=(*plan.unplaced, *crossing),
    )


def _plan(state: _Day) -> DayPlan | None:
    if state.problem is None:
        return None
    return _within_shifts(state, plan_day(state.problem))


def plan_json(plan: DayPlan) -> dict[str, Any]:
    """The plan as stored in a ``PlanRequest`` (``plan_from_json`` reads it back)."""
    return {
        "assignments": [
            {
                "visit_id": a.visit_id,
                "place_id": a.place_id,
                "arrival": a.arrival,
                "start": a.start,
                "end": a.end,
                "phases": [[p.drug, p.start, p.end, p.nurse] for p in a.phases],
                "detach_at": a.detach_at,
                "detach_nurse": a.detach_nurse,
            }
            for a in plan.assignments
        ],
        "makespan": plan.makespan,
        "total_wait": plan.total_wait,
        "chair_balance": plan.chair_balance,
        "status": plan.status.value,
        "unplaced": [[u.visit_id, u.code, u.message] for u in plan.unplaced],
        "lower_bound": plan.lower_bound,
        "solver": plan.solver,
        "wall_s": plan.wall_s,
    }


def plan_from_json(data: dict[str, Any]) -> DayPlan:
    return DayPlan(
        assignments=tuple(
            Assignment(
                visit_id=a["visit_id"],
                place_id=a["place_id"],
                arrival=a["arrival"],
                start=a["start"],
                end=a["end"],
                phases=tuple(PhaseTime(*p) for p in a["phases"]),
                detach_at=a["detach_at"],
                detach_nurse=a["detach_nurse"],
            )
            for a in data["assignments"]
        ),
        makespan=data["makespan"],
        total_wait=data["total_wait"],
        chair_balance=data["chair_balance"],
        status=PlanStatus(data["status"]),
        unplaced=tuple(Unplaced(*u) for u in data["unplaced"]),
        lower_bound=data["lower_bound"],
        solver=data["solver"],
        wall_s=data["wall_s"],
    )


def _preview(user: User, state: _Day, plan: DayPlan | None) -> DayPlanPreview:
    shown = visible_booking_ids(user, list(state.bookings.values()))
    codes = {str(p.place_id): p.place.code for p in day_places(state.agenda)}

    def name(b: Booking) -> str:
        if b.pk not in shown:
            return HIDDEN
        return f"{b.patient.surname.upper()} {b.patient.given_names} ({b.patient.mrn})"

    rows: list[PlanRow] = []
    opens = state.problem.opens if state.problem else 0
    before_end = opens
    for pk, b in state.bookings.items():
        a = plan.assignment(str(pk)) if plan else None
        if b.place_id is not None:
            before_end = max(before_end, _minute(b.end_at))
        if a is None:
            continue
        visit = state.problem.visit(str(pk)) if state.problem else None
        results = visit.results_after if visit else 0
        rows.append(
            PlanRow(
                booking_id=pk,
                version=b.version,
                patient=name(b),
                fixed=pk not in state.free,
                current_place=b.place.code if b.place else "",
                current_arrival=_hhmm(_minute(b.arrival_at)),
                current_start=_hhmm(_minute(b.start_at)) if b.place_id else "",
                proposed_place=codes.get(a.place_id, a.place_id),
                proposed_arrival=_hhmm(a.arrival),
                proposed_start=_hhmm(a.start),
                wait_before=_wait(b) if b.place_id else 0,
                wait_after=max(0, a.start - a.arrival - results),
            )
        )
    left = tuple(
        LeftOut(
            booking_id=int(u.visit_id),
            patient=name(state.bookings[int(u.visit_id)]),
            code=u.code,
            message=u.message,
        )
        for u in (plan.unplaced if plan else ())
        if _booked(u.visit_id)
    )
    rows.sort(key=lambda r: (r.proposed_start, r.proposed_place))
    return DayPlanPreview(
        agenda_id=state.agenda.pk,
        agenda_name=state.agenda.name,
        day=state.day,
        status=plan.status.value if plan else "empty",
        rows=tuple(rows),
        left_out=left,
        makespan_before=max(0, before_end - opens),
        makespan_after=plan.makespan if plan else 0,
        wait_before=sum(
            _wait(b) for b in state.bookings.values() if b.place_id and b.pk in state.free
        ),
        wait_after=plan.total_wait if plan else 0,
        warnings=state.warnings,
        plan_token=_token(plan) if plan else "",
        free_versions=tuple((pk, state.bookings[pk].version) for pk in sorted(state.free)),
    )


def _new_phases(booking: Booking, arrival: int, start: int) -> tuple[BookingPhase, ...]:
    """The booking's phases at the plan's times: the blood test at the call-in, a wait until
    the place, the place's phases shifted together."""
    delta = _at(booking.day, start) - booking.start_at
    out: list[BookingPhase] = []
    call_in = _at(booking.day, arrival)
    begin = _at(booking.day, start)
    for p in booking.phases:
        kind = PhaseKind(p["kind"])
        s, e = datetime.fromisoformat(p["start"]), datetime.fromisoformat(p["end"])
        if s < booking.start_at:
            if kind == PhaseKind.BLOOD_TEST:
                out.append(BookingPhase(kind, call_in, call_in + (e - s), p.get("label", "")))
            continue  # the waits before the place are rebuilt below
        out.append(BookingPhase(kind, s + delta, e + delta, p.get("label", "")))
    head = out[0].end if out and out[0].kind == PhaseKind.BLOOD_TEST else call_in
    if head < begin:
        at = 1 if out and out[0].kind == PhaseKind.BLOOD_TEST else 0
        out.insert(at, BookingPhase(PhaseKind.WAIT, head, begin))
    return tuple(out)


def _names(user: User, state: _Day, plan: DayPlan) -> str:
    """Who is left out, by name (a masked stay's patient only for those inside it)."""
    unplaced = [u for u in plan.unplaced if _booked(u.visit_id)]
    left = [state.bookings[int(u.visit_id)] for u in unplaced]
    shown = visible_booking_ids(user, left)
    return "; ".join(
        (f"{b.patient.surname.upper()} {b.patient.given_names}" if b.pk in shown else HIDDEN)
        + f": {u.message}"
        for b, u in zip(left, unplaced, strict=True)
    )


def write_plan(
    *, actor: User, workstation: Workstation, state: _Day, plan: DayPlan, reason: str
) -> None:
    """Write a plan of the day ``state`` holds locked (inside the caller's transaction):
    refused whole if it leaves someone out or ``check_plan`` faults it; every move with the
    checks and audit row of a manual move; the plan's own audit row."""
    agenda, day = state.agenda, state.day
    if plan.unplaced:
        raise ConflictError(
            f"Il piano lascia fuori {len(plan.unplaced)} pazienti: {_names(actor, state, plan)}.",
            code="plan_leaves_out",
            details={
                "booking_ids": [int(u.visit_id) for u in plan.unplaced if _booked(u.visit_id)]
            },
        )
    assert state.problem is not None  # a plan exists
    conflicts = check_plan(state.problem, plan)
    if conflicts:
        raise ConflictError(
            "Il piano non è valido: " + " ".join(c.message for c in conflicts),
            code="plan_conflict",
        )
    moves = []
    for pk in sorted(state.free):
        booking, a = state.bookings[pk], plan.assignment(str(pk))
        assert a is not None  # nobody left out
        place_id = int(a.place_id)
        if (booking.place_id, _minute(booking.start_at), _minute(booking.arrival_at)) != (
            place_id,
            a.start,
            a.arrival,
        ):
            moves.append((booking, place_id, a))
    moving = frozenset(b.pk for b, _p, _a in moves)
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {CONSTRAINTS} DEFERRED")
    for booking, place_id, a in moves:
        check_movable(booking)
        move_write(
            actor=actor,
            workstation=workstation,
            agenda=agenda,
            booking=booking,
            day=day,
            phases=_new_phases(booking, a.arrival, a.start),
            place_id=place_id,
            reason=reason,
            moving=moving,
        )
    for booking, _place, _a in moves:
        if arrivals_in_slot(agenda, booking.arrival_at) > agenda.slot_capacity:
            raise ConflictError(
                f"Lo slot delle {timezone.localtime(booking.arrival_at):%H:%M} avrebbe più "
                f"di {agenda.slot_capacity} arrivi: il piano non si applica.",
                code="slot_full",
            )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {CONSTRAINTS} IMMEDIATE")
    except IntegrityError as error:
        raise ConflictError(
            "Il piano sovrapporrebbe due prenotazioni: nulla è stato spostato.",
            code="plan_conflict",
        ) from error
    audit_record(
        event=events.DAY_PLAN_APPLIED,
        actor=actor,
        workstation=workstation,
        target=agenda,
        after={
            "day": day.isoformat(),
            "moved": sorted(moving),
            "makespan": plan.makespan,
            "total_wait": plan.total_wait,
            "status": plan.status.value,
            "solver": plan.solver,
        },
        reason=reason,
    )
