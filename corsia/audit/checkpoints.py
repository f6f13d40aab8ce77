"""Taking and checking the signed checkpoints of the audit chains (domain/checkpoint.py).

Checkpoints are appended, one JSON object per line, to ``checkpoints.jsonl`` in
``CORSIA_AUDIT_CHECKPOINT_DIR``: a directory the hospital places where the database role
cannot write (another disk, a write-once share). They are taken by the worker every 15
minutes (``corsia.audit.tasks``) and by ``manage.py audit_checkpoint``; ``audit_verify``
checks them. One line per segment of each table: the legacy segment (the rows written
before ADR 0012) and every shard with rows.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from corsia.audit.domain.checkpoint import (
    Checkpoint,
    CheckpointProblem,
    Head,
    SealedCheckpoint,
    check,
)
from corsia.audit.keys import audit_key
from corsia.audit.models import AccessLogEntry, AuditEvent

CHAINS: dict[str, type[AuditEvent] | type[AccessLogEntry]] = {
    AuditEvent._meta.db_table: AuditEvent,
    AccessLogEntry._meta.db_table: AccessLogEntry,
}
FILENAME = "checkpoints.jsonl"


def _path() -> Path:
    return Path(settings.CORSIA_AUDIT_CHECKPOINT_DIR) / FILENAME


def checkpoint_take() -> list[Checkpoint]:
    """Seal each chain's heads now — the legacy segment's (last id 0 when it is empty) and
    every shard's that has rows (ADR 0012) — and append them to the checkpoint file."""
    key, at = audit_key(), timezone.now().isoformat()
    points = []
    for table, model in CHAINS.items():
        segments: list[int | None] = [None]
        segments += list(
            model.objects.filter(shard__isnull=False)
            .values_list("shard", flat=True)
            .distinct()
            .order_by("shard")
        )
        for shard in segments:
            last_id = _last_id(model, shard)
            head = _head(table, shard, last_id) if last_id else None
            points.append(
                Checkpoint(
                    table=table,
                    last_id=last_id,
                    entries=head[1] if head else 0,
                    head_hash=head[0] if head else "",
                    at=at,
                    shard=shard,
                )
            )
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(_line(point, key), sort_keys=True) + "\n" for point in points)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, lines.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return points


def _line(point: Checkpoint, key: bytes) -> dict[str, object]:
    fields = dict(point.__dict__)
    if point.shard is None:
        del fields["shard"]  # the line of the legacy segment, as written before ADR 0012
    return {"checkpoint": fields, "mac": point.seal(key)}


def checkpoints_read() -> list[SealedCheckpoint]:
    """Every checkpoint in the file; a line that cannot be read is a checkpoint with no seal."""
    path = _path()
    if not path.exists():
        return []
    sealed = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            point = Checkpoint(**data["checkpoint"])
            sealed.append(SealedCheckpoint(point, str(data["mac"])))
        except (ValueError, TypeError, KeyError):
            unreadable = Checkpoint(
                table=f"line {number}", last_id=-1, entries=0, head_hash="", at=""
            )
            sealed.append(SealedCheckpoint(unreadable, ""))
    return sealed


def _segment_rows(
    model: type[AuditEvent] | type[AccessLogEntry], shard: int | None
) -> QuerySet[AuditEvent] | QuerySet[AccessLogEntry]:
    if shard is None:
        return model.objects.filter(shard__isnull=True)
    return model.objects.filter(shard=shard)


def _last_id(model: type[AuditEvent] | type[AccessLogEntry], shard: int | None) -> int:
    """The segment's last id, 0 when it has no row."""
    return last_id_query(model, shard).first() or 0


def last_id_query(
    model: type[AuditEvent] | type[AccessLogEntry], shard: int | None
) -> QuerySet[AuditEvent, int] | QuerySet[AccessLogEntry, int]:
    """The ids of a segment, the last first, read by one descent of an index.

    Not ``Max("id")`` filtered by ``shard = n``: PostgreSQL answers it by walking the
    primary key backwards and filtering on the shard, so a shard with few rows costs a scan
    of the whole log — the trap migration 0006 fixed in ``audit_chain_lock_heads`` (issue
    27). The shard as a range with the order on (shard, id) is read from the (shard, id)
    index; the legacy rows from their own partial index on id."""
    if shard is None:
        rows = model.objects.filter(shard__isnull=True).order_by("-id")
    else:
        rows = model.objects.filter(shard__gte=shard, shard__lte=shard).order_by("-shard", "-id")
    return rows.values_list("id", flat=True)


def _head(table: str, shard: int | None, last_id: int) -> Head:
    """The row ``last_id`` of that segment (the legacy rows, or one shard): its hash and
    how many rows of the segment there are up to it."""
    model = CHAINS.get(table)
    if model is None:
        return None
    rows = _segment_rows(model, shard)
    row_hash = rows.filter(id=last_id).values_list("hash", flat=True).first()
    if row_hash is None:
        return None
    return str(row_hash), rows.filter(id__lte=last_id).count()


def checkpoint_problems() -> list[CheckpointProblem]:
    """Every checkpoint taken so far, checked against the tables as they are now."""
    return check(checkpoints_read(), audit_key(), _head)
