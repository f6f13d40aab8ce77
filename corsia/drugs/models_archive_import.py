"""Staged archive updates from AIFA open data: the import, its proposed changes, the
provenance of every field it changed, and the shortages it recorded.

An import is reviewed before anything changes: uploaded → diffed → approved / rejected →
applied (``domain/aifa_open``; services in ``services_archive_import``). Nothing here is
deleted: an import is rejected with a reason, a withdrawn pack is marked withdrawn.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import VersionedModel


class ArchiveImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("caricato")
    DIFFED = "diffed", _("da rivedere")
    APPROVED = "approved", _("approvato")
    REJECTED = "rejected", _("rifiutato")
    APPLIED = "applied", _("applicato")
    FAILED = "failed", _("illeggibile")


class ArchiveImportKind(models.TextChoices):
    CLASS_A = "class_a", _("Lista farmaci di classe A (AIFA)")
    CLASS_H = "class_h", _("Lista farmaci di classe H (AIFA)")
    TRANSPARENCY = "transparency", _("Lista di trasparenza (AIFA)")
    SHORTAGES = "shortages", _("Elenco dei medicinali carenti (AIFA)")


class ArchiveImport(VersionedModel):
    """One AIFA file staged for review, with its progress counters."""

    kind = models.CharField(_("tipo di file"), max_length=16, choices=ArchiveImportKind.choices)
    status = models.CharField(
        _("stato"),
        max_length=10,
        choices=ArchiveImportStatus.choices,
        default=ArchiveImportStatus.UPLOADED,
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_date = models.DateField(_("data del file"))
    source = models.CharField(_("fonte"), max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    applied_changes = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)  # [{"line", "code", "message"}]
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("aggiornamento dell'archivio")
        verbose_name_plural = _("aggiornamenti dell'archivio")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "status"], name="drugs_archimp_kind_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("total_rows")),
                name="drugs_archimp_progress_le_total",
            ),
        ]
        triggers = [pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_kind_display()})"


class ChangeDecision(models.TextChoices):
    PENDING = "pending", _("da decidere")
    APPROVED = "approved", _("approvata")
    REJECTED = "rejected", _("rifiutata")


class ArchiveChange(models.Model):
    """One proposed change of an import: a new pack, a withdrawn pack, a changed field, a
    shortage started or ended."""

    archive_import = models.ForeignKey(
        ArchiveImport, on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField(max_length=20)
    aic = models.CharField(_("codice AIC"), max_length=9)
    line = models.PositiveIntegerField(null=True, blank=True)
    field = models.CharField(max_length=40, blank=True)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    decision = models.CharField(
        max_length=10, choices=ChangeDecision.choices, default=ChangeDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    applied = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "aic", "field"]
        indexes = [
            models.Index(fields=["archive_import", "kind"], name="drugs_archchg_import_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["archive_import", "kind", "aic", "field"], name="drugs_archchg_unique"
            ),
        ]
        triggers = [pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.kind} {self.aic} {self.field}".strip()


class PackProvenance(models.Model):
    """Where a pack's field got its value: the file, its date and the import (append-only)."""

    pack = models.ForeignKey("drugs.Pack", on_delete=models.PROTECT, related_name="provenance")
    field = models.CharField(max_length=40)
    value = models.TextField(blank=True)
    source_file = models.CharField(max_length=255)
    source_date = models.DateField()
    archive_import = models.ForeignKey(
        ArchiveImport, on_delete=models.PROTECT, related_name="provenance"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "field"]
        indexes = [models.Index(fields=["pack", "field"], name="drugs_packprov_pack_field")]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.field} ← {self.source_file} ({self.source_date})"


class PackShortage(models.Model):
    """A shortage of a pack as AIFA lists it (Elenco dei medicinali carenti)."""

    pack = models.ForeignKey("drugs.Pack", on_delete=models.PROTECT, related_name="shortages")
    started_on = models.DateField(_("inizio"))
    expected_end_on = models.DateField(_("fine presunta"), null=True, blank=True)
    ended_on = models.DateField(_("fine"), null=True, blank=True)
    reason = models.TextField(_("motivazione"), blank=True)
    equivalent_available = models.BooleanField(null=True, blank=True)
    aifa_suggestion = models.TextField(_("suggerimenti AIFA"), blank=True)
    started_by_import = models.ForeignKey(ArchiveImport, on_delete=models.PROTECT, related_name="+")
    ended_by_import = models.ForeignKey(
        ArchiveImport, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["pack"],
                condition=models.Q(ended_on__isnull=True),
                name="drugs_shortage_one_open_per_pack",
            ),
        ]
        triggers = [pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"carenza dal {self.started_on}"
