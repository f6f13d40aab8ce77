"""Shared base models: timestamps and the optimistic version counter."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from corsia.core.domain.concurrency import LastChange, ensure_current


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """An editable record guarded by optimistic concurrency.

    Services lock the row (``select_for_update``), call :meth:`check_version` with
    the version the user's form was built from, then :meth:`bump` before saving.
    """

    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    def check_version(self, expected_version: int) -> None:
        by = self.updated_by.get_full_name() or self.updated_by.username if self.updated_by else "—"
        ensure_current(
            expected_version=expected_version,
            current=LastChange(version=self.version, by=by, at=self.updated_at),
        )

    def bump(self, *, by: Any) -> list[str]:
        """Advance version and stamp; returns the fields to add to ``update_fields``."""
        self.version += 1
        self.updated_at = timezone.now()
        self.updated_by = by
        return ["version", "updated_at", "updated_by"]
