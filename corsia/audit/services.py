"""Writing the audit trail. Call these inside the service's transaction.

audit_record(event=PATIENT_CREATED, actor=user, workstation=request.workstation,
             target=patient, patient_id=patient.pk, after={...}, reason="")
access_log_record(user=user, patient_id=patient.pk, what="patient summary",
                  workstation=request.workstation)
access_log_record_many(user=user, patient_ids=[...], what="patient search", ...)
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models, transaction

from corsia.audit.domain.chain import GENESIS, link_hash
from corsia.audit.domain.events import EventType
from corsia.audit.keys import audit_key
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.actors import User, Workstation
from corsia.core.actors import workstation_label as workstation_label  # noqa: PLC0414  # re-exported for the modules that write audit rows
from corsia.core.domain.errors import ValidationFailed

# Advisory-lock keys that serialise appends to each chain (held to transaction end).
_EVENT_CHAIN_LOCK = 0x636F7273_0001
_ACCESS_CHAIN_LOCK = 0x636F7273_0002


def _last_hash(model: type[models.Model]) -> str:
    last = model._default_manager.order_by("-id").values_list("hash", flat=True).first()
    return str(last) if last else GENESIS


def audit_record(
    *,
    event: EventType,
    actor: User | None,
    workstation: Workstation,
    target: models.Model | None = None,
    patient_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    if event.reason_required and not reason.strip():
        raise ValidationFailed(
            f"Per «{event.label_it}» è obbligatorio indicare il motivo.",
            code="reason_required",
            field="reason",
        )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_EVENT_CHAIN_LOCK])
        row = AuditEvent(
            event_type=event.code,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_username=getattr(actor, "username", "") or "system",
            workstation=workstation_label(workstation),
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            patient_id=patient_id,
            before=before,
            after=after,
            reason=reason,
        )
        row.prev_hash = _last_hash(AuditEvent)
        row.hash = link_hash(row.prev_hash, row.payload(), audit_key())
        row.save(force_insert=True)
    return row


def access_log_record(
    *, user: User, patient_id: int, what: str, workstation: Workstation, channel: str = "web"
) -> AccessLogEntry:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ACCESS_CHAIN_LOCK])
        row = AccessLogEntry(
            user=user,
            username=user.username,
            patient_id=patient_id,
            what=what,
            workstation=workstation_label(workstation),
            channel=channel,
        )
        row.prev_hash = _last_hash(AccessLogEntry)
        row.hash = link_hash(row.prev_hash, row.payload(), audit_key())
        row.save(force_insert=True)
    return row


def access_log_record_many(
    *,
    user: User,
    patient_ids: list[int],
    what: str,
    workstation: Workstation,
    channel: str = "web",
) -> list[AccessLogEntry]:
    """One access-log row per patient shown together (a search's results), chained in one
    transaction under one lock."""
    if not patient_ids:
        return []
    label, key = workstation_label(workstation), audit_key()
    rows = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ACCESS_CHAIN_LOCK])
        previous = _last_hash(AccessLogEntry)
        for patient_id in patient_ids:
            row = AccessLogEntry(
                user=user,
                username=user.username,
                patient_id=patient_id,
                what=what,
                workstation=label,
                channel=channel,
            )
            row.prev_hash = previous
            row.hash = link_hash(previous, row.payload(), key)
            row.save(force_insert=True)
            previous = row.hash
            rows.append(row)
    return rows
