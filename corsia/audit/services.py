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

Inside a read-only request (``corsia.audit.middleware.ReadTransactionMiddleware``: GET and
HEAD run in one transaction) the access-log rows are **queued** and appended together at
the end of the request, just before its transaction commits and before the answer leaves
(``access_log_flush``): the same transaction as the reads, the shard's lock held only for
the append and the commit, not while the page renders (ADR 0012). Everywhere else (writes,
jobs, commands, tests calling the services) they are appended at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
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
    label = workstation_label(workstation)
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
    reads = _request_reads.get()
    if reads is not None and connection.in_atomic_block:
        reads.queued.extend(rows)  # appended by access_log_flush, before the commit
        return rows
    _append(rows)
    return rows


def _append(rows: list[AccessLogEntry]) -> None:
    """Chain and insert ``rows`` (one reader's) in the reader's shard: one lock, one insert."""
    key, shard = audit_key(), shard_of(rows[0].username)
    with transaction.atomic(savepoint=False):
        previous, heads = _lock_and_heads(AccessLogEntry, shard)
        for row in rows:
            _seal(row, chain=ACCESS_CHAIN, shard=shard, previous=previous, heads=heads, key=key)
            previous = row.hash
        AccessLogEntry.objects.bulk_create(rows)


# --- The access log of a read-only request: queued, appended just before the commit --------------


@dataclass
class RequestReads:
    """The access-log rows of one read-only request: ``queued`` until the flush, then
    ``written`` (kept: if the transaction is lost after part of a streamed answer has
    left, they are written again in a transaction of their own). A row queued inside a
    savepoint later rolled back is still written: the read it records happened."""

    queued: list[AccessLogEntry] = field(default_factory=list)
    written: list[AccessLogEntry] = field(default_factory=list)


_request_reads: ContextVar[RequestReads | None] = ContextVar("corsia_request_reads", default=None)


@contextmanager
def access_log_deferred(reads: RequestReads) -> Iterator[RequestReads]:
    """Inside the block (the request's transaction), ``access_log_record*`` queue their
    rows on ``reads`` instead of appending them."""
    token = _request_reads.set(reads)
    try:
        yield reads
    finally:
        _request_reads.reset(token)


def access_log_flush(reads: RequestReads) -> int:
    """Append the queued rows, in the caller's transaction (the request's, about to commit):
    one append per reader, in the order read. Returns how many rows were appended."""
    queued = list(reads.queued)
    by_reader: dict[str, list[AccessLogEntry]] = {}
    for row in queued:
        by_reader.setdefault(row.username, []).append(row)
    for rows in by_reader.values():
        _append(rows)
    reads.written.extend(queued)  # a failed append leaves them queued (rewritten if need be)
    del reads.queued[: len(queued)]
    return len(queued)


def access_log_rewrite(reads: RequestReads) -> int:
    """After the request's transaction was lost with part of its answer already sent (a
    streamed export that failed midway): write its rows again, as read at the time they
    were read, in a transaction of their own. Returns how many."""
    again = [
        AccessLogEntry(
            accessed_at=row.accessed_at,
            user_id=row.user_id,
            username=row.username,
            patient_id=row.patient_id,
            what=row.what,
            workstation=row.workstation,
            channel=row.channel,
        )
        for row in [*reads.written, *reads.queued]
    ]
    reads.written, reads.queued = [], []
    by_reader: dict[str, list[AccessLogEntry]] = {}
    for row in again:
        by_reader.setdefault(row.username, []).append(row)
    with transaction.atomic():
        for rows in by_reader.values():
            _append(rows)
    return len(again)
