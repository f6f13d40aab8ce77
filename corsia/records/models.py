"""The medical record's own data (persistence only; rules in ``domain/``).

Access is governed by the named permissions of ``corsia.accounts.domain.roles``
(``records.view_chart``, ``records.write_diary``, ``records.record_vitals``), so every
model has ``default_permissions = ()``. A diary entry is signed when it is saved and is
never changed again, by any path: a database trigger refuses UPDATE and DELETE; a
correction is a new entry that ``supersedes`` it. Vital signs are written once too.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.records.domain.diary import KIND_LABELS_IT, EntryKind


class DiaryKind(models.TextChoices):
    VISIT = EntryKind.VISIT.value, KIND_LABELS_IT[EntryKind.VISIT]
    WARD_ROUND = EntryKind.WARD_ROUND.value, KIND_LABELS_IT[EntryKind.WARD_ROUND]
    PHYSICAL_EXAM = EntryKind.PHYSICAL_EXAM.value, KIND_LABELS_IT[EntryKind.PHYSICAL_EXAM]
    CONSULT = EntryKind.CONSULT.value, KIND_LABELS_IT[EntryKind.CONSULT]
    NOTE = EntryKind.NOTE.value, KIND_LABELS_IT[EntryKind.NOTE]


def _read_only() -> pgtrigger.Protect:
    """The database refuses any UPDATE or DELETE of the row (signed, written once)."""
    return pgtrigger.Protect(name="read_only", operation=pgtrigger.Update | pgtrigger.Delete)


@pghistory.track()
class DiaryEntry(models.Model):
    """One signed entry of the daily clinical diary (diaria)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="diary_entries"
    )
    # The encounter in progress when it was written (none for an outpatient note).
    encounter = models.ForeignKey(
        "patients.Encounter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="diary_entries",
    )
    kind = models.CharField(_("tipo"), max_length=16, choices=DiaryKind.choices)
    text = models.TextField(_("testo"))
    written_at = models.DateTimeField(_("data e ora"), default=timezone.now)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    signed_at = models.DateTimeField(_("firmata il"), default=timezone.now)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("corregge"),
    )
    correction_reason = models.TextField(_("motivo della correzione"), blank=True)

    class Meta:
        verbose_name = _("annotazione del diario clinico")
        verbose_name_plural = _("annotazioni del diario clinico")
        default_permissions = ()
        indexes = [models.Index(name="diary_by_patient", fields=["patient", "-written_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(supersedes=F("id")), name="diary_not_self_superseding"
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="diary_correction_has_reason",
            ),
        ]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.written_at:%d/%m/%Y %H:%M}"

    @property
    def is_superseded(self) -> bool:
        """Whether a correction replaced this entry (one query)."""
        return DiaryEntry.objects.filter(supersedes=self).exists()
