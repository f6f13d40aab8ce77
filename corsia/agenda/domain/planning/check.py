"""``check_plan``: every rule a day plan must keep, as conflicts with a stable code and an
Italian message. Pure: the solver's plans, the first-come-first-served baseline and a
coordinator's manual move are all checked by the same function."""

from __future__ import annotations

import bisect
from collections import defaultdict

from corsia.agenda.domain.planning.plan import Assignment, Conflict, DayPlan
from corsia.agenda.domain.planning.problem import PLACE_LABEL, DayProblem, hhmm


def check_plan(problem: DayProblem, plan: DayPlan) -> tuple[Conflict, ...]:
    """The conflicts of ``plan`` with ``problem`` (empty: the plan keeps every rule).

    Codes: ``closed_day``, ``unknown_visit``, ``duplicate_visit``, ``unknown_place``,
    ``place_incompatible``, ``phase_sequence``, ``outside_opening_hours``,
    ``arrival_outside_window``, ``before_arrival``, ``blood_test_gap``,
    ``before_preparation_ready``, ``nurse_missing``, ``unknown_nurse``, ``nurse_off_shift``,
    ``nurse_on_break``, ``nurse_cap``, ``place_overlap``, ``fixed_moved``, ``slot_full``."""
    out: list[Conflict] = []
    places = {p.id: p for p in problem.places}
    nurses = {n.id: n for n in problem.nurses}
    seen: set[str] = set()
    valid: list[Assignment] = []
    for a in plan.assignments:
        try:
            visit = problem.visit(a.visit_id)
        except KeyError:
            out.append(
                Conflict("unknown_visit", f"Accesso sconosciuto: {a.visit_id}.", (a.visit_id,))
            )
            continue
        if a.visit_id in seen:
            out.append(
                Conflict(
                    "duplicate_visit",
                    f"L'accesso {a.visit_id} è pianificato due volte.",
                    (a.visit_id,),
                )
            )
            continue
        seen.add(a.visit_id)
        if problem.closed:
            out.append(
                Conflict(
                    "closed_day", "Giornata di chiusura: nessun accesso possibile.", (a.visit_id,)
                )
            )
        place = places.get(a.place_id)
        if place is None:
            out.append(
                Conflict(
                    "unknown_place", f"Posto sconosciuto: {a.place_id}.", (a.visit_id,), a.place_id
                )
            )
            continue
        if visit.needs not in place.hosts:
            out.append(
                Conflict(
                    "place_incompatible",
                    f"Il posto {place.id} ({PLACE_LABEL[place.kind]}) non può ospitare "
                    f"l'accesso {visit.id}, che richiede un {PLACE_LABEL[visit.needs]}.",
                    (visit.id,),
                    place.id,
                )
            )
        out.extend(_sequence(problem, a))
        out.extend(_times(problem, a))
        out.extend(_nurses(problem, a, nurses))
        valid.append(a)
    out.extend(_overlaps(problem, valid))
    out.extend(_nurse_cap(problem, valid))
    out.extend(_slots(problem, valid))
    out.extend(_fixed(problem, {a.visit_id: a for a in valid}))
    return tuple(out)


def _sequence(problem: DayProblem, a: Assignment) -> list[Conflict]:
    visit = problem.visit(a.visit_id)
    expected = [(a.start + s, a.start + e) for s, e in visit.phase_offsets]
    actual = [(p.start, p.end) for p in a.phases]
    detach = visit.detach_offset
    if (
        expected != actual
        or [p.drug for p in a.phases] != [p.drug for p in visit.phases]
        or a.end != a.start + visit.chair_minutes
        or a.detach_at != (None if detach is None else a.start + detach)
    ):
        return [
            Conflict(
                "phase_sequence",
                f"Gli orari dei farmaci di {visit.id} non seguono lo schema (durate, attese, "
                "osservazione).",
                (visit.id,),
                a.place_id,
                a.start,
            )
        ]
    return []


