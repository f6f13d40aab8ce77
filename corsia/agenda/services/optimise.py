"""«Ottimizza la giornata»: the day's bookings planned by the CP-SAT planner
(``domain/planning``), shown as a preview, applied in one transaction.

The problem of one agenda's day (``_problem``):

- opening: the earliest shift's opening to the latest's closing; a closed day (or a
  weekday without shifts) plans nothing. Every span the plan proposes is then checked
  against the shifts by the same checks as a manual move (a lunch closure between two
  shifts refuses the apply with ``outside_opening_hours``).
- places: the agenda's active chairs and beds; a bed also takes chair patients, a patient
  already on a bed needs a bed.
- nurses: those on duty that day, each for the whole opening (the shift label is not
  a time); none recorded: the starts are not limited (a warning says so).
- a booking that may move (``state in MOVABLE and not locked``) is a free ``Visit`` with
  its phases' durations (drugs, protocol waits, observation as stored); its call-in
  window (``ARRIVAL_TOLERANCE_MINUTES``): the slot of its booked call-in ± 60 minutes
  (the patient was told a time: the plan moves it by an hour at most, the reminder tells
  the new one); a booking still *to be placed* has the whole opening; an arrived patient
  keeps the arrival; for today, never earlier than now.
- a started, done or locked booking on one of the agenda's places is ``Fixed``.

The apply recomputes the plan from the same day (every moved booking's version checked,
and the preview's ``plan_token`` when given: a different plan is refused, never applied
silently), refuses a plan that leaves someone out (by name) or that ``check_plan``
faults, then moves every booking with the exclusion constraints deferred to the end of the
transaction (a swap of two patients passes through a moment where both hold one place),
each move audited with the reason, plus one audit row for the plan.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from corsia.agenda import audit_events as events
from corsia.agenda.domain.phases import Phase as BookingPhase
from corsia.agenda.domain.phases import PhaseKind
from corsia.agenda.domain.planning import (
    Assignment,
    DayPlan,
    DayProblem,
    Fixed,
    Nurse,
    Phase,
    PhaseTime,
    Place,
    PlaceKind,
    PlanStatus,
    Unplaced,
    Visit,
    check_plan,
    plan_day,
)
from corsia.agenda.domain.shifts import NurseShift
from corsia.agenda.domain.states import MOVABLE, BookingState
from corsia.agenda.models import Agenda, Booking
from corsia.agenda.permissions import BOOK
from corsia.agenda.pharmacy import Readiness, order_day_readiness
from corsia.agenda.selectors import (
    agenda_calendar,
    agenda_for_update,
    agenda_get,
    arrivals_in_slot,
    day_bookings_for_plan,
    day_in_range,
    day_is_closed,
    day_nurses,
    day_places,
    log_plan_read,
    visible_booking_ids,
)
from corsia.agenda.services.bookings import ONLY_BOOKERS, _reason, check_movable, move_write
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError

ARRIVAL_TOLERANCE_MINUTES = 60
PLAN_TIME_LIMIT_S = 8.0
NURSE_STARTS = frozenset({PhaseKind.THERAPY, PhaseKind.PUMP_CONNECTION, PhaseKind.PUMP_DETACHMENT})
CONSTRAINTS = "booking_place_no_overlap, booking_patient_no_overlap"
HIDDEN = "Accesso riservato"
# A preparation already in the pharmacy's work (validated, at a hood, being made, weighed):
# ready this many minutes from now (compounding, the gravimetric check, the release).
IN_WORK_MINUTES = 30
CLOSURE = "chiusura"  # the planner's id prefix of a closure between two shifts (not a booking)


def _minute(at: datetime) -> int:
    local = timezone.localtime(at)
    return local.hour * 60 + local.minute


def _at(day: date, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0))) + timedelta(minutes=minute)


def _hhmm(minute: int | None) -> str:
    return "" if minute is None else f"{minute // 60:02d}:{minute % 60:02d}"


def _free(booking: Booking) -> bool:
    return booking.state in MOVABLE and not booking.locked


def _lead(booking: Booking) -> int:
    return booking.booking_type.blood_test_lead_minutes


def _ready_at(booking: Booking, not_before: int | None) -> tuple[int | None, ...]:
    """Each drug's ``ready_at`` from the pharmacy (README, «Le preparazioni della
    farmacia»): only for today (``not_before``: now); a released preparation is ready, one in
    the pharmacy's work is ready in ``IN_WORK_MINUTES``, one not started (or no order) in the
    booking type's lead. Another day: the visit's own lead (call-in to the place) holds."""
    if not_before is None or booking.order_id is None or booking.day_of_cycle is None:
        return ()
    lead = {
        Readiness.READY: None,
        Readiness.IN_WORK: IN_WORK_MINUTES,
        Readiness.NOT_STARTED: _lead(booking),
    }
    return tuple(
        None if lead[r] is None else min(DAY_END, not_before + (lead[r] or 0))
        for r in order_day_readiness(order_id=booking.order_id, day_of_cycle=booking.day_of_cycle)
    )


DAY_END = 24 * 60
DRUG_KINDS = frozenset({PhaseKind.THERAPY, PhaseKind.PUMP_CONNECTION})


def _visit(
    booking: Booking,
    window: tuple[int, int],
    needs: PlaceKind,
    nurses: bool,
    ready: tuple[int | None, ...] = (),
) -> Visit | None:
    """The booking as the planner's visit: its on-place phases in sequence (the waits
    between them kept), the observation after the last; None when it has none."""
    rows = sorted(
        (
            (PhaseKind(p["kind"]), _minute(datetime.fromisoformat(p["start"])), p)
            for p in booking.phases
        ),
        key=lambda r: r[1],
    )
    start, end = _minute(booking.start_at), _minute(booking.end_at)
    steps = [
        (kind, s, _minute(datetime.fromisoformat(p["end"])))
        for kind, s, p in rows
        if s >= start and kind not in (PhaseKind.WAIT, PhaseKind.OBSERVATION)
    ]
    if not steps:
        return None
    drugs = [i for i, (kind, _s, _e) in enumerate(steps) if kind in DRUG_KINDS]
    # the order's lines in sequence are the booking's drug phases (bookings.order_steps);
    # a booking whose drugs no longer match its order's lines gets no ready time
    ready_of = dict(zip(drugs, ready, strict=True)) if len(drugs) == len(ready) else {}
    phases = []
    for i, (kind, s, e) in enumerate(steps):
        following = steps[i + 1][1] if i + 1 < len(steps) else e
        phases.append(
            Phase(
                drug=f"f{i + 1}",
                minutes=max(1, e - s),
                wait_after=max(0, following - e),
                ready_at=ready_of.get(i),
                nurse_start=nurses and kind in NURSE_STARTS,
            )
        )
    blood = sum(
        _minute(datetime.fromisoformat(p["end"])) - s
        for kind, s, p in rows
        if kind == PhaseKind.BLOOD_TEST
    )
    lead = _lead(booking)
    return Visit(
        id=str(booking.pk),
        patient=str(booking.patient_id),
        arrival_earliest=window[0],
        arrival_latest=window[1],
        phases=tuple(phases),
        needs=needs,
        blood_test_minutes=min(blood, lead),
        blood_test_gap=max(0, lead - blood),
        observation_minutes=max(0, end - steps[-1][2]),
    )


@dataclass(frozen=True)
class _Day:
    agenda: Agenda
    day: date
    problem: DayProblem | None  # None: nothing to plan
    bookings: dict[int, Booking]  # those in the problem
    free: frozenset[int]
    warnings: tuple[str, ...]
    windows: tuple[tuple[int, int], ...] = ()  # the day's shifts (minutes), in order


def _nurses(agenda: Agenda, day: date, opens: int, closes: int) -> tuple[list[Nurse], list[str]]:
    """The nurses on duty as the planner's: each for her shift (the whole opening when none
    is recorded), her break as the planner's ``Nurse.breaks``, so no start of hers falls in
    it and her cap of starts per half hour is counted across it."""
    nurses: list[Nurse] = []
    warnings: list[str] = []
    for row in day_nurses(agenda, day):
        shift = NurseShift(row.starts_at, row.ends_at, row.break_start, row.break_end)
        spans = shift.working_spans(opens, closes)
        if not spans:
            warnings.append(
                f"Il turno di {row.nurse} non cade nell'orario di apertura: non conta nel piano."
            )
            continue
        nurses.append(
            Nurse(
                id=str(row.nurse_id),
                shift_start=spans[0][0],
                shift_end=spans[-1][1],
                breaks=tuple((a[1], b[0]) for a, b in pairwise(spans)),
            )
        )
    return nurses, warnings


def _closures(
    windows: tuple[tuple[int, int], ...], places: list[Any]
) -> tuple[list[Visit], list[Fixed]]:
    """Each closure between two shifts (a lunch gap) held on every place by a fixed,
    nurse-free stand-in: no access is on a place while the unit is closed."""
    visits: list[Visit] = []
    fixed: list[Fixed] = []
    for i, ((_o, gap_start), (gap_end, _c)) in enumerate(pairwise(windows)):
        if gap_end <= gap_start:
            continue
        for p in places:
            visit_id = f"{CLOSURE}-{i}-{p.place_id}"
            visits.append(
                Visit(
                    id=visit_id,
                    patient=visit_id,
                    arrival_earliest=gap_start,
                    arrival_latest=gap_start,
                    phases=(Phase(drug=CLOSURE, minutes=gap_end - gap_start, nurse_start=False),),
                    needs=PlaceKind(p.place.kind),
                )
            )
            fixed.append(
                Fixed(
                    visit_id=visit_id, place_id=str(p.place_id), start=gap_start, arrival=gap_start
                )
            )
    return visits, fixed


def _shift_of(windows: tuple[tuple[int, int], ...], minute: int) -> tuple[int, int] | None:
    return next((w for w in windows if w[0] <= minute <= w[1]), None)


def _problem(agenda: Agenda, day: date, bookings: list[Booking]) -> _Day:
    windows = tuple(
        (w.opens.hour * 60 + w.opens.minute, w.closes.hour * 60 + w.closes.minute)
        for w in agenda_calendar(agenda, day, day).windows_on(day)
    )
    closed = day_is_closed(agenda, day) or not windows
    opens = min((w[0] for w in windows), default=0)
    closes = max((w[1] for w in windows), default=0)
    places = day_places(agenda)
    kinds = {p.place_id: p.place.kind for p in places}
    nurses, warnings = _nurses(agenda, day, opens, closes)
    if not nurses:
        warnings.append(
            "Nessun infermiere in servizio registrato: il piano non limita gli avvii per "
            "infermiere."
        )
    now = timezone.localtime()
    today = day == now.date()
    not_before = now.hour * 60 + now.minute + 1 if today else 0
    visits, fixed = _closures(windows, places)
    used: dict[int, Booking] = {}
    free: set[int] = set()
    for booking in bookings:
        if not booking.booking_type.needs_place:
            continue
        arrival = _minute(booking.arrival_at)
        needs = PlaceKind.BED if kinds.get(booking.place_id or 0) == "bed" else PlaceKind.CHAIR
        if _free(booking):
            # with a closure between shifts, the access stays in the shift of its call-in
            shift = _shift_of(windows, arrival) if len(windows) > 1 else None
            low, high = shift or (opens, closes)
            if booking.state == BookingState.ARRIVED:
                window = (arrival, arrival)
            elif booking.place_id is None:
                window = (max(low, not_before), high)
            else:
                slot = arrival - arrival % agenda.slot_minutes
                window = (
                    max(low, not_before, slot - ARRIVAL_TOLERANCE_MINUTES),
                    min(high, slot + agenda.slot_minutes - 1 + ARRIVAL_TOLERANCE_MINUTES),
                )
            if window[0] > window[1]:  # the window has passed: the planner leaves it out
                window = (window[0], window[0])
        elif booking.place_id in kinds:
            window = (arrival, arrival)
        else:
            continue  # fixed outside the agenda's places: holds none of them
        ready = _ready_at(booking, not_before if today else None) if _free(booking) else ()
        visit = _visit(booking, window, needs, bool(nurses), ready)
        if visit is None:
            continue
        visits.append(visit)
        used[booking.pk] = booking
        if _free(booking):
            free.add(booking.pk)
        else:
            fixed.append(
                Fixed(
                    visit_id=visit.id,
                    place_id=str(booking.place_id),
                    start=_minute(booking.start_at),
                    arrival=arrival,
                )
            )
    problem = None
    if used and places:
        problem = DayProblem(
            opens=opens,
            closes=max(opens, closes),
            places=tuple(
                Place(
                    id=str(p.place_id),
                    kind=PlaceKind(p.place.kind),
                    hosts=frozenset({PlaceKind.CHAIR, PlaceKind.BED})
                    if p.place.kind == "bed"
                    else frozenset({PlaceKind.CHAIR}),
                )
                for p in places
            ),
            nurses=tuple(nurses),
            visits=tuple(visits),
            fixed=tuple(fixed),
            time_limit_s=PLAN_TIME_LIMIT_S,
            closed=closed,
            workers=1,  # deterministic: the apply recomputes the plan the preview showed
        )
    return _Day(agenda, day, problem, used, frozenset(free), tuple(warnings), windows)


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


def day_plan_preview(
    *, actor: User, agenda_id: int, day: date, workstation: Workstation, channel: str = "web"
) -> DayPlanPreview:
    """The plan the optimiser proposes for the day, nothing written (the read is logged)."""
    require_permission(actor, BOOK, ONLY_BOOKERS)
    day = day_in_range(day)
    agenda = agenda_get(user=actor, agenda_id=agenda_id)
    bookings = day_bookings_for_plan(agenda, day)
    state = _problem(agenda, day, bookings)
    preview = _preview(actor, state, _plan(state))
    log_plan_read(actor, list(state.bookings.values()), workstation, channel)
    return preview


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


def day_plan_apply(
    *,
    actor: User,
    workstation: Workstation,
    agenda_id: int,
    day: date,
    expected_versions: dict[int, int],
    reason: str,
    plan_token: str = "",
) -> DayPlanPreview:
    """Apply the day's plan: all moves or none (see the module's text)."""
    require_permission(actor, BOOK, ONLY_BOOKERS)
    reason = _reason(reason, required=True)
    day = day_in_range(day)
    with transaction.atomic():
        agenda = agenda_for_update(agenda_id)
        agenda_get(user=actor, agenda_id=agenda_id)
        bookings = day_bookings_for_plan(agenda, day, lock=True)
        state = _problem(agenda, day, bookings)
        expected = {int(k): v for k, v in expected_versions.items()}
        if set(expected) != set(state.free):
            raise ConflictError(
                "La giornata è cambiata dall'anteprima (prenotazioni aggiunte, tolte o "
                "bloccate): ricalcolare il piano.",
                code="plan_stale",
            )
        for pk in sorted(state.free):
            state.bookings[pk].check_version(expected[pk])
        plan = _plan(state)
        if plan is None:
            raise ConflictError("Nessuna prenotazione da pianificare.", code="plan_empty")
        if plan_token and plan_token != _token(plan):
            raise ConflictError(
                "Il piano ricalcolato differisce dall'anteprima: rivederlo prima di applicarlo.",
                code="plan_changed",
            )
        write_plan(actor=actor, workstation=workstation, state=state, plan=plan, reason=reason)
    return _preview(actor, _problem(agenda, day, day_bookings_for_plan(agenda, day)), plan)


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
