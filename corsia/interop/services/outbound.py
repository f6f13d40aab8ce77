"""Outgoing messages: RAS^O17 for each administration that ended, RDS^O13 for each bag of
preparations the UFA dispensed to the ward, to every active subscriber of that type.

* **Stored first** (an outbox): the message rows are written inside the transaction of the
  clinical act (administration's and compounding's hooks call ``*_announce`` there); the
  send job is deferred when it commits. No act without its message, no message about an act
  rolled back.
* **One per act and subscriber** (unique ``event_key``): an announce repeated, a retry, a
  resend never make a second message; a retry sends the same text with the same MSH-10, so
  a receiver that got it but whose ACK was lost recognises the duplicate.
* **Sent by the worker** (procrastinate, ``corsia.interop.outbound_send``), never holding a
  database transaction across the network: the attempt is claimed (a lease until the next
  retry), the frame sent over MLLP, the ACK read and recorded. AA → sent; AE/AR → failed
  with the receiver's reason; no answer → tried again with exponential backoff, expired
  after ``CORSIA_HL7_OUT_MAX_ATTEMPTS``. Failed and expired messages are the dead-letter
  list, resent by IT staff with a reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.administration.given import AdministrationRecord
from corsia.administration.pumps.mllp import MllpNoAnswer, frame_text, mllp_exchange_sync
from corsia.audit.services import audit_record
from corsia.compounding.dispensed import Dispensing
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.drugs.selectors import ingredient_atc_codes, packs_of_products
from corsia.interop import audit_events as events
from corsia.interop.domain.outbound import (
    RAS_O17,
    RDS_O13,
    AdministrationEvent,
    Completion,
    DispensedItem,
    DispensingEvent,
    Drug,
    OutboundState,
    PatientIdentity,
    Sender,
    attempt_outcome,
    build_ras,
    build_rds,
    ensure_resendable,
    read_ack,
)
from corsia.interop.models import OutboundMessage, Subscriber
from corsia.interop.services.account import REPLAY, interface_account
from corsia.patients.selectors import patient_record

log = logging.getLogger("corsia.interop.outbound")

SEND_TASK = "corsia.interop.outbound_send"
_COMPLETION = {
    "completed": Completion.COMPLETE,
    "partial": Completion.PARTIAL,
    "interrupted": Completion.PARTIAL,
    "not_given": Completion.NOT_ADMINISTERED,
}
Builder = Callable[[Sender, str, datetime], str]


# --- what a message says ------------------------------------------------------------------


def _patient(patient_id: int) -> PatientIdentity:
    p = patient_record(patient_id=patient_id)
    return PatientIdentity(
        mrn=p.mrn,
        codice_fiscale=p.codice_fiscale,
        stp_eni_code=p.stp_eni_code,
        surname=p.surname,
        given_names=p.given_names,
        date_of_birth=p.date_of_birth,
        sex=p.sex,
    )


def _sender(subscriber: Subscriber) -> Sender:
    namespaces = list(settings.CORSIA_HL7_MRN_AUTHORITIES) or ["CORSIA"]
    return Sender(
        facility=settings.CORSIA_HL7_FACILITY,
        receiving_application=subscriber.receiving_application,
        receiving_facility=subscriber.receiving_facility,
        processing_id=settings.CORSIA_HL7_PROCESSING_ID,
        mrn_namespace=namespaces[0],
        mrn_oid=settings.CORSIA_HL7_MRN_OID,
    )


def _aic_of(product_id: int | None) -> str:
    """The AIC of the product compounded, when it names one pack: a preparation made from
    several packs of the product has no single AIC (ATC only)."""
    if product_id is None:
        return ""
    aics = {p.aic for p in packs_of_products([product_id]) if p.aic}
    return aics.pop() if len(aics) == 1 else ""


def _administration_event(record: AdministrationRecord) -> AdministrationEvent:
    given = record.given
    atc = ingredient_atc_codes([given.ingredient_code]).get(given.ingredient_code, "")
    return AdministrationEvent(
        administration_id=given.administration_id,
        order_id=record.order_id,
        preparation_ref=record.preparation_ref,
        drug=Drug(code=given.ingredient_code, name=record.ingredient_name, atc=atc),
        dose=given.amount_given,
        dose_unit=given.dose_unit,
        route=record.route,
        started_at=timezone.localtime(given.started_at),
        ended_at=timezone.localtime(record.ended_at or given.started_at),
        completion=_COMPLETION.get(given.state, Completion.COMPLETE),
        nurse_username=record.nurse_username,
        nurse_surname=record.nurse_surname,
        nurse_given_name=record.nurse_given_name,
        reason=record.reason,
        volume_given_ml=given.volume_given_ml,
    )


def _dispensing_event(record: Dispensing) -> DispensingEvent:
    atcs = ingredient_atc_codes(p.ingredient_code for p in record.preparations)
    return DispensingEvent(
        dispensing_id=record.checkout_id,
        order_id=record.order_id,
        dispensed_at=timezone.localtime(record.dispensed_at),
        pharmacist_username=record.pharmacist_username,
        pharmacist_surname=record.pharmacist_surname,
        pharmacist_given_name=record.pharmacist_given_name,
        delivery_document=record.delivery_document,
        items=tuple(
            DispensedItem(
                preparation_ref=p.code,
                order_item_id=p.order_item_id,
                drug=Drug(
                    code=p.ingredient_code,
                    name=p.ingredient_name,
                    atc=atcs.get(p.ingredient_code, ""),
                    aic=_aic_of(p.product_id),
                ),
                dose=p.dose,
                dose_unit=p.dose_unit,
                volume_ml=p.volume_ml,
                route=p.route,
                lot=p.lot,
                expiry=timezone.localtime(p.expiry) if p.expiry else None,
            )
            for p in record.preparations
        ),
    )


# --- queueing (inside the clinical act's transaction) ---------------------------------------


def _subscribers_of(message_type: str) -> list[Subscriber]:
    return list(
        Subscriber.objects.filter(active=True, message_types__contains=[message_type]).order_by(
            "pk"
        )
    )


def _queue(*, message_type: str, event_key: str, patient_id: int, build: Builder) -> list[int]:
    """One message per active subscriber of the type, unless that act already has one."""
    queued: list[int] = []
    now = timezone.now()
    for subscriber in _subscribers_of(message_type):
        if OutboundMessage.objects.filter(subscriber=subscriber, event_key=event_key).exists():
            continue
        row = OutboundMessage.objects.create(
            subscriber=subscriber,
            event_key=event_key,
            created_at=now,
            message_type=message_type,
            control_id=f"pending-{subscriber.pk}-{event_key}"[:64],
            raw="",
            patient_id=patient_id,
            next_attempt_at=now,
        )
        row.control_id = f"CORSIAO{row.pk}"  # MSH-10 (ST, at most 20 characters)
        row.raw = build(_sender(subscriber), row.control_id, timezone.localtime(now))
        row.save(update_fields=["control_id", "raw"])
        queued.append(row.pk)
    if queued:
        transaction.on_commit(lambda: _defer_all(queued))
    return queued


def _defer_all(message_ids: list[int]) -> None:
    for pk in message_ids:
        _defer(pk)


def administration_announced(record: AdministrationRecord) -> None:
    """Administration's hook (``administration_ended_subscribe``): RAS^O17."""
    if not _subscribers_of(RAS_O17):
        return  # nobody subscribes: nothing read, nothing written
    event = _administration_event(record)
    patient = _patient(record.patient_id)
    _queue(
        message_type=RAS_O17,
        event_key=f"administration:{event.administration_id}:{record.given.state}",
        patient_id=record.patient_id,
        build=lambda sender, control_id, at: build_ras(
            event=event, patient=patient, sender=sender, control_id=control_id, sent_at=at
        ),
    )


