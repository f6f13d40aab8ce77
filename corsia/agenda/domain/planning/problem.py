"""The day problem: places, nurses on duty, visits, what is fixed, and the time limit.

Every time is an integer minute from the day's midnight (08:00 is 480), every duration an
integer number of minutes. Floats, booleans, NaN or 1e308 are refused (``DayProblemInvalid``
with a stable code and an Italian message), as are negative durations, windows that end
before they start, a day without places and more visits than any day hospital sees.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from corsia.core.domain.errors import ValidationFailed

DAY_MINUTES = 24 * 60
MAX_VISITS = 1_000  # the largest day hospitals see a few hundred accesses a day
MAX_PLACES = 300
MAX_NURSES = 200
MAX_PHASES = 30
MAX_PHASE_MINUTES = 7 * DAY_MINUTES  # a portable pump may run for days (5-FU 46 h)
MAX_TIME_LIMIT_S = 600.0


class DayProblemInvalid(ValidationFailed):
    code = "day_problem_invalid"


class PlaceKind(StrEnum):
    CHAIR = "chair"
    BED = "bed"


PLACE_LABEL = {PlaceKind.CHAIR: "poltrona", PlaceKind.BED: "letto"}


class Pump(StrEnum):
    """How a drug runs: in the chair (gravity or a volumetric pump, the chair is held for
    the whole infusion) or on a portable (elastomeric) pump: the chair is held only for the
    connection, then the patient leaves with the pump."""

    CHAIR = "chair"
    PORTABLE = "portable"


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _refuse(code: str, message: str, field_name: str) -> DayProblemInvalid:
    return DayProblemInvalid(message, code=code, field=field_name)


def _minute(value: Any, name: str, *, low: int = 0, high: int = DAY_MINUTES) -> None:
    # bool is an int subclass: True minutes are a programming error, not a time
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and not math.isfinite(value):
            raise _refuse("not_finite", f"{name}: valore non finito ({value!r}).", name)
        raise _refuse("not_integer_minutes", f"{name}: i minuti devono essere interi.", name)
    if value < low:
        if low == 0:
            raise _refuse("negative_minutes", f"{name}: valore negativo ({value}).", name)
        raise _refuse("out_of_range", f"{name}: {value} è sotto il minimo ({low}).", name)
    if value > high:
        raise _refuse("out_of_range", f"{name}: {value} supera il massimo ({high}).", name)


def _identifier(value: Any, name: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _refuse("empty_identifier", f"{name}: identificativo mancante.", name)
    if len(value) > 100 or any(ord(c) < 32 for c in value):
        raise _refuse("bad_identifier", f"{name}: identificativo non valido.", name)


def _window(start: int, end: int, name: str) -> None:
    if end < start:
        raise _refuse(
            "end_before_start",
            f"{name}: la fine ({hhmm(end)}) precede l'inizio ({hhmm(start)}).",
            name,
        )


def _unique(ids: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise _refuse("duplicate_identifier", f"{what} «{value}» ripetuto.", what)
        seen.add(value)


@dataclass(frozen=True)
class Place:
    """A chair or a bed; ``hosts``: the kinds of visit it can take (a bed usually takes a
    chair patient too; a chair never takes a bed patient). Default: its own kind."""

    id: str
    kind: PlaceKind
    hosts: frozenset[PlaceKind] = frozenset()

    def __post_init__(self) -> None:
        _identifier(self.id, "place.id")
        if not isinstance(self.kind, PlaceKind):
            raise _refuse("unknown_kind", f"Posto {self.id}: tipo sconosciuto.", "place.kind")
        if not self.hosts:
            object.__setattr__(self, "hosts", frozenset({self.kind}))
        if any(not isinstance(k, PlaceKind) for k in self.hosts):
            raise _refuse("unknown_kind", f"Posto {self.id}: tipo ospitato sconosciuto.", "hosts")


@dataclass(frozen=True)
class Nurse:
    """A nurse on duty from ``shift_start`` to ``shift_end`` (minutes of the day), away
    during ``breaks`` (``(start, end)`` pairs inside the shift, e.g. lunch ``((780, 840),)``):
    no start of this nurse in ``[start, end)`` of a break. Kept sorted."""

    id: str
    shift_start: int
    shift_end: int
    breaks: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        _identifier(self.id, "nurse.id")
        _minute(self.shift_start, "nurse.shift_start")
        _minute(self.shift_end, "nurse.shift_end")
        _window(self.shift_start, self.shift_end, f"turno di {self.id}")
        if not isinstance(self.breaks, tuple) or any(
            not isinstance(b, tuple) or len(b) != 2 for b in self.breaks
        ):
            raise _refuse(
                "bad_break", f"{self.id}: pause attese come coppie (inizio, fine).", "breaks"
            )
        if len(self.breaks) > 10:
            raise _refuse("too_many_breaks", f"{self.id}: troppe pause nel turno.", "breaks")
        for start, end in self.breaks:
            _minute(start, f"pausa di {self.id}: inizio")
            _minute(end, f"pausa di {self.id}: fine")
            _window(start, end, f"pausa di {self.id}")
            if start == end:
                raise _refuse("empty_break", f"{self.id}: pausa di durata nulla.", "breaks")
            if start < self.shift_start or end > self.shift_end:
                raise _refuse(
                    "break_outside_shift",
                    f"{self.id}: la pausa {hhmm(start)}–{hhmm(end)} è fuori dal turno "
                    f"{hhmm(self.shift_start)}–{hhmm(self.shift_end)}.",
                    "breaks",
                )
        ordered = tuple(sorted(self.breaks))
        for (_s1, e1), (s2, e2) in itertools.pairwise(ordered):
            if s2 < e1:
                raise _refuse(
                    "overlapping_breaks",
                    f"{self.id}: la pausa {hhmm(s2)}–{hhmm(e2)} si sovrappone a un'altra.",
                    "breaks",
                )
        object.__setattr__(self, "breaks", ordered)

    @cached_property
    def available(self) -> tuple[tuple[int, int], ...]:
        """The ``[start, end)`` stretches of the shift in which this nurse can start a drug:
        the shift less its breaks (empty stretches dropped)."""
        out = []
        t = self.shift_start
        for start, end in self.breaks:
            if start > t:
                out.append((t, start))
            t = max(t, end)
        if self.shift_end > t:
            out.append((t, self.shift_end))
        return tuple(out)

    def can_start(self, minute: int) -> bool:
        """On shift at ``minute`` and not on a break."""
        return self.shift_start <= minute < self.shift_end and not any(
            start <= minute < end for start, end in self.breaks
        )


@dataclass(frozen=True)
class Phase:
    """One drug of the visit, in sequence. ``minutes``: its administration time;
    ``wait_after``: the protocol's interval before the next drug (or the observation), in
    the chair; ``ready_at``: when the pharmacy's preparation is ready (None: ready, e.g. a
    ward-stock premedication). A ``PORTABLE`` pump holds the chair for ``connect_minutes``
    only; when ``detach_in_unit`` the patient comes back the same day and a nurse detaches
    it (``detach_minutes``) once ``minutes`` have run: a later, short nurse task. A
    portable pump is the visit's last drug (the patient leaves with it)."""

    drug: str
    minutes: int
    wait_after: int = 0
    ready_at: int | None = None
    pump: Pump = Pump.CHAIR
    connect_minutes: int = 15
    detach_in_unit: bool = False
    detach_minutes: int = 10
    nurse_start: bool = True

    def __post_init__(self) -> None:
        _identifier(self.drug, "phase.drug")
        _minute(self.minutes, f"{self.drug}: durata", high=MAX_PHASE_MINUTES)
        if self.minutes == 0:
            raise _refuse("zero_duration", f"{self.drug}: durata nulla.", "phase.minutes")
        _minute(self.wait_after, f"{self.drug}: attesa dopo", high=DAY_MINUTES)
        if self.ready_at is not None:
            _minute(self.ready_at, f"{self.drug}: pronta alle")
        if not isinstance(self.pump, Pump):
            raise _refuse("unknown_pump", f"{self.drug}: tipo di pompa sconosciuto.", "pump")
        _minute(self.connect_minutes, f"{self.drug}: connessione", low=1, high=240)
        _minute(self.detach_minutes, f"{self.drug}: stacco", low=1, high=240)
        if self.detach_in_unit and self.pump is not Pump.PORTABLE:
            raise _refuse(
                "detach_without_portable_pump",
                f"{self.drug}: lo stacco in reparto vale solo per una pompa portatile.",
                "detach_in_unit",
            )


