"""The answer to a programme sent to a pump, recorded once it is known (an ACK, a refusal,
or none), and a programme whose sending was interrupted closed so it blocks nothing; see
``domain/pump_state.programme_answered`` for why the pump's own reports may come first."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from corsia.administration.audit_events import PUMP_PROGRAM_ANSWERED
from corsia.administration.domain.hl7_pcd import AckCode, AckReport
from corsia.administration.domain.pump_program import PumpProgramPacket
from corsia.administration.domain.pump_state import (
    ProgrammeAnswer,
    PumpState,
    programme_answered,
)
from corsia.administration.models import ProgramOutcome, Pump, PumpProgram
from corsia.administration.pumps.mllp import MllpNoAnswer
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import CorsiaError

GATEWAY_WORKSTATION = "pump-gateway"
# past the answer's timeout by this much, a programme still awaiting it was interrupted
STALE_GRACE_SECONDS = 60.0


def programme_answer_record(
    *,
    program: PumpProgram,
    packet: PumpProgramPacket | None,
    ack: AckReport | None,
    problem: CorsiaError | None,
    actor: User | None,
    workstation: Workstation,
) -> PumpProgram:
    """The programme's outcome and the pump's state once its answer (or none) is known.

    The pump's state moves only if the pump still awaits *this* programme's answer: a
    status the pump reported in between (it started at once, or alarmed) is newer and
    stands; then the figures it reported are kept too (no reset of the volume infused).
    """
    locked = Pump.objects.select_for_update().get(pk=program.pump_id)
    program = PumpProgram.objects.select_for_update().get(pk=program.pk)
    if ack is None:
        program.outcome = ProgramOutcome.NO_ANSWER
        program.ack_text = problem.message if problem else ""
    else:
        program.ack_code = ack.ack_code.value
        program.ack_text = ack.error_text
        program.outcome = (
            ProgramOutcome.ACCEPTED if ack.ack_code == AckCode.ACCEPT else ProgramOutcome.REFUSED
        )
    awaited = locked.programs.order_by("-sent_at", "-pk").values_list("pk", flat=True).first()
    if awaited == program.pk:
        answer = programme_answered(
            state=PumpState(locked.state),
            before=PumpState(program.pump_state_before or PumpState.IDLE),
            accepted=program.outcome == ProgramOutcome.ACCEPTED,
        )
    else:  # closed as interrupted and a newer programme sent since: this answer moves nothing
        answer = ProgrammeAnswer(state=PumpState(locked.state), reported_first=True)
    fields = ["state", "updated_at"]
    if not answer.reported_first and answer.state == PumpState.PROGRAMMED and packet:
        locked.rate_ml_h = packet.rate_ml_h
        locked.vtbi_ml = packet.volume_ml
        locked.volume_infused_ml = 0
        fields += ["rate_ml_h", "vtbi_ml", "volume_infused_ml"]
    locked.state = answer.state.value
    locked.updated_at = timezone.now()
    locked.save(update_fields=fields)
    program.updated_at = timezone.now()
    program.save(update_fields=["outcome", "ack_code", "ack_text", "updated_at"])
    audit_record(
        event=PUMP_PROGRAM_ANSWERED,
        actor=actor,
        workstation=workstation,
        target=program,
        after={
            "outcome": program.outcome,
            "ack": program.ack_code,
            "text": program.ack_text,
            "pump_state": answer.state.value,
            # the pump reported (running, alarm) before its answer was recorded
            "reported_first": answer.reported_first,
        },
    )
    program.pump = locked
    return program


def interrupted_programme_close(pump: Pump, *, now: datetime, timeout: float) -> None:
    """A programme whose sending was interrupted (the process stopped between sending it and
    recording the answer) would leave the pump «awaiting_ack» for ever: once well past the
    answer's timeout, it is closed as unanswered and the pump goes back to its state."""
    if pump.state != PumpState.AWAITING_ACK.value:
        return
    pending = pump.programs.filter(outcome=ProgramOutcome.SENT).order_by("-sent_at").first()
    if pending is None or (now - pending.sent_at).total_seconds() < timeout + STALE_GRACE_SECONDS:
        return
    programme_answer_record(
        program=pending,
        packet=None,
        ack=None,
        problem=MllpNoAnswer("Invio interrotto: nessuna risposta della pompa registrata."),
        actor=None,
        workstation=GATEWAY_WORKSTATION,
    )
    pump.refresh_from_db()