def dispensing_announced(record: Dispensing) -> None:
    """Compounding's hook (``dispensing_subscribe``): RDS^O13 for the bag checked out."""
    if not _subscribers_of(RDS_O13):
        return
    event = _dispensing_event(record)
    patient = _patient(record.patient_id)
    _queue(
        message_type=RDS_O13,
        event_key=f"checkout:{record.checkout_id}",
        patient_id=record.patient_id,
        build=lambda sender, control_id, at: build_rds(
            event=event, patient=patient, sender=sender, control_id=control_id, sent_at=at
        ),
    )


def _defer(message_id: int, at: datetime | None = None) -> None:
    """The send job (at most one waiting per message: the queueing lock)."""
    from procrastinate import exceptions
    from procrastinate.contrib.django import app

    try:
        # a savepoint: the queueing lock's refusal is a unique violation, which must not
        # abort a transaction the caller may be in
        with transaction.atomic():
            app.configure_task(
                SEND_TASK, queue="interop", queueing_lock=f"hl7out-{message_id}", schedule_at=at
            ).defer(message_id=message_id)
    except exceptions.AlreadyEnqueued:
        pass
    except Exception:  # the queue unreachable: the periodic sweep defers it again
        log.exception("HL7 outbound %s: send job not deferred", message_id)


# --- sending (the worker) --------------------------------------------------------------------


