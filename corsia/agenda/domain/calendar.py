"""Opening hours, shifts and closed days of an agenda (pure).

An access fits the agenda when its whole span (arrival to the end of its last phase) lies
inside one opening window of its weekday (a shift) and the day is not closed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from corsia.core.domain.errors import ValidationFailed

WEEKDAYS_IT = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")
# How far ahead a search for an open day goes before it gives up.
SEARCH_DAYS = 120


@dataclass(frozen=True)
class Window:
    """One shift of one weekday (0 = Monday): ``opens`` ≤ t ≤ ``closes``."""

    weekday: int
    opens: time
    closes: time
    shift: str = ""


def window_refusal(weekday: int, opens: time, closes: time) -> ValidationFailed | None:
    if not 0 <= weekday <= 6:
        return ValidationFailed("Giorno della settimana non valido.", code="weekday_invalid")
    if closes <= opens:
        return ValidationFailed(
            "L'orario di chiusura deve seguire quello di apertura.",
            code="hours_end_before_start",
            field="closes",
        )
    return None


def windows_overlap(windows: Iterable[Window]) -> bool:
    """Whether two shifts of one weekday overlap."""
    by_day: dict[int, list[Window]] = {}
    for w in windows:
        by_day.setdefault(w.weekday, []).append(w)
    for day in by_day.values():
        ordered = sorted(day, key=lambda w: w.opens)
        if any(b.opens < a.closes for a, b in itertools.pairwise(ordered)):
            return True
    return False


@dataclass(frozen=True)
class Calendar:
    """An agenda's opening: its windows and closed days."""

    windows: tuple[Window, ...]
    closed: frozenset[date] = frozenset()

    def windows_on(self, day: date) -> list[Window]:
        if day in self.closed:
            return []
        return sorted(
            (w for w in self.windows if w.weekday == day.weekday()), key=lambda w: w.opens
        )

    def is_open(self, day: date) -> bool:
        return bool(self.windows_on(day))

    def opening(self, day: date) -> time | None:
        found = self.windows_on(day)
        return found[0].opens if found else None

    def next_open_day(self, day: date) -> date:
        """``day`` or the first open day after it (``no_open_day`` past the search)."""
        for offset in range(SEARCH_DAYS + 1):
            candidate = day + timedelta(days=offset)
            if self.is_open(candidate):
                return candidate
        raise ValidationFailed(
            f"Nessun giorno di apertura nei {SEARCH_DAYS} giorni dopo il {day:%d/%m/%Y}.",
            code="no_open_day",
        )

    def check_span(self, day: date, start: time, end: time) -> None:
        """Refuse a span on a closed day or outside every window of its day."""
        if day in self.closed:
            raise ValidationFailed(
                f"L'agenda è chiusa il {day:%d/%m/%Y}.", code="agenda_closed_day", field="day"
            )
        windows = self.windows_on(day)
        if not windows:
            raise ValidationFailed(
                f"L'agenda non è aperta di {WEEKDAYS_IT[day.weekday()]}.",
                code="agenda_closed_day",
                field="day",
            )
        if end <= start:
            raise ValidationFailed(
                "La fine deve seguire l'inizio.", code="end_before_start", field="end"
            )
        if not any(w.opens <= start and end <= w.closes for w in windows):
            hours = ", ".join(f"{w.opens:%H:%M}–{w.closes:%H:%M}" for w in windows)
            raise ValidationFailed(
                f"Orario {start:%H:%M}–{end:%H:%M} fuori dall'apertura dell'agenda ({hours}).",
                code="outside_opening_hours",
                field="start",
                details={"opening": hours},
            )