@dataclass(frozen=True)
class Visit:
    """One patient's access: called in within ``[arrival_earliest, arrival_latest]``; a
    blood test of ``blood_test_minutes`` at arrival, then at least ``blood_test_gap`` for
    the results before the therapy; the ``phases`` in sequence; ``observation_minutes`` in
    the place after the last drug in the chair. ``priority`` weighs who is left out when the
    day is full (an urgent addition: higher)."""

    id: str
    patient: str
    arrival_earliest: int
    arrival_latest: int
    phases: tuple[Phase, ...]
    needs: PlaceKind = PlaceKind.CHAIR
    blood_test_minutes: int = 0
    blood_test_gap: int = 0
    observation_minutes: int = 0
    priority: int = 1
    counts_arrival: bool = True  # a patient's call-in (a closure's stand-in is not)

    def __post_init__(self) -> None:
        _identifier(self.id, "visit.id")
        _identifier(self.patient, "visit.patient")
        _minute(self.arrival_earliest, f"{self.id}: arrivo dalle")
        _minute(self.arrival_latest, f"{self.id}: arrivo entro")
        _window(self.arrival_earliest, self.arrival_latest, f"finestra di arrivo di {self.id}")
        if not isinstance(self.phases, tuple) or not self.phases:
            raise _refuse("no_phases", f"{self.id}: nessun farmaco da somministrare.", "phases")
        if len(self.phases) > MAX_PHASES:
            raise _refuse("too_many_phases", f"{self.id}: troppi farmaci.", "phases")
        if any(not isinstance(p, Phase) for p in self.phases):
            raise _refuse("bad_phase", f"{self.id}: fase non valida.", "phases")
        if any(p.pump is Pump.PORTABLE for p in self.phases[:-1]):
            raise _refuse(
                "portable_pump_not_last",
                f"{self.id}: la pompa portatile deve essere l'ultimo farmaco "
                "(il paziente lascia la poltrona con la pompa).",
                "phases",
            )
        if not isinstance(self.needs, PlaceKind):
            raise _refuse("unknown_kind", f"{self.id}: tipo di posto sconosciuto.", "needs")
        _minute(self.blood_test_minutes, f"{self.id}: prelievo", high=240)
        _minute(self.blood_test_gap, f"{self.id}: attesa esiti", high=DAY_MINUTES)
        _minute(self.observation_minutes, f"{self.id}: osservazione", high=DAY_MINUTES)
        _minute(self.priority, f"{self.id}: priorità", low=1, high=100)
        if self.chair_minutes > DAY_MINUTES:
            raise _refuse(
                "longer_than_a_day", f"{self.id}: occupa il posto per più di un giorno.", "phases"
            )

    @cached_property
    def results_after(self) -> int:
        """Minutes from arrival to the earliest therapy start (blood test and its results)."""
        return self.blood_test_minutes + self.blood_test_gap

    @cached_property
    def phase_offsets(self) -> tuple[tuple[int, int], ...]:
        """(start, end in the place) of each phase from the therapy start."""
        out = []
        t = 0
        for phase in self.phases:
            held = phase.connect_minutes if phase.pump is Pump.PORTABLE else phase.minutes
            out.append((t, t + held))
            t += held + phase.wait_after
        return tuple(out)

    @cached_property
    def chair_minutes(self) -> int:
        """Minutes the place is held from the therapy start: every phase in the chair, the
        protocol's waits, the observation; a portable pump only for its connection."""
        _last_start, last_end = self.phase_offsets[-1]
        return last_end + self.phases[-1].wait_after + self.observation_minutes

    @cached_property
    def detach_offset(self) -> int | None:
        """Minutes from the therapy start to the portable pump's detachment, when it is done
        in the unit today."""
        last = self.phases[-1]
        if last.pump is Pump.PORTABLE and last.detach_in_unit:
            start = self.phase_offsets[-1][0]
            return start + last.connect_minutes + last.minutes
        return None

    @cached_property
    def nurse_offsets(self) -> tuple[int, ...]:
        """The nurse starts from the therapy start: each drug started by a nurse, and the
        portable pump's detachment when it is done in the unit."""
        starts = [
            start
            for phase, (start, _end) in zip(self.phases, self.phase_offsets, strict=True)
            if phase.nurse_start
        ]
        detach = self.detach_offset
        if detach is not None:
            starts.append(detach)
        return tuple(starts)

    @cached_property
    def span_minutes(self) -> int:
        """Minutes from the therapy start to the visit's last activity in the unit."""
        detach = self.detach_offset
        end = self.chair_minutes
        if detach is not None:
            end = max(end, detach + self.phases[-1].detach_minutes)
        return end

    @cached_property
    def ready_offset_start(self) -> int:
        """The earliest therapy start the preparations allow (each drug starts once ready)."""
        return max(
            (
                p.ready_at - start
                for p, (start, _) in zip(self.phases, self.phase_offsets, strict=True)
                if p.ready_at is not None
            ),
            default=0,
        )


