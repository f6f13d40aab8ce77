"""Use cases of the infusion pumps: register, send a programme, receive what pumps say.

``pump_program_send`` commits the programme and the outbound message *before* talking to
the pump (no transaction is held across the network), then records the answer in a second
transaction. ``pump_message_receive`` is the gateway's single entry point: one inbound
HL7 message in, one ACK out; a refused message is logged with its AE/AR and changes
nothing else.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.administration.audit_events import (
    PUMP_ALARM_CLEARED,
    PUMP_ALARM_RAISED,
    PUMP_PROGRAM_SENT,
    PUMP_REGISTERED,
)
from corsia.administration.domain.hl7_pcd import (
    AckCode,
    AckReport,
    Hl7Error,
    MessageHeader,
    MessageRefused,
    PumpAlarmReport,
    PumpStatusReport,
    RawHeader,
    build_ack,
    build_pcd03,
    parse_pcd,
    read_header,
    to_json,
)
from corsia.administration.domain.pump_program import PumpProgramPacket
from corsia.administration.domain.pump_state import (
    PumpEvent,
    PumpState,
    SequencePosition,
    decide,
    next_state,
)
from corsia.administration.models import (
    Administration,
    Direction,
    Pump,
    PumpAlarm,
    PumpMessage,
    PumpProgram,
)
from corsia.administration.permissions import MANAGE_PUMPS, PROGRAM_PUMP
from corsia.administration.pumps.answers import (
    GATEWAY_WORKSTATION,
    interrupted_programme_close,
    programme_answer_record,
)
from corsia.administration.pumps.mllp import MllpNoAnswer, mllp_exchange_sync
from corsia.administration.pumps.selectors import running_administration_of
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import CorsiaError, InvalidTransition

log = logging.getLogger("corsia.administration.gateway")

DEFAULT_ACK_TIMEOUT_SECONDS = 5.0


def _new_control_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:20]}"


def pump_register(
    *,
    serial: str,
    ward_code: str,
    location_label: str,
    host: str,
    port: int,
    actor: User,
    workstation: Workstation,
) -> Pump:
    require_permission(
        actor, MANAGE_PUMPS, message="Non hai il permesso di registrare pompe infusionali."
    )
    with transaction.atomic():
        pump = Pump.objects.create(
            serial=serial.strip(),
            ward_code=ward_code.strip(),
            location_label=location_label.strip(),
            host=host.strip(),
            port=port,
        )
        audit_record(
            event=PUMP_REGISTERED,
            actor=actor,
            workstation=workstation,
            target=pump,
            after={"serial": pump.serial, "ward": pump.ward_code, "host": host, "port": port},
        )
    return pump


class PumpBadAnswer(CorsiaError):
    code = "pump_bad_answer"
    status = 502


def pump_program_send(
    *,
    pump: Pump,
    packet: PumpProgramPacket,
    actor: User,
    workstation: Workstation,
    order_id: int | None = None,
    preparation_ref: str | None = None,
    patient_id: str = "",
    timeout: float | None = None,
    administration: Administration | None = None,
) -> PumpProgram:
    """Send a PCD-03 to the pump and record its ACK. Refusals come back as the outcome;
    no answer (or an unreadable one) is recorded and raised as a clear error."""
    require_permission(
        actor, PROGRAM_PUMP, message="Non hai il permesso di programmare le pompe infusionali."
    )
    timeout = timeout or float(
        getattr(settings, "CORSIA_PUMP_ACK_TIMEOUT_SECONDS", DEFAULT_ACK_TIMEOUT_SECONDS)
    )
    now = timezone.now()
    control_id = _new_control_id("P")
    with transaction.atomic():
        locked = Pump.objects.select_for_update().get(pk=pump.pk)
        interrupted_programme_close(locked, now=now, timeout=timeout)
        try:
            awaiting = next_state(PumpState(locked.state), PumpEvent.PROGRAMME_SENT)
        except MessageRefused:
            raise InvalidTransition(
                f"La pompa {locked.serial} è «{locked.get_state_display()}»: non può ricevere "
                "un nuovo programma.",
                details={"state": locked.state},
            ) from None
        raw = build_pcd03(
            packet,
            control_id=control_id,
            sent_at=now,
            device_id=locked.serial,
            placer_id=str(order_id) if order_id is not None else control_id,
            patient_id=patient_id,
        )
        program = PumpProgram.objects.create(
            pump=locked,
            order_id=order_id,
            preparation_ref=preparation_ref,
            drug_code=packet.drug_code,
            drug_name=packet.drug_name,
            dose_mg=packet.dose_mg,
            volume_ml=packet.volume_ml,
            duration_min=packet.duration_min,
            rate_ml_h=packet.rate_ml_h,
            concentration_mg_ml=packet.concentration_mg_ml,
            control_id=control_id,
            sent_by=actor,
            sent_at=now,
            administration=administration,
            pump_state_before=locked.state,
        )
        outbound = PumpMessage.objects.create(
            pump=locked,
            device_id=locked.serial,
            direction=Direction.OUTBOUND,
            control_id=control_id,
            message_type="RGV^O15",
            raw=raw,
            parsed=to_json(packet),
            sent_at=now,
            received_at=now,
        )
        locked.state = awaiting.value
        locked.updated_at = now
        locked.save(update_fields=["state", "updated_at"])
        audit_record(
            event=PUMP_PROGRAM_SENT,
            actor=actor,
            workstation=workstation,
            target=program,
            after={k: str(v) for k, v in to_json(packet).items()}
            | {"pump": locked.serial, "pump_state": awaiting.value},
        )
    problem: CorsiaError | None = None
    ack: AckReport | None = None
    answer_raw = ""
    try:
        answer_raw = mllp_exchange_sync(
            pump.host, pump.port, raw.encode("utf-8"), timeout=timeout
        ).decode("utf-8", errors="replace")
        parsed = parse_pcd(answer_raw)
        if not isinstance(parsed, AckReport) or parsed.ref_control_id != control_id:
            raise PumpBadAnswer(
                "La pompa ha risposto con un messaggio che non è la conferma del programma.",
            )
        ack = parsed
    except MllpNoAnswer as no_answer:
        problem = no_answer
    except (MessageRefused, PumpBadAnswer) as bad:
        problem = PumpBadAnswer(f"Risposta della pompa non valida: {bad.message}")
    with transaction.atomic():
        program = programme_answer_record(
            program=program,
            packet=packet,
            ack=ack,
            problem=problem,
            actor=actor,
            workstation=workstation,
        )
        outbound.ack_code = program.ack_code
        outbound.ack_error = ack.error_code if ack else (problem.code if problem else "")
        outbound.ack_text = program.ack_text
        outbound.save(update_fields=["ack_code", "ack_error", "ack_text"])
        if answer_raw:
            PumpMessage.objects.create(
                pump=program.pump,
                device_id=program.pump.serial,
                direction=Direction.INBOUND,
                control_id=ack.header.control_id if ack else "",
                message_type="ACK",
                raw=answer_raw,
                parsed=to_json(ack) if ack else {},
                ack_code="",  # the pump's own ACK: nothing of ours acknowledges it
                sent_at=ack.header.sent_at if ack else None,
                received_at=timezone.now(),
            )
    if problem is not None:
        raise problem
    return program


# --- Inbound ------------------------------------------------------------------------------


def _log_refusal(
    *,
    raw: str,
    header: MessageHeader | RawHeader | None,
    refusal: MessageRefused,
    received_at: datetime,
) -> str:
    pump = Pump.objects.filter(serial=header.device_id).first() if header else None
    PumpMessage.objects.create(
        pump=pump,
        device_id=header.device_id if header else "",
        direction=Direction.INBOUND,
        control_id=header.control_id if header else "",
        message_type=header.message_type[:16] if header else "",
        raw=raw,
        parsed={},
        ack_code=refusal.ack_code.value,
        ack_error=refusal.code,
        ack_text=refusal.message,
        sent_at=header.sent_at if header else None,
        received_at=received_at,
    )
    log.warning(
        "pump message %s from %s refused %s %s: %s",
        header.control_id if header else "?",
        header.device_id if header else "?",
        refusal.ack_code.value,
        refusal.code,
        refusal.message,
    )
    return build_ack(
        control_id=_new_control_id("A"),
        sent_at=timezone.now(),
        ack_code=refusal.ack_code,
        ref_control_id=header.control_id if header else "",
        trigger=header.trigger if header else "",
        receiver=header.sender if header else "",
        refusal=refusal,
    )


def _apply_alarm(
    *, pump: Pump, report: PumpAlarmReport, event: PumpEvent, message: PumpMessage
) -> None:
    open_alarm = (
        PumpAlarm.objects.select_for_update()
        .filter(pump=pump, alarm_ref=report.alarm_ref, cleared_at__isnull=True)
        .first()
    )
    if event == PumpEvent.ALARM_RAISED and open_alarm is None:
        running = running_administration_of(pump)
        alarm = PumpAlarm.objects.create(
            administration=running,
            pump=pump,
            alarm_ref=report.alarm_ref,
            code=report.alarm_code,
            name=report.alarm_name,
            text=report.alarm_text[:200],
            priority=report.priority.value if report.priority else "",
            raised_at=report.raised_at,
            message=message,
        )
        audit_record(
            event=PUMP_ALARM_RAISED,
            actor=None,
            workstation=GATEWAY_WORKSTATION,
            target=alarm,
            after={
                "pump": pump.serial,
                "ward": pump.ward_code,
                "location": pump.location_label,
                "alarm": report.alarm_name,
                "text": report.alarm_text,
                "priority": alarm.priority,
                "raised_at": report.raised_at.isoformat(),
                "administration": running.pk if running else None,
            },
            patient_id=running.patient_id if running else None,
        )
    elif event == PumpEvent.ALARM_ENDED and open_alarm is not None:
        open_alarm.cleared_at = report.raised_at
        open_alarm.save(update_fields=["cleared_at"])
        audit_record(
            event=PUMP_ALARM_CLEARED,
            actor=None,
            workstation=GATEWAY_WORKSTATION,
            target=open_alarm,
            after={"pump": pump.serial, "cleared_at": report.raised_at.isoformat()},
        )


def pump_message_receive(*, raw: str, received_at: datetime | None = None) -> str:
    """Apply one inbound pump message (PCD-01 status or PCD-04 alarm); return the ACK."""
    received_at = received_at or timezone.now()
    header = read_header(raw)
    try:
        message = parse_pcd(raw)
    except MessageRefused as refusal:
        with transaction.atomic():
            return _log_refusal(raw=raw, header=header, refusal=refusal, received_at=received_at)
    if not isinstance(message, PumpStatusReport | PumpAlarmReport):
        unsupported = MessageRefused(
            f"Il gateway pompe non accetta messaggi {message.header.message_type}.",
            code="unsupported_message_type",
            ack_code=AckCode.REJECT,
            hl7_error=Hl7Error.UNSUPPORTED_MESSAGE_TYPE,
            location="MSH^1^9",
        )
        with transaction.atomic():
            return _log_refusal(
                raw=raw, header=header, refusal=unsupported, received_at=received_at
            )
    head = message.header
    with transaction.atomic():
        pump = Pump.objects.select_for_update().filter(serial=head.device_id).first()
        if pump is None:
            return _log_refusal(
                raw=raw,
                header=head,
                refusal=MessageRefused(
                    f"Pompa «{head.device_id}» non registrata.",
                    code="unknown_pump",
                    ack_code=AckCode.ERROR,
                    hl7_error=Hl7Error.UNKNOWN_KEY,
                    location="MSH^1^3",
                ),
                received_at=received_at,
            )
        seen = PumpMessage.objects.filter(
            pump=pump, direction=Direction.INBOUND, control_id=head.control_id, ack_code="AA"
        ).exists()
        try:
            decision = decide(
                state=PumpState(pump.state),
                position=SequencePosition(
                    last_applied_at=pump.last_message_at, control_id_seen=seen
                ),
                message=message,
            )
        except MessageRefused as refusal:
            return _log_refusal(raw=raw, header=head, refusal=refusal, received_at=received_at)
        stored = PumpMessage.objects.create(
            pump=pump,
            device_id=head.device_id,
            direction=Direction.INBOUND,
            control_id=head.control_id,
            message_type=head.message_type,
            raw=raw,
            parsed=to_json(message),
            ack_code=AckCode.ACCEPT.value,
            sent_at=head.sent_at,
            received_at=received_at,
        )
        fields = ["state", "last_message_at", "last_received_at", "updated_at"]
        pump.state = decision.state.value
        pump.last_message_at = head.sent_at
        pump.last_received_at = received_at
        pump.updated_at = timezone.now()
        if isinstance(message, PumpStatusReport):
            pump.last_status = to_json(message)
            fields.append("last_status")
            for name in ("rate_ml_h", "volume_infused_ml", "vtbi_ml"):
                value = getattr(message, name)
                if value is not None:
                    setattr(pump, name, value)
                    fields.append(name)
        else:
            _apply_alarm(pump=pump, report=message, event=decision.event, message=stored)
        pump.save(update_fields=fields)
        return build_ack(
            control_id=_new_control_id("A"),
            sent_at=timezone.now(),
            ack_code=AckCode.ACCEPT,
            ref_control_id=head.control_id,
            trigger=head.trigger,
            receiver=head.sender,
        )
