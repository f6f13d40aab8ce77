"""Planned administration times of a patient's day, from the appointment and the regimen.

The ward plans when the patient's day starts (the appointment: chair or bed, time). From
there each drug's planned start follows the regimen's order:

- the first active drug starts at the appointment;
- a drug that runs in Y with the previous one starts with it;
- any other drug starts when every earlier drug has ended and the wait the regimen
  asks after it (``interval_after_minutes``) has passed;
- a drug without a duration (a bolus, a push, a tablet) takes ``UNTIMED_MINUTES``;
- what has happened replaces what was planned: a drug already started counts from its
  real start, one already ended from its real end, so a day running late moves the rest
  of the day with it instead of flagging every later drug as out of time.

Suspended and skipped drugs have no planned time and hold nothing up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

UNTIMED_MINUTES = 15


@dataclass(frozen=True)
class Slot:
    """One drug of the day as the plan sees it."""

    item_id: int
    sequence: int
    duration_minutes: int | None
    interval_after_minutes: int | None = None
    runs_with_previous: bool = False
    active: bool = True
    started_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class PlannedTime:
    start: datetime
    end: datetime


def _duration(slot: Slot) -> timedelta:
    return timedelta(minutes=slot.duration_minutes or UNTIMED_MINUTES)


def planned_times(appointment: datetime, slots: Sequence[Slot]) -> dict[int, PlannedTime]:
    """Planned start and end of every active drug of the day (see the module docstring)."""
    plan: dict[int, PlannedTime] = {}
    free_at = appointment  # when the next drug not in Y may start
    previous: PlannedTime | None = None
    for slot in sorted((s for s in slots if s.active), key=lambda s: s.sequence):
        if slot.started_at is not None:
            start = slot.started_at
        elif slot.runs_with_previous and previous is not None:
            start = previous.start
        else:
            start = free_at
        end = slot.ended_at if slot.ended_at is not None else start + _duration(slot)
        end = max(end, start)
        planned = PlannedTime(start=start, end=end)
        plan[slot.item_id] = planned
        free_at = max(free_at, end + timedelta(minutes=slot.interval_after_minutes or 0))
        previous = planned
    return plan
