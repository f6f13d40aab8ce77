"""Taking and checking the signed checkpoints of the audit chains (domain/checkpoint.py).

Checkpoints are appended, one JSON object per line, to ``checkpoints.jsonl`` in
``CORSIA_AUDIT_CHECKPOINT_DIR``: a directory the hospital places where the database role
cannot write (another disk, a write-once share). They are taken by the worker every 15
minutes (``corsia.audit.tasks``) and by ``manage.py audit_checkpoint``; ``audit_verify``
checks them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.db.models import Max
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
    """Seal each chain's head now and append it to the checkpoint file (fsync'd)."""
    key, at = audit_key(), timezone.now().isoformat()
    points = []
    for table, model in CHAINS.items():
        last_id = model.objects.aggregate(last=Max("id"))["last"] or 0
        head = _head(table, last_id) if last_id else None
        points.append(
            Checkpoint(
                table=table,
                last_id=last_id,
                entries=head[1] if head else 0,
                head_hash=head[0] if head else "",
                at=at,
            )
        )
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(
        json.dumps({"checkpoint": point.__dict__, "mac": point.seal(key)}, sort_keys=True) + "\n"
        for point in points
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, lines.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return points


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


def _head(table: str, last_id: int) -> Head:
    model = CHAINS.get(table)
    if model is None:
        return None
    row_hash = model.objects.filter(id=last_id).values_list("hash", flat=True).first()
    if row_hash is None:
        return None
    return str(row_hash), model.objects.filter(id__lte=last_id).count()


def checkpoint_problems() -> list[CheckpointProblem]:
    """Every checkpoint taken so far, checked against the tables as they are now."""
    return check(checkpoints_read(), audit_key(), _head)
