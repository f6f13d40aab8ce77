"""Shared base models: timestamps and the optimistic version counter."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


def correction_link() -> models.OneToOneField[Any]:
    """The version a row corrects (``supersedes``; the corrected row's ``superseded_by``):
    nothing clinical is changed in place, a correction is a new row pointing at the old."""
    return models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("corregge"),
    )


class WrittenOnceModel(models.Model):
    """What a written-once clinical row carries (its table append-only by a trigger the
    concrete model declares): who wrote it, where, and the version it corrects with the
    reason (the concrete model adds the check constraint that a correction has one)."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    supersedes = correction_link()
    correction_reason = models.TextField(_("motivo della correzione"), blank=True)

    class Meta:
        abstract = True
