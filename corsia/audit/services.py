"""Writing the audit trail. Call these inside the service's transaction.

audit_record(event=PATIENT_CREATED, actor=user, workstation=request.workstation,
             target=patient, patient_id=patient.pk, after={...}, reason="")
access_log_record(user=user, patient_id=patient.pk, what="patient summary",
                  workstation=request.workstation)
access_log_record_many(user=user, patient_ids=[...], what="patient search", ...)

Each table holds one hash chain per shard (ADR 0012): a row goes to the shard of its
actor, under that shard's advisory lock (held to the end of the transaction), so writers
acting as different people do not wait on each other. An append is one statement before
its insert: the shard's lock, then the heads of every shard (its own chain's last hash,
and the other shards' last rows it seals as witnesses), in one database function. No savepoint of its own: a failed
audit append fails the caller's transaction, never a change committed without its audit.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models, transaction

from corsia.audit.domain.chain import (
    ACCESS_CHAIN,
    EVENT_CHAIN,
    GENESIS,
    SHARDS,
    anchor_triples,
    anchor_vector,
    shard_of,
    sharded_link_hash,
)
from corsia.audit.domain.events import EventType
from corsia.audit.keys import audit_key
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.actors import User, Workstation
from corsia.core.actors import workstation_label as workstation_label  # noqa: PLC0414  # re-exported for the modules that write audit rows
from corsia.core.domain.errors import ValidationFailed

# Advisory-lock keys: one per (chain, shard), held to transaction end. The keys of the
# single chains before ADR 0012 (…_0001, …_0002) are no longer taken.
_EVENT_CHAIN_LOCK = 0x636F7273_0100
_ACCESS_CHAIN_LOCK = 0x636F7273_0200


def chain_lock_key(model: type[models.Model], shard: int) -> int:
    base = _EVENT_CHAIN_LOCK if model is AuditEvent else _ACCESS_CHAIN_LOCK
    return base + shard


def _lock_and_heads(
    model: type[models.Model], shard: int
) -> tuple[str, dict[int, tuple[int, str]]]:
    """Take the shard's lock, then read the heads (a statement of its own inside the
    database function ``audit_chain_lock_heads``, migration 0005: its snapshot is taken
    after the lock, so it sees every append committed before it; one round trip). The
    shard's previous hash, and every shard's head."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n, id, hash FROM audit_chain_lock_heads(%s, %s::regclass, %s)",
            [chain_lock_key(model, shard), model._meta.db_table, SHARDS],
        )
        rows = cursor.fetchall()
    heads = {int(n): (int(i), str(h)) for n, i, h in rows}
    legacy = heads.pop(-1, None)
    # a shard's first row follows the legacy segment's last (GENESIS: there was none)
    start = legacy[1] if legacy else GENESIS
    previous = heads[shard][1] if shard in heads else start
    return previous, heads


def _seal(
    row: AuditEvent | AccessLogEntry,
    *,
    chain: str,
    shard: int,
    previous: str,
    heads: dict[int, tuple[int, str]],
    key: bytes,
) -> None:
    row.shard = shard
    row.anchors = anchor_vector(shard, heads)
    row.prev_hash = previous
    row.hash = sharded_link_hash(
        previous,
        row.payload(),
        chain=chain,
        shard=shard,
        anchors=anchor_triples(shard, heads),
        key=key,
    )


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
    shard = shard_of(row.actor_username)
    with transaction.atomic(savepoint=False):
        previous, heads = _lock_and_heads(AuditEvent, shard)
        _seal(row, chain=EVENT_CHAIN, shard=shard, previous=previous, heads=heads, key=audit_key())
        row.save(force_insert=True)
    return row


def access_log_record(
    *, user: User, patient_id: int, what: str, workstation: Workstation, channel: str = "web"
) -> AccessLogEntry:
    return access_log_record_many(
        user=user, patient_ids=[patient_id], what=what, workstation=workstation, channel=channel
    )[0]


def access_log_record_many(
    *,
    user: User,
    patient_ids: list[int],
    what: str,
    workstation: Workstation,
    channel: str = "web",
) -> list[AccessLogEntry]:
    """One access-log row per patient shown together (a search's results), chained in the
    user's shard, in one transaction under one lock, inserted in one statement."""
    return access_log_record_entries(
        user=user,
        entries=[(patient_id, what) for patient_id in patient_ids],
        workstation=workstation,
        channel=channel,
    )


def access_log_record_entries(
    *,
    user: User,
    entries: list[tuple[int, str]],
    workstation: Workstation,
    channel: str = "web",
) -> list[AccessLogEntry]:
    """One access-log row per ``(patient_id, what)`` a page shows together (an order and
    the patient's toxicity summary beside it): each read its own row, as if logged apart,
    chained in the user's shard in one append (one lock, one insert)."""
    if not entries:
        return []
    label, key, shard = workstation_label(workstation), audit_key(), shard_of(user.username)
    rows = [
        AccessLogEntry(
            user=user,
            username=user.username,
            patient_id=patient_id,
            what=what,
            workstation=label,
            channel=channel,
        )
        for patient_id, what in entries
    ]
    with transaction.atomic(savepoint=False):
        previous, heads = _lock_and_heads(AccessLogEntry, shard)
        for row in rows:
            _seal(row, chain=ACCESS_CHAIN, shard=shard, previous=previous, heads=heads, key=key)
            previous = row.hash
        AccessLogEntry.objects.bulk_create(rows)
    return rows
