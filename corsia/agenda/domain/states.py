"""A booking's life as a transition table (pure).

::

    planned ──confirm──▶ confirmed ──arrive──▶ arrived ──start──▶ started ──finish──▶ done
       │  ╲                 │  ╲                  │
       │   arrive           │   no_show           cancel
       ├──cancel / no_show──┘
       ▼
    cancelled / no_show   (final)

A cancellation and a no-show take a reason. ``started`` and ``done`` are fixed: nothing moves
them (nor a re-plan); ``locked`` on the booking fixes a planned one too.
"""

from __future__ import annotations

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import InvalidTransition


class BookingState(LabelledCode):
    PLANNED = "planned", "Pianificato"
    CONFIRMED = "confirmed", "Confermato"
    ARRIVED = "arrived", "Arrivato"
    STARTED = "started", "In corso"
    DONE = "done", "Concluso"
    CANCELLED = "cancelled", "Annullato"
    NO_SHOW = "no_show", "Non presentato"


class BookingEvent(LabelledCode):
    CONFIRM = "confirm", "Conferma"
    ARRIVE = "arrive", "Arrivo"
    START = "start", "Inizio"
    FINISH = "finish", "Fine"
    CANCEL = "cancel", "Annulla"
    NO_SHOW = "no_show", "Non presentato"


STATE_LABELS_IT: dict[BookingState, str] = BookingState.labels_it()

EVENT_LABELS_IT: dict[BookingEvent, str] = BookingEvent.labels_it()

TRANSITIONS: dict[tuple[BookingState, BookingEvent], BookingState] = {
    (BookingState.PLANNED, BookingEvent.CONFIRM): BookingState.CONFIRMED,
    (BookingState.PLANNED, BookingEvent.ARRIVE): BookingState.ARRIVED,
    (BookingState.CONFIRMED, BookingEvent.ARRIVE): BookingState.ARRIVED,
    (BookingState.ARRIVED, BookingEvent.START): BookingState.STARTED,
    (BookingState.STARTED, BookingEvent.FINISH): BookingState.DONE,
    (BookingState.PLANNED, BookingEvent.CANCEL): BookingState.CANCELLED,
    (BookingState.CONFIRMED, BookingEvent.CANCEL): BookingState.CANCELLED,
    (BookingState.ARRIVED, BookingEvent.CANCEL): BookingState.CANCELLED,
    (BookingState.PLANNED, BookingEvent.NO_SHOW): BookingState.NO_SHOW,
    (BookingState.CONFIRMED, BookingEvent.NO_SHOW): BookingState.NO_SHOW,
}

REASON_REQUIRED: frozenset[BookingEvent] = frozenset({BookingEvent.CANCEL, BookingEvent.NO_SHOW})

# The states that hold a place at a time: the exclusion constraint's condition.
OCCUPYING: frozenset[BookingState] = frozenset(
    {
        BookingState.PLANNED,
        BookingState.CONFIRMED,
        BookingState.ARRIVED,
        BookingState.STARTED,
        BookingState.DONE,
    }
)
# The states a move (by hand or by a re-plan) may change.
MOVABLE: frozenset[BookingState] = frozenset(
    {BookingState.PLANNED, BookingState.CONFIRMED, BookingState.ARRIVED}
)


def next_state(state: BookingState | str, event: BookingEvent | str) -> BookingState:
    """The state after ``event``, or ``InvalidTransition`` (code ``invalid_transition``)."""
    current, fired = BookingState(state), BookingEvent(event)
    found = TRANSITIONS.get((current, fired))
    if found is None:
        raise InvalidTransition(
            f"Non si può «{EVENT_LABELS_IT[fired].lower()}» una prenotazione "
            f"«{STATE_LABELS_IT[current].lower()}».",
            details={"state": current.value, "event": fired.value},
        )
    return found


def allowed_events(state: BookingState | str) -> list[BookingEvent]:
    current = BookingState(state)
    return [event for (s, event) in TRANSITIONS if s == current]