def _claim(message_id: int, now: datetime) -> OutboundMessage | None:
    with transaction.atomic():
        row = (
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .select_related("subscriber")
            .filter(
                pk=message_id,
                state=OutboundState.PENDING.value,
                next_attempt_at__lte=now,
                subscriber__active=True,
            )
            .first()
        )
        if row is None:
            return None
        row.attempts += 1
        row.last_attempt_at = now
        # the lease: nobody else tries it until this attempt is over (or has died)
        row.next_attempt_at = now + timedelta(
            seconds=2 * settings.CORSIA_HL7_OUT_TIMEOUT_SECONDS + 60
        )
        row.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
        return row


def _snapshot(row: OutboundMessage) -> dict[str, object]:
    return {
        "control_id": row.control_id,
        "message_type": row.message_type,
        "subscriber": row.subscriber.name,
        "state": row.state,
        "attempts": row.attempts,
        "ack_code": row.ack_code,
        "error_text": row.error_text,
    }


def outbound_send(*, message_id: int, now: datetime | None = None) -> OutboundMessage | None:
    """One attempt to send a pending message that is due; ``None`` when there is nothing
    to do (sent meanwhile, not due, claimed by another worker, subscriber inactive)."""
    started = now or timezone.now()
    claimed = _claim(message_id, started)
    if claimed is None:
        return None
    subscriber = claimed.subscriber
    answer, ack, no_answer = "", None, ""
    try:
        reply = mllp_exchange_sync(
            subscriber.host,
            subscriber.port,
            claimed.raw.encode("utf-8"),
            timeout=float(settings.CORSIA_HL7_OUT_TIMEOUT_SECONDS),
        )
        answer = frame_text(reply)
        ack = read_ack(answer, control_id=claimed.control_id)
    except MllpNoAnswer as problem:
        no_answer = problem.message
    finished = timezone.now()
    with transaction.atomic():
        row = (
            OutboundMessage.objects.select_for_update()
            .select_related("subscriber")
            .get(pk=claimed.pk)
        )
        before = _snapshot(row)
        outcome = attempt_outcome(
            ack=ack,
            no_answer=no_answer,
            attempts=row.attempts,
            max_attempts=settings.CORSIA_HL7_OUT_MAX_ATTEMPTS,
            now=finished,
            base_seconds=settings.CORSIA_HL7_OUT_RETRY_BASE_SECONDS,
            cap_seconds=settings.CORSIA_HL7_OUT_RETRY_CAP_SECONDS,
        )
        row.state = outcome.state.value
        row.error_text = outcome.error
        row.ack = answer[:65536]
        row.ack_code = ack.code.value if ack is not None and ack.code is not None else ""
        row.next_attempt_at = outcome.retry_at or finished
        if outcome.state is OutboundState.SENT:
            row.sent_at = finished
        row.save()
        if outcome.state is not OutboundState.PENDING:
            audit_record(
                event=events.MESSAGE_SENT
                if outcome.state is OutboundState.SENT
                else events.MESSAGE_NOT_DELIVERED,
                actor=interface_account(),
                workstation="HL7",
                target=row,
                patient_id=row.patient_id,
                before=before,
                after=_snapshot(row),
            )
    if outcome.state is OutboundState.PENDING:
        _defer(row.pk, at=outcome.retry_at)
    return row


def outbound_due(*, now: datetime | None = None) -> int:
    """The periodic sweep: every pending message that is due gets its send job (one lost
    with a worker, or deferred while the queue was unreachable). Returns how many."""
    moment = now or timezone.now()
    due = list(
        OutboundMessage.objects.filter(
            state=OutboundState.PENDING.value, next_attempt_at__lte=moment, subscriber__active=True
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        _defer(pk)
    return len(due)


def outbound_resend(
    *, actor: User, workstation: Workstation, message_id: int, reason: str
) -> OutboundMessage:
    """IT staff send a dead letter (refused, or never answered) again, with a reason: the
    same text, the same MSH-10; its attempts start again."""
    require_permission(actor, REPLAY)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Indica il motivo del reinvio.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        row = (
            OutboundMessage.objects.select_for_update()
            .select_related("subscriber")
            .filter(pk=message_id)
            .first()
        )
        if row is None:
            raise NotFound("Messaggio non trovato.", code="message_not_found")
        ensure_resendable(row.state)
        before = _snapshot(row)
        row.state = OutboundState.PENDING.value
        row.attempts = 0
        row.next_attempt_at = timezone.now()
        row.save(update_fields=["state", "attempts", "next_attempt_at"])
        audit_record(
            event=events.MESSAGE_RESENT,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=row.patient_id,
            before=before,
            after=_snapshot(row),
            reason=reason,
        )
        pk = row.pk
        transaction.on_commit(lambda: _defer(pk))
    return row
