"""One inbound message: stored raw, read, applied, answered — in one transaction with its
audit record. The same message again (sending facility + MSH-10) changes nothing and
gets the ACK the first one got.

* AR — the message cannot be taken (no MSH, no control id, another version or processing
  id, a message type this interface does not read, too large);
* AE — read but refused: a broken segment, a bad field (a codice fiscale whose check
  character is wrong, an unknown ward), a registry rule (two admissions at once); the
  ERR names the segment and field, and nothing of it is applied (the savepoint is rolled
  back, the message row and its audit record stay);
* AA — applied, or nothing to do (ignored), or parked: it names a patient or an encounter
  not known yet, and is retried when a later message makes it known (or by the periodic
  retry, ``tasks.py``) — the sender's queue is not blocked by an out-of-order message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from corsia.administration.domain.hl7_pcd import AckCode, Hl7Error, MessageRefused
from corsia.administration.domain.hl7_pcd.terms import refused
from corsia.audit.services import audit_record
from corsia.core.actors import User
from corsia.interop import audit_events as events
from corsia.interop.domain.ack import AckInput, build_ack
from corsia.interop.domain.adt import read_adt
from corsia.interop.domain.er7 import Header, read_header, read_message
from corsia.interop.domain.oru import read_oru
from corsia.interop.domain.siu import read_siu
from corsia.interop.domain.states import MessageState, next_state
from corsia.interop.models import RAW_LIMIT, InboundMessage
from corsia.interop.services.account import interface_account
from corsia.interop.services.adt import adt_apply
from corsia.interop.services.context import Context, Outcome, local_tz, mrn_authorities
from corsia.interop.services.lab import lab_report_apply
from corsia.interop.services.siu import siu_apply

log = logging.getLogger("corsia.interop")

SUPPORTED = ("ADT", "ORU", "SIU")
# PostgreSQL text holds no NUL: a message carrying one is stored with this in its place
# (and rejected, AR), so it is kept like any other and the same bytes again are one message.
_NUL_STORED = "\N{REPLACEMENT CHARACTER}"


def _storable(raw: str) -> str:
    return raw.replace("\x00", _NUL_STORED)[:RAW_LIMIT]


def _apply(raw: str, ctx: Context) -> Outcome:
    """Read and apply; ``MessageRefused`` (AE/AR) when refused."""
    if len(raw) > RAW_LIMIT:
        raise refused(
            f"Messaggio oltre {RAW_LIMIT // 1024} kB.",
            "message_too_large",
            Hl7Error.INTERNAL_ERROR,
            "MSH",
            reject=True,
        )
    if "\x00" in raw or _NUL_STORED in raw:
        raise refused(
            "Il messaggio contiene un carattere nullo (NUL): non è HL7 valido.",
            "nul_byte",
            Hl7Error.DATA_TYPE,
            "",
            reject=True,
        )
    message = read_message(raw, processing_id=settings.CORSIA_HL7_PROCESSING_ID)
    code = message.header.message_code
    if code == "ADT":
        return adt_apply(read_adt(message, tz=ctx.tz, mrn_authorities=mrn_authorities()), ctx)
    if code == "ORU":
        return lab_report_apply(
            read_oru(message, tz=ctx.tz, mrn_authorities=mrn_authorities()), ctx
        )
    if code == "SIU":
        return siu_apply(read_siu(message, tz=ctx.tz, mrn_authorities=mrn_authorities()), ctx)
    raise refused(
        f"Tipo di messaggio {message.header.message_type} non gestito da Corsia "
        f"(si accettano {', '.join(SUPPORTED)}).",
        "unsupported_message_type",
        Hl7Error.UNSUPPORTED_MESSAGE_TYPE,
        "MSH^1^9",
        reject=True,
    )


def _attempt(raw: str, ctx: Context) -> Outcome | MessageRefused:
    """Apply inside a savepoint: a refusal rolls back whatever was applied before it."""
    try:
        with transaction.atomic():
            return _apply(raw, ctx)
    except MessageRefused as refusal:
        return refusal
    except Exception:  # a fault of ours: kept as an error to replay once mended, never lost
        log.exception("HL7 message %s: internal error", ctx.row.control_id)
        return refused(
            "Errore interno di Corsia nell'elaborazione: il messaggio resta in errore e si "
            "può rielaborare.",
            "internal_error",
            Hl7Error.INTERNAL_ERROR,
            "",
        )


def _settle(row: InboundMessage, result: Outcome | MessageRefused, now: datetime) -> None:
    if isinstance(result, MessageRefused):
        row.state = next_state(row.state, MessageState.ERROR).value
        row.error_code, row.error_location = result.code[:60], result.location[:40]
        row.error_text, row.outcome, row.waiting_for = result.message, "", []
    else:
        row.state = next_state(row.state, result.state).value
        row.error_code = row.error_location = row.error_text = ""
        row.outcome = result.text
        row.waiting_for = list(result.waiting_for)
        if result.patient_id is not None:
            row.patient_id = result.patient_id
    row.processed_at = now


def _ack(row: InboundMessage, header: Header | None, result: Outcome | MessageRefused) -> str:
    data = AckInput(
        header=header,
        control_id=f"CORSIA{row.pk}",
        sent_at=timezone.localtime(row.received_at),
        facility=settings.CORSIA_HL7_FACILITY,
    )
    if isinstance(result, MessageRefused):
        return build_ack(data, result.ack_code, refusal=result)
    text = "In attesa: " + result.text if result.state is MessageState.PARKED else ""
    return build_ack(data, AckCode.ACCEPT, text=text[:80])


def _snapshot(row: InboundMessage) -> dict[str, object]:
    return {
        "control_id": row.control_id,
        "sending_application": row.sending_application,
        "sending_facility": row.sending_facility,
        "message_type": row.message_type,
        "state": row.state,
        "ack_code": row.ack_code,
        "error_code": row.error_code,
        "error_location": row.error_location,
        "outcome": row.outcome,
    }


def _context(actor: User, row: InboundMessage, now: datetime) -> Context:
    return Context(
        actor=actor,
        workstation=row.sending_application or "HL7",
        row=row,
        now=now,
        tz=local_tz(),
    )


def _existing(header: Header) -> InboundMessage | None:
    return InboundMessage.objects.filter(
        sending_facility=header.sending_facility, control_id=header.control_id
    ).first()


def _answer_to_repeat(existing: InboundMessage, raw: str, header: Header) -> str:
    if existing.raw == _storable(raw):
        return existing.ack
    log.warning(
        "HL7 %s from %s: control id reused for a different message",
        header.control_id,
        header.sending_facility,
    )
    refusal = refused(
        f"L'identificativo {header.control_id} è già stato usato da {header.sending_facility} "
        "per un messaggio diverso.",
        "control_id_reused",
        Hl7Error.DUPLICATE_KEY,
        "MSH^1^10",
        reject=True,
    )
    data = AckInput(
        header=header,
        control_id=f"CORSIA{existing.pk}R",
        sent_at=timezone.localtime(),
        facility=settings.CORSIA_HL7_FACILITY,
    )
    return build_ack(data, AckCode.REJECT, refusal=refusal)


def fault_ack(raw: str) -> str:
    """The AE (207) answered when a message could not even be stored: the sender keeps it
    and sends it again (the same MSH-10, so it is applied once)."""
    refusal = refused(
        "Errore interno di Corsia: messaggio non registrato, va rinviato.",
        "internal_error",
        Hl7Error.INTERNAL_ERROR,
        "",
    )
    data = AckInput(
        header=read_header(raw),
        control_id="CORSIA-FAULT",
        sent_at=timezone.localtime(),
        facility=settings.CORSIA_HL7_FACILITY,
    )
    return build_ack(data, AckCode.ERROR, refusal=refusal)


def message_receive(*, raw: str, received_at: datetime | None = None) -> str:
    """Store, apply and answer one inbound message; returns the ACK (ER7)."""
    now = received_at or timezone.now()
    header = read_header(_storable(raw))
    if header is not None and header.control_id:
        existing = _existing(header)
        if existing is not None:
            return _answer_to_repeat(existing, raw, header)
    actor = interface_account()
    try:
        with transaction.atomic():
            row = InboundMessage.objects.create(
                received_at=now,
                raw=_storable(raw),
                control_id=header.control_id if header else "",
                sending_application=header.sending_application if header else "",
                sending_facility=header.sending_facility if header else "",
                message_type=header.message_type[:7] if header else "",
            )
            result = _attempt(raw, _context(actor, row, now))
            _settle(row, result, now)
            row.ack = _ack(row, header, result)
            row.ack_code = row.ack.split("\rMSA|", 1)[1][:2]
            row.save()
            audit_record(
                event=events.MESSAGE_RECEIVED,
                actor=actor,
                workstation=_context(actor, row, now).workstation,
                target=row,
                patient_id=row.patient_id,
                after=_snapshot(row),
            )
    except IntegrityError:
        # the same message stored meanwhile by another listener process
        assert header is not None
        existing = _existing(header)
        if existing is None:
            raise
        return _answer_to_repeat(existing, raw, header)
    if isinstance(result, Outcome) and result.resolved:
        parked_retry(keys=result.resolved)
    return row.ack


# --- retrying parked messages ---------------------------------------------------------------


def reprocess(*, row: InboundMessage, actor: User, now: datetime) -> dict[str, object]:
    """Apply a stored message again (the row locked by the caller, inside its
    transaction): its state and outcome are updated, its ACK (already sent) kept."""
    before = _snapshot(row)
    result = _attempt(row.raw, _context(actor, row, now))
    _settle(row, result, now)
    row.attempts += 1
    row.save()
    return before


def _locked_parked(pk: int) -> InboundMessage | None:
    return (
        InboundMessage.objects.select_for_update(skip_locked=True)
        .filter(pk=pk, state=MessageState.PARKED.value)
        .first()
    )


def parked_retry(*, keys: Iterable[str] | None = None) -> int:
    """Retry the parked messages waiting for one of ``keys`` (all of them: ``None``), oldest
    first, each in its own transaction; when one is applied, the others are tried again (it
    may have made known what they wait for). Returns how many left the parked state."""
    rows = InboundMessage.objects.filter(state=MessageState.PARKED.value)
    if keys is not None:
        rows = rows.filter(waiting_for__has_any_keys=list(keys))
    settled = 0
    actor = interface_account()
    for pk in list(rows.order_by("received_at", "pk").values_list("pk", flat=True)):
        with transaction.atomic():
            row = _locked_parked(pk)
            if row is None:
                continue
            now = timezone.now()
            before = reprocess(row=row, actor=actor, now=now)
            audit_record(
                event=events.MESSAGE_RETRIED,
                actor=actor,
                workstation=_context(actor, row, now).workstation,
                target=row,
                patient_id=row.patient_id,
                before=before,
                after=_snapshot(row),
            )
        if row.state != MessageState.PARKED.value:
            settled += 1
    if settled and keys is not None:
        settled += parked_retry(keys=None)
    return settled


def parked_expire(*, hours: int) -> int:
    """Parked messages older than ``hours`` become errors (the dead-letter list IT staff
    replay from): nothing came to make them applicable."""
    expired = 0
    limit = timezone.now() - timedelta(hours=hours)
    actor = interface_account()
    old = InboundMessage.objects.filter(state=MessageState.PARKED.value, received_at__lt=limit)
    for pk in list(old.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            row = _locked_parked(pk)
            if row is None:
                continue
            before = _snapshot(row)
            row.state = next_state(row.state, MessageState.ERROR).value
            row.error_code = "parked_expired"
            row.error_text = f"In attesa da oltre {hours} ore: {row.outcome}"
            row.save(update_fields=["state", "error_code", "error_text"])
            audit_record(
                event=events.MESSAGE_RETRIED,
                actor=actor,
                workstation=row.sending_application or "HL7",
                target=row,
                patient_id=row.patient_id,
                before=before,
                after=_snapshot(row),
            )
            expired += 1
    return expired
