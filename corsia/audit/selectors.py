"""Reads of the audit trail: chain verification and the access-log search."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from corsia.audit.domain.chain import ChainBreak, verify
from corsia.audit.domain.events import EventType
from corsia.audit.keys import audit_key
from corsia.audit.models import AccessLogEntry, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    table: str
    entries: int
    broken: ChainBreak | None


def _stream(
    model: type[AuditEvent] | type[AccessLogEntry],
) -> Iterator[tuple[int, str, str, dict[str, Any]]]:
    for row in model.objects.order_by("id").iterator(chunk_size=2000):
        yield row.pk, row.prev_hash, row.hash, row.payload()


def chain_reports() -> list[ChainReport]:
    """Verify both hash chains, streaming; the first broken link of each, if any."""
    reports = []
    for model in (AuditEvent, AccessLogEntry):
        seen = 0

        def counted(
            rows: Iterator[tuple[int, str, str, dict[str, Any]]],
        ) -> Iterator[tuple[int, str, str, dict[str, Any]]]:
            nonlocal seen
            for row in rows:
                seen += 1
                yield row

        broken = verify(counted(_stream(model)), audit_key())
        reports.append(ChainReport(table=model._meta.db_table, entries=seen, broken=broken))
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
