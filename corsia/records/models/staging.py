"""Structured staging and prognostic scores of the medical record."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.records.models.chart import (
    Diagnosis,
    _read_only,
)

# --- structured staging and prognostic scores (issue 15) ----------------------------------------


class StagingCriterionChoice(models.TextChoices):
    CLINICAL = "clinical", _("clinico (c)")
    PATHOLOGICAL = "pathological", _("patologico (p)")


@pghistory.track()
class DiagnosisStaging(models.Model):
    """One signed staging of a diagnosis: the system, the inputs as entered, the stage the
    domain computed from them (``domain/staging/catalogue.py``) and its reference. Written
    once; a restaging is the next ``number`` of the diagnosis (the highest is current)."""

    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.PROTECT, related_name="stagings")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("versione"))
    system = models.CharField(_("sistema di stadiazione"), max_length=40)
    criterion = models.CharField(
        _("criterio di stadiazione"), max_length=12, choices=StagingCriterionChoice.choices
    )
    inputs = models.JSONField(_("dati di ingresso"))
    stage = models.CharField(_("stadio"), max_length=20)
    stage_label = models.CharField(_("descrizione dello stadio"), max_length=200)
    categories = models.CharField(_("categorie"), max_length=300, blank=True)
    reference = models.CharField(_("riferimento"), max_length=120)
    staged_on = models.DateField(_("data della stadiazione"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    signed_at = models.DateTimeField(_("firmata il"), default=timezone.now)

    class Meta:
        verbose_name = _("stadiazione")
        verbose_name_plural = _("stadiazioni")
        default_permissions = ()
        indexes = [models.Index(name="staging_by_patient", fields=["patient", "-signed_at"])]
        constraints = [
            models.UniqueConstraint(fields=["diagnosis", "number"], name="staging_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="staging_number_positive"),
            models.CheckConstraint(
                condition=Q(criterion__in=["clinical", "pathological"]),
                name="staging_criterion_known",
            ),
            models.CheckConstraint(condition=~Q(stage=""), name="staging_stage_computed"),
        ]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.system} {self.stage} v{self.number}"


@pghistory.track()
class PrognosticAssessment(models.Model):
    """One prognostic score computed from its inputs by the domain
    (``domain/prognosis/catalogue.py``): inputs, value, risk group, the points of each
    factor and the published reference. Written once."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="prognostic_assessments"
    )
    diagnosis = models.ForeignKey(
        Diagnosis, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.CharField(_("punteggio"), max_length=20)
    inputs = models.JSONField(_("dati di ingresso"))
    value = models.DecimalField(_("valore"), max_digits=9, decimal_places=4)
    risk_group = models.CharField(_("gruppo di rischio"), max_length=40)
    risk_group_label = models.CharField(_("gruppo di rischio (descrizione)"), max_length=200)
    points = models.JSONField(_("punti per fattore"), default=list)
    reference = models.CharField(_("riferimento"), max_length=120)
    citation = models.TextField(_("citazione"))
    assessed_on = models.DateField(_("valutato il"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)

    class Meta:
        verbose_name = _("punteggio prognostico")
        verbose_name_plural = _("punteggi prognostici")
        default_permissions = ()
        indexes = [models.Index(name="score_by_patient", fields=["patient", "-assessed_on"])]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.score} {self.value}"
