"""Encounter states and the transitions between them (pure)."""

from __future__ import annotations

from enum import StrEnum

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import InvalidTransition


class EncounterState(LabelledCode):
    ACTIVE = "active", "in corso"
    DISCHARGED = "discharged", "dimesso"
    CANCELLED = "cancelled", "annullato"


class EncounterEvent(StrEnum):
    DISCHARGE = "discharge"
    CANCEL = "cancel"
    TRANSFER = "transfer"
    CANCEL_DISCHARGE = "cancel_discharge"  # the discharge was recorded in error (HL7 A13)


STATE_LABELS_IT = EncounterState.labels_it()

TRANSITIONS: dict[tuple[EncounterState, EncounterEvent], EncounterState] = {
    (EncounterState.ACTIVE, EncounterEvent.DISCHARGE): EncounterState.DISCHARGED,
    (EncounterState.ACTIVE, EncounterEvent.CANCEL): EncounterState.CANCELLED,
    (EncounterState.ACTIVE, EncounterEvent.TRANSFER): EncounterState.ACTIVE,
    (EncounterState.DISCHARGED, EncounterEvent.CANCEL_DISCHARGE): EncounterState.ACTIVE,
}


def next_state(state: str, event: EncounterEvent) -> EncounterState:
    current = EncounterState(state)
    found = TRANSITIONS.get((current, event))
    if found is None:
        raise InvalidTransition(
            f"Il ricovero/accesso è {STATE_LABELS_IT[current]}: operazione non consentita.",
            details={"state": current.value, "event": event.value},
        )
    return found
