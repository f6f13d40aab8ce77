"""The therapy programme: every appointment of a line's cycles, proposed (pure).

Cycle ``k`` starts (its day 1) no earlier than the nominal date — the first day asked for
the first cycle, the previous cycle's actual day 1 plus ``cycle_length_days`` after it — so
a cycle never comes before its interval; a closed day or a full one (the day's bookings
plus those proposed reach ``capacity``) moves it to the next open day with room. Inside a
cycle, day ``d`` falls no earlier than day 1 + (d − 1) and no earlier than the previous
treatment day plus the regimen's gap between them, and likewise moves to the next open day
with room. Postponing cycle ``k`` re-proposes from ``k`` with its new day 1: every later
cycle keeps its interval from the one before.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from corsia.agenda.domain.calendar import SEARCH_DAYS, Calendar
from corsia.core.domain.errors import ValidationFailed

MAX_CYCLES = 60
MAX_CYCLE_LENGTH = 365


@dataclass(frozen=True)
class ProgrammeRequest:
    first_day: date  # the wished day 1 of ``first_cycle``
    cycles: int  # how many cycles, from ``first_cycle``
    cycle_length_days: int
    cycle_days: tuple[int, ...]  # the regimen's treatment days (1 = day 1)
    first_cycle: int = 1
    # the last given (or kept) cycle's day 1: ``first_day`` may not come before it plus
    # ``cycle_length_days``
    previous_day1: date | None = None


@dataclass(frozen=True)
class ProposedDay:
    day_of_cycle: int
    nominal: date  # where the regimen would put it
    day: date  # where the agenda has room

    @property
    def shifted_days(self) -> int:
        return (self.day - self.nominal).days


@dataclass(frozen=True)
class ProposedCycle:
    cycle_number: int
    nominal_day1: date
    days: tuple[ProposedDay, ...]

    @property
    def day1(self) -> date:
        return self.days[0].day


def request_refusal(request: ProgrammeRequest) -> ValidationFailed | None:
    """Why the request cannot be proposed (``None``: it can)."""
    if not 1 <= request.cycles <= MAX_CYCLES:
        return ValidationFailed(
            f"Numero di cicli da 1 a {MAX_CYCLES}.", code="cycles_invalid", field="cycles"
        )
    if request.first_cycle < 1:
        return ValidationFailed("Il ciclo parte da 1.", code="cycle_invalid", field="first_cycle")
    if not 1 <= request.cycle_length_days <= MAX_CYCLE_LENGTH:
        return ValidationFailed(
            "Durata del ciclo non valida.", code="cycle_length_invalid", field="cycle_length_days"
        )
    days = request.cycle_days
    if not days or days[0] < 1 or list(days) != sorted(set(days)):
        return ValidationFailed(
            "Lo schema non ha giorni di terapia validi.", code="cycle_days_invalid"
        )
    if days[-1] > request.cycle_length_days:
        return ValidationFailed(
            "Un giorno di terapia cade oltre la durata del ciclo.", code="cycle_days_invalid"
        )
    if request.previous_day1 is not None:
        earliest = request.previous_day1 + timedelta(days=request.cycle_length_days)
        if request.first_day < earliest:
            return ValidationFailed(
                f"Il ciclo {request.first_cycle} non può iniziare prima del "
                f"{earliest:%d/%m/%Y}: l'intervallo dal ciclo precedente è di "
                f"{request.cycle_length_days} giorni.",
                code="cycle_before_interval",
                field="first_day",
                details={"earliest": earliest.isoformat()},
            )
    return None


def propose_programme(
    request: ProgrammeRequest,
    calendar: Calendar,
    *,
    booked: Mapping[date, int],
    capacity: int,
) -> tuple[ProposedCycle, ...]:
    """Every appointment of the request, on open days with room (see the module's text)."""
    refusal = request_refusal(request)
    if refusal is not None:
        raise refusal
    if capacity < 1:
        raise ValidationFailed("L'agenda non ha capienza.", code="capacity_invalid")
    taken: Counter[date] = Counter()

    def room(day: date) -> date:
        for offset in range(SEARCH_DAYS + 1):
            candidate = calendar.next_open_day(day + timedelta(days=offset))
            if booked.get(candidate, 0) + taken[candidate] < capacity:
                return candidate
        raise ValidationFailed(
            f"Nessun giorno con posti liberi nei {SEARCH_DAYS} giorni dopo il {day:%d/%m/%Y}.",
            code="no_room",
        )

    cycles: list[ProposedCycle] = []
    nominal_day1 = request.first_day
    for index in range(request.cycles):
        proposed: list[ProposedDay] = []
        previous: ProposedDay | None = None
        for d in request.cycle_days:
            if previous is None:
                nominal = nominal_day1
            else:
                nominal = max(
                    proposed[0].day + timedelta(days=d - 1),
                    previous.day + timedelta(days=d - previous.day_of_cycle),
                )
            found = ProposedDay(day_of_cycle=d, nominal=nominal, day=room(nominal))
            taken[found.day] += 1
            proposed.append(found)
            previous = found
        cycles.append(
            ProposedCycle(
                cycle_number=request.first_cycle + index,
                nominal_day1=nominal_day1,
                days=tuple(proposed),
            )
        )
        nominal_day1 = proposed[0].day + timedelta(days=request.cycle_length_days)
    return tuple(cycles)


def intervals_kept(cycles: Sequence[ProposedCycle], cycle_length_days: int) -> bool:
    """Every cycle starts at least ``cycle_length_days`` after the one before."""
    return all((b.day1 - a.day1).days >= cycle_length_days for a, b in itertools.pairwise(cycles))
