"""The treatment course: lines and cycles, plan items, re-evaluations, home therapy, appointments."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import VersionedModel
from corsia.core.triggers import frozen_when_movable
from corsia.records.domain import course as _course
from corsia.records.models.chart import (
    _choices,
    _read_only,
)

# === Treatment course (issue 15): lines and cycles, plan items, re-evaluations, home therapy,
# === appointments. Rules in domain/course.py and domain/response.py.


@pghistory.track()
class TreatmentLine(VersionedModel):
    """A line of therapy: its number and intent, the regimen of the library (or, for a line
    given elsewhere, its description), the cycles planned, when it started and why it
    ended. Once closed (``ended_on`` set) the row is read-only: a database trigger refuses
    any UPDATE, and DELETE always."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="treatment_lines"
    )
    number = models.PositiveSmallIntegerField(_("linea"))
    intent = models.CharField(
        _("finalità"), max_length=24, choices=_choices(_course.INTENT_LABELS_IT)
    )
    regimen_version = models.ForeignKey(
        "regimens.RegimenVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("schema"),
    )
    # what the line was called when it started (the library's code and name, or the
    # description of a regimen given elsewhere): the chart reads it without the library
    regimen_code = models.CharField(_("codice dello schema"), max_length=40, blank=True)
    regimen_name = models.CharField(_("schema"), max_length=200)
    planned_cycles = models.PositiveSmallIntegerField(_("cicli pianificati"), null=True)
    started_on = models.DateField(_("inizio"))
    ended_on = models.DateField(_("fine"), null=True, blank=True)
    end_reason = models.CharField(
        _("motivo della fine"),
        max_length=24,
        choices=_choices(_course.END_REASON_LABELS_IT),
        blank=True,
    )
    end_note = models.TextField(_("note sulla fine"), blank=True)
    notes = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)

    class Meta:
        verbose_name = _("linea di terapia")
        verbose_name_plural = _("linee di terapia")
        default_permissions = ()
        indexes = [models.Index(name="line_by_patient", fields=["patient", "-started_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(number__range=(1, 20)), name="line_number_range"),
            models.CheckConstraint(
                condition=Q(planned_cycles__isnull=True) | Q(planned_cycles__range=(1, 99)),
                name="line_planned_cycles_range",
            ),
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(end_reason="") & Q(closed_at__isnull=True))
                | (
                    Q(ended_on__isnull=False)
                    & ~Q(end_reason="")
                    & Q(closed_at__isnull=False)
                    & Q(ended_on__gte=F("started_on"))
                ),
                name="line_closed_consistently",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="line_no_delete", operation=pgtrigger.Delete),
            frozen_when_movable("closed_line_read_only", "OLD.closed_at IS NOT NULL"),
        ]

    def __str__(self) -> str:
        return f"linea {self.number} {self.regimen_name}"

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@pghistory.track()
class TreatmentLineOrder(models.Model):
    """An order of prescribing given as part of a line (written once; one line per order).
    Only the id is used here: the order is read through prescribing's selectors."""

    line = models.ForeignKey(TreatmentLine, on_delete=models.PROTECT, related_name="order_links")
    order = models.OneToOneField(
        "prescribing.TherapyOrder", on_delete=models.PROTECT, related_name="+"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("collegata il"), default=timezone.now)

    class Meta:
        verbose_name = _("prescrizione della linea")
        verbose_name_plural = _("prescrizioni della linea")
        default_permissions = ()
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"linea {self.line_id} ← prescrizione {self.order_id}"