def _times(problem: DayProblem, a: Assignment) -> list[Conflict]:
    visit = problem.visit(a.visit_id)
    out = []
    last = a.end
    if a.detach_at is not None:
        last = max(last, a.detach_at + visit.phases[-1].detach_minutes)
    if a.arrival < problem.opens or a.start < problem.opens or last > problem.closes:
        out.append(
            Conflict(
                "outside_opening_hours",
                f"L'accesso {visit.id} ({hhmm(a.arrival)}–{hhmm(last)}) è fuori dall'orario di "
                f"apertura ({hhmm(problem.opens)}–{hhmm(problem.closes)}).",
                (visit.id,),
                a.place_id,
                a.start,
            )
        )
    if not visit.arrival_earliest <= a.arrival <= visit.arrival_latest:
        out.append(
            Conflict(
                "arrival_outside_window",
                f"Convocazione di {visit.id} alle {hhmm(a.arrival)}, fuori dalla finestra "
                f"{hhmm(visit.arrival_earliest)}–{hhmm(visit.arrival_latest)}.",
                (visit.id,),
                minute=a.arrival,
            )
        )
    if a.start < a.arrival:
        out.append(
            Conflict(
                "before_arrival",
                f"La terapia di {visit.id} inizia alle {hhmm(a.start)}, prima dell'arrivo "
                f"({hhmm(a.arrival)}).",
                (visit.id,),
                a.place_id,
                a.start,
            )
        )
    elif a.start < a.arrival + visit.results_after:
        out.append(
            Conflict(
                "blood_test_gap",
                f"La terapia di {visit.id} inizia alle {hhmm(a.start)}: il prelievo delle "
                f"{hhmm(a.arrival)} e i suoi esiti richiedono fino alle "
                f"{hhmm(a.arrival + visit.results_after)}.",
                (visit.id,),
                a.place_id,
                a.start,
            )
        )
    for phase, timed in zip(visit.phases, a.phases, strict=False):
        if phase.ready_at is not None and timed.start < phase.ready_at:
            out.append(
                Conflict(
                    "before_preparation_ready",
                    f"{phase.drug} di {visit.id} inizia alle {hhmm(timed.start)}, ma la "
                    f"preparazione è pronta alle {hhmm(phase.ready_at)}.",
                    (visit.id,),
                    a.place_id,
                    timed.start,
                )
            )
    return out


def _nurses(problem: DayProblem, a: Assignment, nurses: dict) -> list[Conflict]:  # type: ignore[type-arg]
    visit = problem.visit(a.visit_id)
    out = []
    starts = [
        (p.start, p.nurse, ph.nurse_start) for p, ph in zip(a.phases, visit.phases, strict=False)
    ]
    if a.detach_at is not None:
        starts.append((a.detach_at, a.detach_nurse, True))
    for minute, nurse_id, needed in starts:
        if needed and nurse_id is None:
            out.append(
                Conflict(
                    "nurse_missing",
                    f"Nessun infermiere per l'avvio delle {hhmm(minute)} di {visit.id}.",
                    (visit.id,),
                    minute=minute,
                )
            )
        elif nurse_id is not None:
            nurse = nurses.get(nurse_id)
            if nurse is None:
                out.append(
                    Conflict(
                        "unknown_nurse",
                        f"Infermiere sconosciuto: {nurse_id}.",
                        (visit.id,),
                        nurse_id=nurse_id,
                        minute=minute,
                    )
                )
            elif not nurse.shift_start <= minute < nurse.shift_end:
                out.append(
                    Conflict(
                        "nurse_off_shift",
                        f"L'infermiere {nurse_id} non è in turno alle {hhmm(minute)} "
                        f"(turno {hhmm(nurse.shift_start)}–{hhmm(nurse.shift_end)}).",
                        (visit.id,),
                        nurse_id=nurse_id,
                        minute=minute,
                    )
                )
            elif not nurse.can_start(minute):
                start, end = next((s, e) for s, e in nurse.breaks if s <= minute < e)
                out.append(
                    Conflict(
                        "nurse_on_break",
                        f"L'infermiere {nurse_id} è in pausa alle {hhmm(minute)} "
                        f"(pausa {hhmm(start)}–{hhmm(end)}).",
                        (visit.id,),
                        nurse_id=nurse_id,
                        minute=minute,
                    )
                )
    return out


