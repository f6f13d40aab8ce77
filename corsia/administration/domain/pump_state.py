"""Each pump's state machine and the checks every inbound message passes first.

States: idle → awaiting_ack (PCD-03 sent) → programmed (its ACK AA recorded) → running ⇄
paused → completed, with alarm reachable from any active state. The pump reports facts; we
accept only the facts that can follow the current state.

A programme is sent in two steps (no transaction is held across the network): the pump
goes to «awaiting_ack» when the programme is committed, and the pump's answer is recorded
afterwards (:func:`programme_answered`). A pump that starts at once may report «running» on
its own connection before that answer is recorded: in «awaiting_ack» that report is
accepted (the pump infuses: that is the fact the ward must see), and the answer recorded
later leaves the state the pump reported. A refused or unanswered programme brings the pump
back to the state it had before the programme was sent. Before any state change an inbound message must be new (its
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
    AWAITING_ACK = "awaiting_ack", "Programma inviato"
    PROGRAMMED = "programmed", "Programmata"
    RUNNING = "running", "In infusione"
    PAUSED = "paused", "In pausa"
    ALARM = "alarm", "Allarme"
    COMPLETED = "completed", "Completata"


STATE_LABELS_IT: dict[PumpState, str] = PumpState.labels_it()


class PumpEvent(StrEnum):
    PROGRAMME_SENT = "programme_sent"
    PROGRAMME_ACCEPTED = "programme_accepted"
    REPORTED_RUNNING = "reported_running"
    REPORTED_PAUSED = "reported_paused"
    REPORTED_ALARM = "reported_alarm"
    REPORTED_COMPLETED = "reported_completed"
    ALARM_RAISED = "alarm_raised"
    ALARM_ENDED = "alarm_ended"


_ACTIVE = {PumpState.PROGRAMMED, PumpState.RUNNING, PumpState.PAUSED, PumpState.ALARM}
_AWAITING = PumpState.AWAITING_ACK

# (event, from) -> to. Anything not listed is refused.
TRANSITIONS: dict[tuple[PumpEvent, PumpState], PumpState] = {
    # a new programme: never while infusing, in alarm, or while one awaits its answer
    **{
        (PumpEvent.PROGRAMME_SENT, s): _AWAITING
        for s in (PumpState.IDLE, PumpState.PROGRAMMED, PumpState.PAUSED, PumpState.COMPLETED)
    },
    (PumpEvent.PROGRAMME_ACCEPTED, _AWAITING): PumpState.PROGRAMMED,
    # a pump that starts before its ACK is recorded: it runs the programme just sent
    **{(PumpEvent.REPORTED_RUNNING, s): PumpState.RUNNING for s in (*_ACTIVE, _AWAITING)},
    # a routine paused/completed report (of the previous programme) while the answer is
    # awaited says nothing about the new programme: the pump stays awaiting its answer
    (PumpEvent.REPORTED_PAUSED, _AWAITING): _AWAITING,
    (PumpEvent.REPORTED_COMPLETED, _AWAITING): _AWAITING,
    **{(PumpEvent.REPORTED_PAUSED, s): PumpState.PAUSED for s in _ACTIVE},
    **{
        (PumpEvent.REPORTED_ALARM, s): PumpState.ALARM
        for s in (*_ACTIVE, _AWAITING, PumpState.COMPLETED)
    },
    **{
        (PumpEvent.REPORTED_COMPLETED, s): PumpState.COMPLETED
        for s in (PumpState.RUNNING, PumpState.PAUSED, PumpState.COMPLETED, PumpState.ALARM)
    },
    **{
        (PumpEvent.ALARM_RAISED, s): PumpState.ALARM
        for s in (*_ACTIVE, _AWAITING, PumpState.COMPLETED)
    },
    # When the alarm ends the pump is stopped: a nurse restarts it at the bedside.
    (PumpEvent.ALARM_ENDED, PumpState.ALARM): PumpState.PAUSED,
    **{
        (PumpEvent.ALARM_ENDED, s): s
        for s in (
            _AWAITING,
            PumpState.PROGRAMMED,
            PumpState.RUNNING,
            PumpState.PAUSED,
            PumpState.COMPLETED,
        )
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


@dataclass(frozen=True)
class ProgrammeAnswer:
    """The pump's state once the answer to a programme is recorded, and whether the pump
    had already reported a newer fact (it started, or alarmed) before that answer."""

    state: PumpState
    reported_first: bool


def programme_answered(*, state: PumpState, before: PumpState, accepted: bool) -> ProgrammeAnswer:
    """Record the answer (AA, a refusal, or none) to the programme that put the pump in
    «awaiting_ack» from ``before``.

    Still awaiting: accepted → programmed; refused or unanswered → ``before`` (the pump kept
    what it had). Anything else means the pump reported while we waited for its answer
    (running, alarm): its report is newer than the answer and stands.
    """
    if state != _AWAITING:
        return ProgrammeAnswer(state=state, reported_first=True)
    if accepted:
        return ProgrammeAnswer(
            state=next_state(state, PumpEvent.PROGRAMME_ACCEPTED), reported_first=False
        )
    return ProgrammeAnswer(state=before, reported_first=False)


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
