"""A device in place as the ward sees it today: days in place, the dressing due or
overdue, the last VIP score flagged from 2 (Jackson: resite). Pure: the caller passes
today and the device's current care acts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from corsia.vascular.domain.codes import DRESSING_DAYS, Dressing
from corsia.vascular.domain.rules import days_in_place, dressing_due

VIP_RESITE = 2  # Jackson 1998: from stage 2, remove and resite the cannula


@dataclass(frozen=True)
class CareFact:
    kind: str
    on: date
    dressing: str = ""
    vip: int | None = None


@dataclass(frozen=True)
class Status:
    days_in_place: int
    dressing_due_on: date
    dressing_overdue: bool
    dressing_due_today: bool
    last_vip: int | None
    vip_flagged: bool


def status(*, inserted_on: date, today: date, care: Sequence[CareFact]) -> Status:
    """``care``: the device's current care acts, newest first. No dressing recorded since
    insertion: the one applied at insertion, taken as transparent (due on day 7)."""
    dressings = [c for c in care if c.kind == "dressing" and c.dressing in DRESSING_DAYS]
    if dressings:
        due = dressing_due(Dressing(dressings[0].dressing), dressings[0].on)
    else:
        due = dressing_due(Dressing.TRANSPARENT, inserted_on)
    scored = [c for c in care if c.kind == "assessment" and c.vip is not None]
    last_vip = scored[0].vip if scored else None
    return Status(
        days_in_place=days_in_place(inserted_on, today),
        dressing_due_on=due,
        dressing_overdue=today > due,
        dressing_due_today=today == due,
        last_vip=last_vip,
        vip_flagged=last_vip is not None and last_vip >= VIP_RESITE,
    )
