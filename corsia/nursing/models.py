"""The nursing record's tables: the scales (as data) and the assessments scored with them.

Persistence only. Access is governed by the named permissions of
``corsia.accounts.domain.roles`` (``nursing.view_nursing``, ``nursing.record_nursing``,
``nursing.manage_scales``), so every model has ``default_permissions = ()``. An assessment
is written once: the database refuses its UPDATE and DELETE (but the patient merge's
re-pointing, ``corsia/core/triggers.py``); a correction is a new assessment that
``supersedes`` it, with a reason. A scale's definition is frozen once written (a new
version is a new row) and a scale is never deleted. Every table is tracked by
django-pghistory.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import WrittenOnceModel, correction_link
from corsia.core.triggers import read_only_movable
from corsia.nursing.domain import monitoring
from corsia.nursing.domain.scales import ScaleDefinition, definition_from_dict
from corsia.nursing.models_care import CatalogueVersion


@pghistory.track()
class Scale(CatalogueVersion):
    """One version of an assessment scale: the definition as data (``domain/scales.py``).

    ``shipped``: one of Corsia's own (``domain/catalogue.py``); else defined by the
    hospital. ``active``: offered for new assessments (an old version stays readable)."""

    name = models.CharField(_("nome"), max_length=300)
    shipped = models.BooleanField(_("fornita con Corsia"), default=False)

    class Meta:
        verbose_name = _("scala di valutazione")
        verbose_name_plural = _("scale di valutazione")
        default_permissions = ()
        ordering = ["name", "code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="nursing_scale_code_version")
        ]
        triggers = [
            pgtrigger.Protect(name="scale_no_delete", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="scale_definition_frozen",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("code", "version", "definition", "shipped"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def parsed(self) -> ScaleDefinition:
        return definition_from_dict(self.definition)


@pghistory.track()
class Assessment(models.Model):
    """A patient assessed with a scale: the answers, each item's points, the total and the
    band, as scored when written (a later version of the scale changes nothing here)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="nursing_assessments"
    )
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="assessments")
    answers = models.JSONField(_("risposte"))
    # [{"item": code, "label": ..., "answer": ..., "answer_label": ..., "points": n}, ...]
    items = models.JSONField(_("punteggio per voce"))
    total = models.IntegerField(_("punteggio"))
    band_label = models.CharField(_("fascia"), max_length=300)
    band_level = models.PositiveSmallIntegerField(_("livello della fascia"))
    assessed_at = models.DateTimeField(_("valutato il"))
    notes = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)
    supersedes = correction_link()
    correction_reason = models.TextField(_("motivo della correzione"), blank=True)

    class Meta:
        verbose_name = _("valutazione con scala")
        verbose_name_plural = _("valutazioni con scala")
        default_permissions = ()
        indexes = [
            models.Index(name="nursing_assessment_patient", fields=["patient", "-assessed_at"]),
            # the latest assessment of each scale (the care plan's suggestions), issue 27
            models.Index(
                name="nursing_assessment_scale_last",
                fields=["patient", "scale", "-assessed_at", "-id"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(supersedes=F("id")), name="nursing_assessment_not_self_superseding"
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="nursing_assessment_correction_has_reason",
            ),
        ]
        triggers = [read_only_movable()]

    def __str__(self) -> str:
        return f"{self.scale.name} {self.total} ({self.assessed_at:%d/%m/%Y %H:%M})"


class _Written(WrittenOnceModel):
    """What every written-once row of the nursing record carries: the patient and when it
    was written, besides who wrote it, where, and the version it corrects with the reason
    (``corsia.core.models.WrittenOnceModel``)."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("scritto il"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.written_at:%d/%m/%Y %H:%M}"


@pghistory.track()
class NursingAnamnesis(_Written):
    """The nursing admission and entry anamnesis, one text per Gordon pattern
    (``domain/gordon.py``); a new version supersedes the one before (reason required)."""

    admission_reason = models.TextField(_("motivo dell'ingresso"))
    patterns = models.JSONField(_("modelli funzionali"), default=dict)
    caregiver = models.CharField(_("persona di riferimento"), max_length=300, blank=True)
    aids = models.CharField(_("protesi e ausili"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("anamnesi infermieristica")
        verbose_name_plural = _("anamnesi infermieristiche")
        default_permissions = ()
        indexes = [
            models.Index(name="nursing_anamnesis_patient", fields=["patient", "-written_at"])
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="nursing_anamnesis_correction_has_reason",
            ),
        ]
        triggers = [read_only_movable()]


class NoteKind(models.TextChoices):
    DIARY = "diary", _("Diario assistenziale")
    HANDOVER = "handover", _("Consegna di turno")
    EVENT = "event", _("Evento")


@pghistory.track()
class NursingNote(_Written):
    """One entry of the care diary (diario assistenziale), written once."""

    kind = models.CharField(_("tipo"), max_length=12, choices=NoteKind.choices)
    text = models.TextField(_("testo"))

    class Meta:
        verbose_name = _("nota del diario assistenziale")
        verbose_name_plural = _("note del diario assistenziale")
        default_permissions = ()
        indexes = [models.Index(name="nursing_note_patient", fields=["patient", "-written_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="nursing_note_correction_has_reason",
            ),
        ]
        triggers = [read_only_movable()]


@pghistory.track()
class MonitoringEntry(_Written):
    """One monitored value (``domain/monitoring.py``: fluid balance, elimination, glycaemia),
    written once; ``written_at`` is when it was measured."""

    parameter = models.CharField(_("parametro"), max_length=30)
    value = models.DecimalField(_("valore"), max_digits=8, decimal_places=1)
    note = models.CharField(_("nota"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("monitoraggio")
        verbose_name_plural = _("monitoraggi")
        default_permissions = ()
        indexes = [
            models.Index(name="nursing_monitoring_patient", fields=["patient", "-written_at"])
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="nursing_monitoring_correction_has_reason",
            ),
        ]
        triggers = [read_only_movable()]

    @property
    def parameter_label(self) -> str:
        spec = monitoring.parameter(self.parameter)
        return f"{spec.label} ({spec.unit})" if spec is not None else self.parameter


from corsia.nursing.models_care import (  # noqa: E402  (the nursing process's tables)
    CareEvaluation,
    CareGoal,
    CareIntervention,
    CareProblem,
    CareTemplate,
    Decision,
    GoalStatus,
    InterventionRecord,
    NursingDischarge,
    Outcome,
    ProblemStatus,
)

__all__ = [
    "Assessment",
    "CareEvaluation",
    "CareGoal",
    "CareIntervention",
    "CareProblem",
    "CareTemplate",
    "Decision",
    "GoalStatus",
    "InterventionRecord",
    "MonitoringEntry",
    "NoteKind",
    "NursingAnamnesis",
    "NursingDischarge",
    "NursingNote",
    "Outcome",
    "ProblemStatus",
    "Scale",
]
