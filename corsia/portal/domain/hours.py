"""The care team's working hours for messages, and what the patient is told out of them.

Hours are written ``"1-5 08:00-16:00"`` (ISO weekdays, Monday 1, a time range; several
ranges separated by ``;``: ``"1-5 08:00-16:00; 6 08:00-12:00"``). A message sent out of
hours is stored and shown to the team at the next opening; the patient is told so, and told
to call the urgent number for urgent symptoms, before and after sending.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

_RANGE = re.compile(r"^\s*(\d)(?:-(\d))?\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})\s*$")
_DAY_NAMES = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")


@dataclass(frozen=True)
class Opening:
    first_day: int  # ISO weekday, 1..7
    last_day: int
    start: time
    end: time


def hours_parse(text: str) -> tuple[Opening, ...]:
    """The openings of a working-hours text; ``ValueError`` on a malformed one."""
    openings = []
    for part in text.split(";"):
        if not part.strip():
            continue
        match = _RANGE.match(part)
        if match is None:
            raise ValueError(f"working hours not understood: {part!r}")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        start = time(int(match.group(3)), int(match.group(4)))
        end = time(int(match.group(5)), int(match.group(6)))
        if not (1 <= first <= last <= 7) or start >= end:
            raise ValueError(f"working hours not understood: {part!r}")
        openings.append(Opening(first, last, start, end))
    return tuple(openings)


def within_hours(openings: tuple[Opening, ...], at: datetime) -> bool:
    """Whether local time ``at`` falls in an opening (start included, end excluded)."""
    day, moment = at.isoweekday(), at.time()
    return any(o.first_day <= day <= o.last_day and o.start <= moment < o.end for o in openings)


def next_opening(openings: tuple[Opening, ...], at: datetime) -> datetime | None:
    """When the team is next at work from local time ``at`` (``at`` itself when open)."""
    if within_hours(openings, at):
        return at
    for days in range(8):
        day = (at + timedelta(days=days)).date()
        starts = sorted(o.start for o in openings if o.first_day <= day.isoweekday() <= o.last_day)
        for start in starts:
            candidate = datetime.combine(day, start, tzinfo=at.tzinfo)
            if candidate > at:
                return candidate
    return None


def hours_describe(openings: tuple[Opening, ...]) -> str:
    """In Italian: "da lunedì a venerdì 08:00–16:00"."""
    parts = []
    for o in openings:
        days = (
            _DAY_NAMES[o.first_day - 1]
            if o.first_day == o.last_day
            else f"da {_DAY_NAMES[o.first_day - 1]} a {_DAY_NAMES[o.last_day - 1]}"
        )
        parts.append(f"{days} {o.start:%H:%M}–{o.end:%H:%M}")
    return "; ".join(parts)
