"""Two registrations of one person booked at overlapping times: which booking gives way
when the registrations are merged (pure).

One person cannot be in two accesses at once (the exclusion constraint
``booking_patient_no_overlap``), so a merge that would bring two overlapping occupying
bookings onto the survivor settles each overlap first, the way a day-hospital coordinator
does by hand: the booking the patient actually went further with stands (she arrived, was
started or treated under it), the other is cancelled — with the merge as its reason, never
deleted, and brought back if the merge is undone. A tie goes to the survivor's booking.

| the duplicate's booking | the survivor's overlapping ones | outcome |
|---|---|---|
| planned / confirmed / arrived | at least as far along | the duplicate's is cancelled |
| further along than all of them | planned / confirmed / arrived | the survivor's are cancelled |
| started / done | one of them started / done | nothing can be cancelled (a started or done access is a fact): the duplicate's stays on the duplicate, reported as left behind |
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from corsia.agenda.domain.states import BookingState

# How far along an access went: the one that went further is what happened.
PROGRESS: dict[BookingState, int] = {
    BookingState.PLANNED: 0,
    BookingState.CONFIRMED: 1,
    BookingState.ARRIVED: 2,
    BookingState.STARTED: 3,
    BookingState.DONE: 3,
}
# The states a cancellation may leave (the transition table's ``cancel``).
CANCELLABLE: frozenset[BookingState] = frozenset(
    {BookingState.PLANNED, BookingState.CONFIRMED, BookingState.ARRIVED}
)


class Settle(Enum):
    CANCEL_DUPLICATE = "cancel_duplicate"
    CANCEL_SURVIVORS = "cancel_survivors"
    LEAVE_DUPLICATE = "leave_duplicate"


def settle_overlap(
    duplicate: BookingState | str, survivors: Sequence[BookingState | str]
) -> Settle:
    """What to do with the duplicate's occupying booking ``duplicate`` that overlaps the
    survivor's occupying bookings ``survivors`` (at least one)."""
    if not survivors:
        raise ValueError("settle_overlap needs at least one overlapping booking")
    mine = BookingState(duplicate)
    theirs = [BookingState(s) for s in survivors]
    if PROGRESS[mine] > max(PROGRESS[s] for s in theirs):
        # every one of theirs is behind it, so none is started or done: all cancellable
        return Settle.CANCEL_SURVIVORS
    if mine in CANCELLABLE:
        return Settle.CANCEL_DUPLICATE
    return Settle.LEAVE_DUPLICATE