@pghistory.track()
class TreatmentPlanItem(models.Model):
    """Surgery or radiotherapy in the treatment plan, with its date (written once)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="treatment_plan_items"
    )
    line = models.ForeignKey(
        TreatmentLine, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_items"
    )
    kind = models.CharField(_("tipo"), max_length=16, choices=_choices(_course.PLAN_ITEM_LABELS_IT))
    performed_on = models.DateField(_("data"))
    description = models.TextField(_("descrizione"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)

    class Meta:
        verbose_name = _("chirurgia o radioterapia")
        verbose_name_plural = _("chirurgie e radioterapie")
        default_permissions = ()
        indexes = [models.Index(name="plan_item_by_patient", fields=["patient", "-performed_on"])]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.performed_on:%d/%m/%Y}"


@pghistory.track()
class ResponseEvaluation(models.Model):
    """A re-evaluation of a line (or its baseline): the lesions measured and the response
    computed from them (RECIST 1.1 or Lugano 2014), signed and written once."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="response_evaluations"
    )
    line = models.ForeignKey(TreatmentLine, on_delete=models.PROTECT, related_name="evaluations")
    evaluated_on = models.DateField(_("data dell'esame"))
    method = models.CharField(
        _("metodica"), max_length=16, choices=_choices(_course.METHOD_LABELS_IT)
    )
    criteria = models.CharField(
        _("criteri"), max_length=16, choices=_choices(_course.CRITERIA_LABELS_IT)
    )
    baseline = models.BooleanField(_("basale"), default=False)
    # [{"lesion_id", "organ", "lymph_node", "mm"}] at baseline; [{"lesion_id", "mm"}] later
    # (mm as a string, null when not measured)
    target_lesions = models.JSONField(_("lesioni target"), default=list, blank=True)
    non_target_sites = models.JSONField(_("lesioni non target"), default=list, blank=True)
    non_target_response = models.CharField(_("risposta non target"), max_length=16, blank=True)
    new_lesions = models.JSONField(_("lesioni nuove"), default=list, blank=True)
    deauville = models.PositiveSmallIntegerField(_("Deauville"), null=True, blank=True)
    marrow = models.CharField(_("midollo osseo"), max_length=32, blank=True)
    uptake_vs_baseline = models.CharField(
        _("captazione rispetto al basale"), max_length=16, blank=True
    )
    sum_mm = models.DecimalField(_("somma (mm)"), max_digits=6, decimal_places=1, null=True)
    baseline_sum_mm = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    nadir_sum_mm = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    change_from_baseline_pct = models.DecimalField(max_digits=7, decimal_places=1, null=True)
    change_from_nadir_pct = models.DecimalField(max_digits=7, decimal_places=1, null=True)
    target_response = models.CharField(_("risposta target"), max_length=16, blank=True)
    response = models.CharField(_("risposta"), max_length=16, blank=True)  # empty at baseline
    response_label = models.CharField(_("risposta"), max_length=80, blank=True)
    reference = models.CharField(_("riferimento"), max_length=80, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("firmata il"), default=timezone.now)

    class Meta:
        verbose_name = _("rivalutazione")
        verbose_name_plural = _("rivalutazioni")
        default_permissions = ()
        indexes = [models.Index(name="evaluation_by_line", fields=["line", "evaluated_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "criteria"],
                condition=Q(baseline=True),
                name="evaluation_one_baseline_per_line",
            ),
            models.CheckConstraint(
                condition=Q(deauville__isnull=True) | Q(deauville__range=(1, 5)),
                name="evaluation_deauville_range",
            ),
            models.CheckConstraint(
                condition=Q(baseline=True) | ~Q(response=""), name="evaluation_has_response"
            ),
        ]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.evaluated_on:%d/%m/%Y} {self.response}"


@pghistory.track()
class HomeTherapy(VersionedModel):
    """A drug the patient takes at home (terapia domiciliare); stopped, never deleted."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="home_therapies"
    )
    drug = models.CharField(_("farmaco"), max_length=200)
    dose = models.CharField(_("dose"), max_length=80)
    frequency = models.CharField(_("frequenza"), max_length=80)
    started_on = models.DateField(_("dal"))
    stopped_on = models.DateField(_("al"), null=True, blank=True)
    notes = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("terapia domiciliare")
        verbose_name_plural = _("terapie domiciliari")
        default_permissions = ()
        indexes = [models.Index(name="home_therapy_by_patient", fields=["patient", "-started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=F("started_on")),
                name="home_therapy_dates_ordered",
            ),
        ]
        triggers = [pgtrigger.Protect(name="home_therapy_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.drug} {self.dose} {self.frequency}"


@pghistory.track()
class Appointment(VersionedModel):
    """The next appointment (visit, therapy, exam, re-evaluation); cancelled with a reason,
    never deleted."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="chart_appointments"
    )
    scheduled_on = models.DateField(_("data"))
    kind = models.CharField(
        _("tipo"), max_length=16, choices=_choices(_course.APPOINTMENT_LABELS_IT)
    )
    note = models.TextField(_("note"), blank=True)
    cancelled_at = models.DateTimeField(_("annullato il"), null=True, blank=True)
    cancel_reason = models.TextField(_("motivo dell'annullamento"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("appuntamento")
        verbose_name_plural = _("appuntamenti")
        default_permissions = ()
        indexes = [models.Index(name="appointment_by_patient", fields=["patient", "scheduled_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="appointment_cancel_has_reason",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="appointment_no_delete", operation=pgtrigger.Delete),
            frozen_when_movable("cancelled_appointment_read_only", "OLD.cancelled_at IS NOT NULL"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scheduled_on:%d/%m/%Y}"
