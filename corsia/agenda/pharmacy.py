"""The one door from the agenda to the pharmacy's preparations (for the day plan).

The agenda keeps a booking's order by id (``order_id``, ``day_of_cycle``); prescribing's
public selector gives that day's lines in sequence, compounding's gives each line's live
preparation as its frozen ``LinePreparation`` (state only). No other module's table is read
here. What a drug's state means for the plan (``ready_at``) is decided in
``services/optimise.py`` (README, «Le preparazioni della farmacia»).
"""

from __future__ import annotations

from enum import StrEnum

from corsia.compounding.selectors import LinePreparation, live_preparations
from corsia.prescribing.selectors import order_day_lines

__all__ = ["Readiness", "order_day_readiness"]

READY_STATES = frozenset({"released", "checked_out"})
IN_WORK_STATES = frozenset({"validated", "assigned", "in_progress", "weighed"})


class Readiness(StrEnum):
    READY = "ready"  # released by the pharmacist (or in the patient's bag)
    IN_WORK = "in_work"  # in the pharmacy's work: validated, at a hood, being made, weighed
    NOT_STARTED = "not_started"  # no preparation yet, or one still to be completed


def _readiness(prep: LinePreparation | None) -> Readiness:
    if prep is None:
        return Readiness.NOT_STARTED
    if prep.state in READY_STATES:
        return Readiness.READY
    if prep.state in IN_WORK_STATES:
        return Readiness.IN_WORK
    return Readiness.NOT_STARTED


def order_day_readiness(*, order_id: int, day_of_cycle: int) -> tuple[Readiness, ...]:
    """Each drug of the order's day, in sequence: how far the pharmacy is with it."""
    lines = sorted(
        order_day_lines(order_id=order_id, day_of_cycle=day_of_cycle), key=lambda i: i.sequence
    )
    preps = live_preparations(item_ids=[line.pk for line in lines])
    return tuple(_readiness(preps.get(line.pk)) for line in lines)
