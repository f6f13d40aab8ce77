"""Append-only audit tables: typed business events and the access log of reads.

Each row carries ``prev_hash`` and ``hash`` (HMAC-SHA256 over the previous hash and the
row's canonical payload, ADR 0006), so any edit or deletion breaks the chain. Since ADR
0012 each table holds one chain per shard (``shard``, a stable hash of the actor), whose
rows also seal the last row of every other shard they saw (``anchors``); the rows written
before have ``shard`` NULL: the legacy segment, the single chain it was.
"""

from __future__ import annotations

from typing import Any

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

# TRUNCATE skips row triggers: a statement trigger refuses it (pgtrigger's Protect has no
# statement-level TRUNCATE, hence a plain trigger).
NO_TRUNCATE = pgtrigger.Trigger(
    name="no_truncate",
    operation=pgtrigger.Truncate,
    level=pgtrigger.Statement,
    when=pgtrigger.Before,
    func="RAISE EXCEPTION 'audit tables are append-only: TRUNCATE refused'; RETURN NULL;",
)


def _shard_indexes(prefix: str) -> list[models.Index]:
    """Each shard's head (its last id) and the legacy segment's head, found by index."""
    return [
        models.Index(fields=["shard", "id"], name=f"audit_{prefix}_shard_id"),
        models.Index(
            fields=["id"], name=f"audit_{prefix}_legacy_id", condition=models.Q(shard__isnull=True)
        ),
    ]


class AuditEvent(models.Model):
    event_type = models.CharField(max_length=64, db_index=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    workstation = models.CharField(max_length=200, blank=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    patient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # ADR 0012: the row's chain (NULL: the legacy single chain) and, per shard, the id of
    # the last row of that shard it saw committed (0: none, or its own shard)
    shard = models.SmallIntegerField(null=True, blank=True)
    anchors = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = _shard_indexes("auditevent")
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            NO_TRUNCATE,
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.target_type}:{self.target_id} by {self.actor_username}"

    def payload(self) -> dict[str, Any]:
        return {
            "event_type": self.event_type,
            "occurred_at": self.occurred_at.isoformat(),
            "actor": self.actor_username,
            "workstation": self.workstation,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "patient_id": self.patient_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
        }


class AccessLogEntry(models.Model):
    """One read of a patient's data: who, which patient, what was viewed, when, where."""

    accessed_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150)
    patient_id = models.BigIntegerField()  # indexed with the id (Meta): one patient's reads
    what = models.CharField(max_length=200)
    workstation = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=10, default="web")  # web | api | fhir
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # ADR 0012: the row's chain (NULL: the legacy single chain) and, per shard, the id of
    # the last row of that shard it saw committed (0: none, or its own shard)
    shard = models.SmallIntegerField(null=True, blank=True)
    anchors = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            *_shard_indexes("accesslog"),
            # the log searched by patient or by user, the newest first, page by page (issue
            # 27): each whole for the search's ordering (the patient's replaces its own index)
            models.Index(fields=["patient_id", "id"], name="accesslog_patient_id"),
            models.Index(fields=["username", "id"], name="accesslog_username_id"),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            NO_TRUNCATE,
        ]

    def __str__(self) -> str:
        return f"{self.username} viewed {self.what} of patient {self.patient_id}"

    def payload(self) -> dict[str, Any]:
        return {
            "accessed_at": self.accessed_at.isoformat(),
            "username": self.username,
            "patient_id": self.patient_id,
            "what": self.what,
            "workstation": self.workstation,
            "channel": self.channel,
        }
