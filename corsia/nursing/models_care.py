"""The nursing process's tables (re-exported by ``models.py``): the ward's care-plan
templates (frozen versions), and per patient the problems with their goals and planned
interventions (edited with a version number, never deleted), the interventions done or not
done, the evaluations and the nursing discharge (written once)."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import TimeStampedModel
from corsia.core.triggers import read_only_movable


def _no_delete() -> pgtrigger.Protect:
    return pgtrigger.Protect(name="no_delete", operation=pgtrigger.Delete)


class CatalogueVersion(TimeStampedModel):
    """What a version of the ward's catalogue (a scale, a care-plan template) carries: its
    code and version, the definition as data, whether it is offered, who defined it where
    (none: shipped with Corsia)."""

    code = models.CharField(_("codice"), max_length=40)
    version = models.CharField(_("versione"), max_length=20)
    definition = models.JSONField(_("definizione"))
    active = models.BooleanField(_("in uso"), default=True)
    defined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)

    class Meta:
        abstract = True


@pghistory.track()
class CareTemplate(CatalogueVersion):
    """One version of a ward's care-plan template (``domain/care_plans.py``). A version is
    never changed (trigger): a new wording is a new version; ``active``: offered."""

    problem = models.CharField(_("problema"), max_length=500)
    pattern = models.CharField(_("modello funzionale"), max_length=40)
    shipped = models.BooleanField(_("fornito con Corsia"), default=False)

    class Meta:
        verbose_name = _("modello di piano assistenziale")
        verbose_name_plural = _("modelli di piano assistenziale")
        default_permissions = ()
        ordering = ["problem", "code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="nursing_template_version")
        ]
        triggers = [
            _no_delete(),
            pgtrigger.Protect(
                name="template_frozen",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(
                    "code", "version", "problem", "pattern", "definition", "shipped"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem} (v{self.version})"


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Aperto")
    RESOLVED = "resolved", _("Risolto")
    CLOSED = "closed", _("Chiuso senza risoluzione")
    ERROR = "error", _("Inserito per errore")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Da raggiungere")
    MET = "met", _("Raggiunto")
    PARTIAL = "partial", _("Raggiunto in parte")
    NOT_MET = "not_met", _("Non raggiunto")
    WITHDRAWN = "withdrawn", _("Ritirato")


@pghistory.track()
class CareProblem(models.Model):
    """A nursing problem of the patient's stay, in the ward's words (from a template version
    or written by the nurse), on a Gordon pattern. ``version`` grows with each change."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    encounter_id = models.IntegerField(_("ricovero"), null=True, blank=True)
    template = models.ForeignKey(
        CareTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="problems"
    )
    pattern = models.CharField(_("modello funzionale"), max_length=40)
    wording = models.CharField(_("problema"), max_length=500)
    status = models.CharField(
        _("stato"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    status_reason = models.TextField(_("motivo"), blank=True)
    plan_start = models.DateField(_("inizio del piano"))
    opened_at = models.DateTimeField(_("aperto il"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    closed_at = models.DateTimeField(_("chiuso il"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versione"), default=1)

    class Meta:
        verbose_name = _("problema assistenziale")
        verbose_name_plural = _("problemi assistenziali")
        default_permissions = ()
        indexes = [models.Index(name="nursing_problem_patient", fields=["patient", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(status_reason=""),
                name="nursing_problem_closed_has_reason",
            )
        ]
        triggers = [_no_delete()]

    def __str__(self) -> str:
        return self.wording


@pghistory.track()
class CareGoal(models.Model):
    """A measurable goal of a problem with its target date; its status is set by an
    evaluation. Edited with ``version``; withdrawn, never deleted."""

    problem = models.ForeignKey(CareProblem, on_delete=models.PROTECT, related_name="goals")
    text = models.CharField(_("obiettivo"), max_length=500)
    target_date = models.DateField(_("entro il"))
    status = models.CharField(
        _("stato"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )
    version = models.PositiveIntegerField(_("versione"), default=1)

    class Meta:
        verbose_name = _("obiettivo assistenziale")
        verbose_name_plural = _("obiettivi assistenziali")
        default_permissions = ()
        ordering = ["target_date", "pk"]
        triggers = [_no_delete()]

    def __str__(self) -> str:
        return self.text


@pghistory.track()
class CareIntervention(models.Model):
    """A planned intervention: due each day at ``times`` (none: when needed); stopped,
    never deleted."""

    problem = models.ForeignKey(CareProblem, on_delete=models.PROTECT, related_name="interventions")
    text = models.CharField(_("intervento"), max_length=500)
    times = models.JSONField(_("orari"), default=list)
    active = models.BooleanField(_("in corso"), default=True)
    version = models.PositiveIntegerField(_("versione"), default=1)

    class Meta:
        verbose_name = _("intervento pianificato")
        verbose_name_plural = _("interventi pianificati")
        default_permissions = ()
        ordering = ["pk"]
        triggers = [_no_delete()]

    def __str__(self) -> str:
        return self.text


class _Done(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.recorded_at:%d/%m/%Y %H:%M}"


@pghistory.track()
class InterventionRecord(_Done):
    """An intervention done, or not done with the reason, at a time (the slot it was due
    in, if any): written once."""

    intervention = models.ForeignKey(
        CareIntervention, on_delete=models.PROTECT, related_name="records"
    )
    due_at = models.DateTimeField(_("previsto alle"), null=True, blank=True)
    performed_at = models.DateTimeField(_("eseguito alle"))
    done = models.BooleanField(_("eseguito"))
    reason_not_done = models.CharField(
        _("motivo della mancata esecuzione"), max_length=500, blank=True
    )
    note = models.CharField(_("nota"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("intervento registrato")
        verbose_name_plural = _("interventi registrati")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(done=True) | ~Q(reason_not_done=""),
                name="nursing_intervention_not_done_has_reason",
            )
        ]
        triggers = [read_only_movable()]


class Outcome(models.TextChoices):
    MET = "met", _("Raggiunto")
    PARTIAL = "partial", _("Raggiunto in parte")
    NOT_MET = "not_met", _("Non raggiunto")


class Decision(models.TextChoices):
    CONTINUE = "continue", _("Continuare il piano")
    REVISE = "revise", _("Rivedere il piano")
    RESOLVE = "resolve", _("Problema risolto: chiudere")


@pghistory.track()
class CareEvaluation(_Done):
    """The evaluation of a goal: met, partly, not met, with a note and the decision
    (continue, revise, the problem resolved). Written once."""

    problem = models.ForeignKey(CareProblem, on_delete=models.PROTECT, related_name="evaluations")
    goal = models.ForeignKey(CareGoal, on_delete=models.PROTECT, related_name="evaluations")
    outcome = models.CharField(_("esito"), max_length=10, choices=Outcome.choices)
    decision = models.CharField(_("decisione"), max_length=10, choices=Decision.choices)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("valutazione dell'obiettivo")
        verbose_name_plural = _("valutazioni degli obiettivi")
        default_permissions = ()
        triggers = [read_only_movable()]


@pghistory.track()
class NursingDischarge(_Done):
    """The nursing discharge letter for the next setting: where the patient goes, the
    summary (open problems, devices, the scales' latest values) as written. Written once."""

    encounter_id = models.IntegerField(_("ricovero"), null=True, blank=True)
    destination = models.CharField(_("destinazione"), max_length=300)
    devices = models.TextField(_("dispositivi"), blank=True)
    notes = models.TextField(_("indicazioni per la continuità"), blank=True)
    summary = models.JSONField(_("sintesi"))

    class Meta:
        verbose_name = _("dimissione infermieristica")
        verbose_name_plural = _("dimissioni infermieristiche")
        default_permissions = ()
        triggers = [read_only_movable()]
