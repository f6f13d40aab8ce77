"""How one agenda's day becomes the planner's problem (``day_problem``): the places, the
nurses with their shifts and breaks, the closures between shifts, each booking as a free
``Visit`` or a ``Fixed`` one, the pharmacy's ready times. Read by ``optimise`` (preview
and apply) and ``plan_requests`` (the background job)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from django.utils import timezone

from corsia.agenda.domain.phases import PhaseKind
from corsia.agenda.domain.planning import (
    DayProblem,
    Fixed,
    Nurse,
    Phase,
    Place,
    PlaceKind,
    Visit,
)
from corsia.agenda.domain.shifts import NurseShift
from corsia.agenda.domain.states import MOVABLE, BookingState
from corsia.agenda.models import Agenda, Booking
from corsia.agenda.pharmacy import Readiness, order_day_readiness
from corsia.agenda.selectors import (
    agenda_calendar,
    day_is_closed,
    day_nurses,
    day_places,
)

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
    is recorded), her breaks as the planner's ``Nurse.breaks``, so no start of hers falls in
    it and her cap of starts per half hour is counted across it."""
    nurses: list[Nurse] = []
    warnings: list[str] = []
    for row in day_nurses(agenda, day):
        shift = NurseShift.from_stored(row.starts_at, row.ends_at, row.breaks)
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
                    counts_arrival=False,  # not a patient: no call-in of the slot
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
            workers=1,  # deterministic: one plan for one day
            slot_minutes=agenda.slot_minutes,
            arrivals_per_slot=agenda.slot_capacity,  # the call-ins per slot, as booked
        )
    return _Day(agenda, day, problem, used, frozenset(free), tuple(warnings), windows)
