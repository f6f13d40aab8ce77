"""The states of a stored inbound message and how it moves between them (pure)."""

from __future__ import annotations

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import InvalidTransition


class MessageState(LabelledCode):
    RECEIVED = "received", "ricevuto"  # stored, not yet applied (inside the transaction only)
    PROCESSED = "processed", "elaborato"  # applied: AA
    ERROR = "error", "in errore"  # refused (AE or AR): nothing applied
    PARKED = "parked", "sospeso"  # waits for a patient or an encounter not known yet (AA, retried)
    IGNORED = "ignored", "ignorato"  # nothing to do (already true: a merge already made, ...): AA


STATE_LABELS_IT: dict[MessageState, str] = MessageState.labels_it()

# A message once applied or ignored is final; one in error or parked may be retried (by
# the retry of parked messages, or a replay by IT staff) and end in any outcome.
_OUTCOMES = frozenset(
    {MessageState.PROCESSED, MessageState.ERROR, MessageState.PARKED, MessageState.IGNORED}
)
RETRIABLE = frozenset({MessageState.ERROR, MessageState.PARKED})


def ensure_retriable(current: str) -> None:
    state = MessageState(current)
    if state not in RETRIABLE:
        raise InvalidTransition(
            f"Il messaggio è {STATE_LABELS_IT[state]}: si rielaborano solo i messaggi in "
            "errore o in attesa.",
            code="message_not_retriable",
            details={"state": state.value},
        )


def next_state(current: str, outcome: MessageState) -> MessageState:
    if outcome not in _OUTCOMES:
        raise ValueError(f"{outcome} is no outcome")
    if MessageState(current) is not MessageState.RECEIVED:
        ensure_retriable(current)
    return outcome
