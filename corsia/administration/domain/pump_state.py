"""Each pump's state machine and the checks every inbound message passes first.

States: idle → programmed (PCD-03 accepted) → running ⇄ paused → completed, with alarm
reachable from any active state. The pump reports facts; we accept only the facts that can
follow the current state. Before any state change an inbound message must be new (its
control id never applied for this pump: otherwise AR, HL7 205 "duplicate key") and not
older than the last message applied for the pump (otherwise AE, out of order). A refused
message changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from corsia.administration.domain.hl7_pcd import (
    AckCode,
    AlarmPhase,
    Hl7Error,
    MessageRefused,
    PumpAlarmReport,
    PumpReportedStatus,
    PumpStatusReport,
)
from corsia.core.domain.codes import LabelledCode


class PumpState(LabelledCode):
    IDLE = "idle", "In attesa"
    PROGRAMMED = "programmed", "Programmata"
    RUNNING = "running", "In infusione"
    PAUSED = "paused", "In pausa"
    ALARM = "alarm", "Allarme"
    COMPLETED = "completed", "Completata"


STATE_LABELS_IT: dict[PumpState, str] = PumpState.labels_it()


class PumpEvent(StrEnum):
    PROGRAMME_ACCEPTED = "programme_accepted"
    REPORTED_RUNNING = "reported_running"
    REPORTED_PAUSED = "reported_paused"
    REPORTED_ALARM = "reported_alarm"
    REPORTED_COMPLETED = "reported_completed"
    ALARM_RAISED = "alarm_raised"
    ALARM_ENDED = "alarm_ended"


_ACTIVE = {PumpState.PROGRAMMED, PumpState.RUNNING, PumpState.PAUSED, PumpState.ALARM}

# (event, from) -> to. Anything not listed is refused.
TRANSITIONS: dict[tuple[PumpEvent, PumpState], PumpState] = {
    **{
        (PumpEvent.PROGRAMME_ACCEPTED, s): PumpState.PROGRAMMED
        for s in (PumpState.IDLE, PumpState.PROGRAMMED, PumpState.PAUSED, PumpState.COMPLETED)
    },
    **{(PumpEvent.REPORTED_RUNNING, s): PumpState.RUNNING for s in _ACTIVE},
    **{(PumpEvent.REPORTED_PAUSED, s): PumpState.PAUSED for s in _ACTIVE},
    **{(PumpEvent.REPORTED_ALARM, s): PumpState.ALARM for s in (*_ACTIVE, PumpState.COMPLETED)},
    **{
        (PumpEvent.REPORTED_COMPLETED, s): PumpState.COMPLETED
        for s in (PumpState.RUNNING, PumpState.PAUSED, PumpState.COMPLETED, PumpState.ALARM)
    },
    **{(PumpEvent.ALARM_RAISED, s): PumpState.ALARM for s in (*_ACTIVE, PumpState.COMPLETED)},
    # When the alarm ends the pump is stopped: a nurse restarts it at the bedside.
    (PumpEvent.ALARM_ENDED, PumpState.ALARM): PumpState.PAUSED,
    **{
        (PumpEvent.ALARM_ENDED, s): s
        for s in (PumpState.PROGRAMMED, PumpState.RUNNING, PumpState.PAUSED, PumpState.COMPLETED)
    },
}

_STATUS_EVENTS = {
    PumpReportedStatus.RUNNING: PumpEvent.REPORTED_RUNNING,
    PumpReportedStatus.PAUSED: PumpEvent.REPORTED_PAUSED,
    PumpReportedStatus.ALARM: PumpEvent.REPORTED_ALARM,
    PumpReportedStatus.COMPLETED: PumpEvent.REPORTED_COMPLETED,
}


def next_state(state: PumpState, event: PumpEvent) -> PumpState:
    """The state after ``event``; a :class:`MessageRefused` (AE) if it cannot follow."""
    found = TRANSITIONS.get((event, state))
    if found is None:
        raise MessageRefused(
            f"La pompa è «{STATE_LABELS_IT[state]}»: l'evento «{event.value}» non può seguire.",
            code="invalid_transition",
            ack_code=AckCode.ERROR,
            hl7_error=Hl7Error.TABLE_VALUE_NOT_FOUND,
        )
    return found


def event_for(message: PumpStatusReport | PumpAlarmReport) -> PumpEvent:
    if isinstance(message, PumpStatusReport):
        return _STATUS_EVENTS[message.status]
    return PumpEvent.ALARM_ENDED if message.phase == AlarmPhase.END else PumpEvent.ALARM_RAISED


@dataclass(frozen=True)
class SequencePosition:
    """What is known of a pump's past messages when a new one arrives."""

    last_applied_at: datetime | None
    control_id_seen: bool


def check_sequence(*, position: SequencePosition, control_id: str, sent_at: datetime) -> None:
    """Refuse duplicates (AR 205) and messages older than the last one applied (AE)."""
    if position.control_id_seen:
        raise MessageRefused(
            f"Messaggio duplicato: l'identificativo {control_id} è già stato ricevuto.",
            code="duplicate",
            ack_code=AckCode.REJECT,
            hl7_error=Hl7Error.DUPLICATE_KEY,
            location="MSH^1^10",
        )
    if position.last_applied_at is not None and sent_at < position.last_applied_at:
        raise MessageRefused(
            f"Messaggio fuori sequenza: inviato alle {sent_at.isoformat()}, più vecchio "
            f"dell'ultimo applicato ({position.last_applied_at.isoformat()}).",
            code="out_of_order",
            ack_code=AckCode.ERROR,
            hl7_error=Hl7Error.SEGMENT_SEQUENCE,
            location="MSH^1^7",
        )


@dataclass(frozen=True)
class Decision:
    state: PumpState
    event: PumpEvent


def decide(
    *,
    state: PumpState,
    position: SequencePosition,
    message: PumpStatusReport | PumpAlarmReport,
) -> Decision:
    """Sequence checks, then the transition: all or nothing."""
    check_sequence(
        position=position,
        control_id=message.header.control_id,
        sent_at=message.header.sent_at,
    )
    event = event_for(message)
    return Decision(state=next_state(state, event), event=event)