def _overlaps(problem: DayProblem, assignments: list[Assignment]) -> list[Conflict]:
    out = []
    by_place: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_place[a.place_id].append(a)
    turnover = problem.turnover_minutes
    for place_id, items in by_place.items():
        items.sort(key=lambda a: (a.start, a.visit_id))
        latest: Assignment | None = None
        for a in items:
            if latest is not None and a.start < latest.end + turnover:
                extra = f" (con il riassetto di {turnover} minuti)" if turnover else ""
                out.append(
                    Conflict(
                        "place_overlap",
                        f"Due pazienti sul posto {place_id} alle {hhmm(a.start)}: {latest.visit_id} "
                        f"lo occupa fino alle {hhmm(latest.end)}{extra}, {a.visit_id} inizia alle "
                        f"{hhmm(a.start)}.",
                        (latest.visit_id, a.visit_id),
                        place_id,
                        a.start,
                    )
                )
            if latest is None or a.end > latest.end:
                latest = a
    return out


def _nurse_cap(problem: DayProblem, assignments: list[Assignment]) -> list[Conflict]:
    cap = problem.starts_per_half_hour
    times: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for a in assignments:
        for minute, nurse in a.nurse_starts:
            if nurse is not None:
                times[nurse].append((minute, a.visit_id))
    out = []
    for nurse, events in times.items():
        events.sort()
        minutes = [m for m, _ in events]
        for i, first in enumerate(minutes):
            j = bisect.bisect_left(minutes, first + 30)
            if j - i > cap:
                out.append(
                    Conflict(
                        "nurse_cap",
                        f"L'infermiere {nurse} ha {j - i} avvii tra le {hhmm(first)} e le "
                        f"{hhmm(first + 29)}: il massimo è {cap} ogni mezz'ora.",
                        tuple(sorted({v for _, v in events[i:j]})),
                        nurse_id=nurse,
                        minute=first,
                    )
                )
                break  # one conflict per nurse is enough to refuse the plan
    return out


def _fixed(problem: DayProblem, placed: dict[str, Assignment]) -> list[Conflict]:
    out = []
    for fix in problem.fixed:
        a = placed.get(fix.visit_id)
        moved = (
            a is None
            or a.place_id != fix.place_id
            or a.start != fix.start
            or (fix.arrival is not None and a.arrival != fix.arrival)
            or (fix.nurses and tuple(n for _, n in a.nurse_starts) != fix.nurses)
        )
        if moved:
            out.append(
                Conflict(
                    "fixed_moved",
                    f"L'accesso {fix.visit_id} è fissato sul posto {fix.place_id} alle "
                    f"{hhmm(fix.start)} e non può essere spostato né tolto.",
                    (fix.visit_id,),
                    fix.place_id,
                    fix.start,
                )
            )
    return out


def _slots(problem: DayProblem, assignments: list[Assignment]) -> list[Conflict]:
    """The agenda's capacity per slot: no slot with more call-ins than it allows, unless
    all of them are fixed (what is fixed is as it is: the planner adds nobody there)."""
    cap = problem.arrivals_per_slot
    if not cap:
        return []
    fixed = {f.visit_id for f in problem.fixed}
    by_slot: dict[int, list[str]] = defaultdict(list)
    for a in assignments:
        if problem.visit(a.visit_id).counts_arrival:
            by_slot[problem.slot_of(a.arrival)].append(a.visit_id)
    return [
        Conflict(
            "slot_full",
            f"Lo slot delle {hhmm(slot * problem.slot_minutes)} ha {len(ids)} arrivi: al "
            f"massimo {cap}.",
            tuple(ids),
        )
        for slot, ids in sorted(by_slot.items())
        if len(ids) > cap and not set(ids) <= fixed
    ]
