"""Reads of the audit trail: chain verification and the access-log search."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from corsia.audit.domain.chain import (
    ACCESS_CHAIN,
    EVENT_CHAIN,
    ChainBreak,
    Entry,
    verify_sharded,
)
from corsia.audit.domain.events import EventType
from corsia.audit.keys import audit_key
from corsia.audit.models import AccessLogEntry, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    """One table's chains: the legacy segment and the shards (ADR 0012), verified together."""

    table: str
    entries: int
    broken: ChainBreak | None  # the first break of the table (lowest id), if any
    legacy_entries: int = 0
    shard_entries: dict[int, int] = field(default_factory=dict)
    breaks: dict[int, ChainBreak] = field(default_factory=dict)  # segment (LEGACY: -1) → break


_CHAIN_NAMES = {AuditEvent: EVENT_CHAIN, AccessLogEntry: ACCESS_CHAIN}


def _stream(model: type[AuditEvent] | type[AccessLogEntry]) -> Iterator[Entry]:
    for row in model.objects.order_by("id").iterator(chunk_size=2000):
        yield Entry(row.pk, row.shard, row.prev_hash, row.hash, row.payload(), row.anchors)


def _lookup(model: type[AuditEvent] | type[AccessLogEntry]) -> Callable[[int, int], str | None]:
    def hash_of(shard: int, entry_id: int) -> str | None:
        found = model.objects.filter(id=entry_id, shard=shard).values_list("hash", flat=True)
        return next(iter(found), None)

    return hash_of


def chain_reports() -> list[ChainReport]:
    """Verify both tables, streaming: the legacy segment and every shard, with the anchors
    each sharded row sealed; the first break of each segment."""
    reports = []
    for model in (AuditEvent, AccessLogEntry):
        found = verify_sharded(
            _stream(model), audit_key(), chain=_CHAIN_NAMES[model], lookup=_lookup(model)
        )
        reports.append(
            ChainReport(
                table=model._meta.db_table,
                entries=found.entries,
                broken=found.first_break,
                legacy_entries=found.legacy_entries,
                shard_entries=dict(sorted(found.shard_entries.items())),
                breaks=dict(sorted(found.breaks.items())),
            )
        )
    return reports


@dataclass(frozen=True)
class AccessQuery:
    username: str = ""
    patient_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    channel: str = ""


def access_log_search(query: AccessQuery) -> QuerySet[AccessLogEntry]:
    rows = AccessLogEntry.objects.all()
    if query.username:
        rows = rows.filter(username=query.username)
    if query.patient_id is not None:
        rows = rows.filter(patient_id=query.patient_id)
    tz = timezone.get_current_timezone()
    if query.date_from:
        rows = rows.filter(accessed_at__gte=datetime.combine(query.date_from, time.min, tzinfo=tz))
    if query.date_to:
        rows = rows.filter(accessed_at__lte=datetime.combine(query.date_to, time.max, tzinfo=tz))
    if query.channel:
        rows = rows.filter(channel=query.channel)
    return rows.order_by("-id")


def event_actor_ids(*, target: Model, events: Iterable[EventType]) -> set[int]:
    """The people (user ids) who wrote any of these events on ``target`` — e.g. every author
    of an order, whom an independent check may not be. Events without a person are left out."""
    return {
        pk
        for pk in AuditEvent.objects.filter(
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            event_type__in=[e.code for e in events],
        ).values_list("actor_id", flat=True)
        if pk is not None
    }


@dataclass(frozen=True)
class EventRecord:
    """One audit event as another module reads it (its own events: what it wrote)."""

    event_id: int
    event_type: str
    occurred_at: datetime
    actor_id: int | None
    actor_username: str
    workstation: str
    patient_id: int | None
    after: dict[str, Any]


def events_of_type(*, event: EventType, limit: int = 200) -> list[EventRecord]:
    """The latest ``limit`` events of one type, newest first — e.g. a module's own
    refusals it shows for someone to act on. Checks no permission: the caller's page does."""
    rows = AuditEvent.objects.filter(event_type=event.code).order_by("-occurred_at", "-id")
    return [
        EventRecord(
            event_id=row.pk,
            event_type=row.event_type,
            occurred_at=row.occurred_at,
            actor_id=row.actor_id,
            actor_username=row.actor_username,
            workstation=row.workstation,
            patient_id=row.patient_id,
            after=dict(row.after or {}),
        )
        for row in rows[:limit]
    ]