@dataclass(frozen=True)
class Fixed:
    """An assignment that must not move (started, or placed by hand and locked): the
    therapy starts at ``start`` in ``place``; ``arrival`` is the call-in (default: the
    latest the blood test allows); ``nurses``: one per nurse start of the visit, or empty
    (the planner chooses)."""

    visit_id: str
    place_id: str
    start: int
    arrival: int | None = None
    nurses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _identifier(self.visit_id, "fixed.visit_id")
        _identifier(self.place_id, "fixed.place_id")
        _minute(self.start, f"{self.visit_id}: inizio fissato")
        if self.arrival is not None:
            _minute(self.arrival, f"{self.visit_id}: arrivo fissato")
        for nurse in self.nurses:
            _identifier(nurse, "fixed.nurses")


@dataclass(frozen=True)
class DayProblem:
    """One unit's day: opening hours, places, nurses, visits, what is fixed.

    ``starts_per_half_hour``: the most starts one nurse makes in any 30 minutes;
    ``turnover_minutes``: cleaning and remaking a place between two patients;
    ``closed``: a closed day (holiday, unit shut): nothing can be planned;
    ``arrivals_per_slot``: the agenda's capacity per slot, the most call-ins in one slot of
    ``slot_minutes`` (slots from midnight: 08:00–08:14 with 15'); 0: not limited."""

    opens: int
    closes: int
    places: tuple[Place, ...]
    nurses: tuple[Nurse, ...]
    visits: tuple[Visit, ...]
    fixed: tuple[Fixed, ...] = ()
    starts_per_half_hour: int = 3
    turnover_minutes: int = 0
    time_limit_s: float = 10.0
    closed: bool = False
    workers: int = 2
    slot_minutes: int = 15
    arrivals_per_slot: int = 0
    _by_id: dict[str, Visit] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        _minute(self.opens, "apertura")
        _minute(self.closes, "chiusura")
        _window(self.opens, self.closes, "orario di apertura")
        for name, values, kind, top in (
            ("places", self.places, Place, MAX_PLACES),
            ("nurses", self.nurses, Nurse, MAX_NURSES),
            ("visits", self.visits, Visit, MAX_VISITS),
            ("fixed", self.fixed, Fixed, MAX_VISITS),
        ):
            if not isinstance(values, tuple) or any(not isinstance(v, kind) for v in values):
                raise _refuse(
                    "bad_collection", f"{name}: attesa una tupla di {kind.__name__}.", name
                )
            if len(values) > top:
                raise _refuse(
                    "too_many",
                    f"{name}: {len(values)} elementi, il massimo per una giornata è {top}.",
                    name,
                )
        if not self.places:
            raise _refuse(
                "no_places", "Nessuna poltrona o letto: la giornata non ha posti.", "places"
            )
        _unique((p.id for p in self.places), "posto")
        _unique((n.id for n in self.nurses), "infermiere")
        _unique((v.id for v in self.visits), "accesso")
        _unique((f.visit_id for f in self.fixed), "assegnazione fissa")
        _minute(self.starts_per_half_hour, "avvii per mezz'ora", low=1, high=30)
        _minute(self.turnover_minutes, "riassetto del posto", high=240)
        _minute(self.workers, "worker", low=1, high=64)
        _minute(self.slot_minutes, "durata dello slot", low=1, high=240)
        _minute(self.arrivals_per_slot, "arrivi per slot", high=MAX_VISITS)
        limit = self.time_limit_s
        if isinstance(limit, bool) or not isinstance(limit, int | float):
            raise _refuse("bad_time_limit", "Tempo limite non numerico.", "time_limit_s")
        if not math.isfinite(limit) or not 0 < limit <= MAX_TIME_LIMIT_S:
            raise _refuse(
                "bad_time_limit",
                f"Tempo limite fuori intervallo (0–{MAX_TIME_LIMIT_S:g} s): {limit!r}.",
                "time_limit_s",
            )
        object.__setattr__(self, "_by_id", {v.id: v for v in self.visits})
        places = {p.id for p in self.places}
        nurses = {n.id for n in self.nurses}
        for fix in self.fixed:
            visit = self._by_id.get(fix.visit_id)
            if visit is None:
                raise _refuse(
                    "unknown_visit",
                    f"Assegnazione fissa di un accesso sconosciuto: {fix.visit_id}.",
                    "fixed",
                )
            if fix.place_id not in places:
                raise _refuse(
                    "unknown_place", f"{fix.visit_id}: posto sconosciuto {fix.place_id}.", "fixed"
                )
            if fix.nurses and len(fix.nurses) != len(visit.nurse_offsets):
                raise _refuse(
                    "nurse_count",
                    f"{fix.visit_id}: {len(fix.nurses)} infermieri per "
                    f"{len(visit.nurse_offsets)} avvii.",
                    "fixed",
                )
            unknown = [n for n in fix.nurses if n not in nurses]
            if unknown:
                raise _refuse(
                    "unknown_nurse",
                    f"{fix.visit_id}: infermiere sconosciuto {unknown[0]}.",
                    "fixed",
                )

    def visit(self, visit_id: str) -> Visit:
        return self._by_id[visit_id]

    def slot_of(self, minute: int) -> int:
        """The slot of a call-in (its index from midnight)."""
        return minute // self.slot_minutes
