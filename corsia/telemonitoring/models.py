"""Telemonitoring's tables: vital-sign readings, alert thresholds per patient, alerts for
the team, symptom-diary schedules and responses.

Persistence only; access through the named permissions of ``corsia.accounts`` and the
portal's session for patients (``default_permissions = ()``). A reading is written once:
only its confirmation state moves (through services). Nothing is deleted. Every table is
tracked by django-pghistory.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.telemonitoring.domain.parameters import LABELS, Parameter

# Italian labels from the domain, translated when shown (their English in django.po).
PARAMETERS = [(p.value, _(LABELS[p])) for p in Parameter]


class Source(models.TextChoices):
    DEVICE = "device", _("Dispositivo Bluetooth")
    MANUAL = "manual", _("Inserito dal paziente")


class ReadingState(models.TextChoices):
    ACCEPTED = "accepted", _("Registrato")
    TO_CONFIRM = "to_confirm", _("Da confermare")
    CONFIRMED = "confirmed", _("Confermato dal paziente")
    REJECTED = "rejected", _("Scartato dal paziente")


@pghistory.track()
class Reading(models.Model):
    """One value of one parameter; the values of one measurement share ``measurement``."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="telemonitoring_readings"
    )
    measurement = models.UUIDField(db_index=True)
    parameter = models.CharField(max_length=16, choices=PARAMETERS)
    value = models.DecimalField(max_digits=9, decimal_places=3)
    source = models.CharField(max_length=8, choices=Source.choices)
    characteristic = models.PositiveIntegerField(null=True)  # GATT UUID (device readings)
    payload = models.TextField(blank=True)  # the device's bytes, base64, as received
    unit_sent = models.CharField(max_length=8, blank=True)  # the unit the device used
    measured_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=12, choices=ReadingState.choices)
    doubt = models.TextField(blank=True)  # why the patient was asked to confirm
    decided_at = models.DateTimeField(null=True)  # confirmed or rejected

    class Meta:
        default_permissions = ()
        ordering = ["measured_at", "id"]
        indexes = [models.Index(fields=["patient", "parameter", "measured_at"])]

    def __str__(self) -> str:
        return f"{self.parameter} {self.value} ({self.state})"


@pghistory.track()
class Threshold(models.Model):
    """The team's alert limits for one parameter of one patient; a change is a new row and
    the old one stops being current."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="telemonitoring_thresholds"
    )
    parameter = models.CharField(max_length=16, choices=PARAMETERS)
    low = models.DecimalField(max_digits=9, decimal_places=3, null=True)
    high = models.DecimalField(max_digits=9, decimal_places=3, null=True)
    is_current = models.BooleanField(default=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "parameter"],
                condition=Q(is_current=True),
                name="telemonitoring_one_current_threshold",
            )
        ]

    def __str__(self) -> str:
        return f"{self.parameter} {self.low}–{self.high}"


class AlertState(models.TextChoices):
    OPEN = "open", _("Da valutare")
    CLOSED = "closed", _("Valutato")


@pghistory.track()
class Alert(models.Model):
    """Something a reading or a diary raised for the team to act on."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="telemonitoring_alerts"
    )
    rule = models.CharField(max_length=40)  # stable code: threshold_<parameter> or a diary rule
    urgent = models.BooleanField(default=False)
    message = models.CharField(max_length=300)
    instruction = models.CharField(max_length=300, blank=True)  # shown to the patient
    reading = models.ForeignKey(Reading, null=True, on_delete=models.PROTECT, related_name="+")
    response = models.ForeignKey(
        "telemonitoring.DiaryResponse", null=True, on_delete=models.PROTECT, related_name="alerts"
    )
    meddra_code = models.CharField(max_length=12, blank=True)  # the CTCAE term to grade
    suggested_grade = models.PositiveSmallIntegerField(null=True)
    raised_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=8, choices=AlertState.choices, default=AlertState.OPEN)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True)
    note = models.TextField(blank=True)
    toxicity_record_id = models.BigIntegerField(null=True)  # corsia.toxicity's record

    class Meta:
        default_permissions = ()
        ordering = ["-urgent", "raised_at", "id"]
        indexes = [models.Index(fields=["state", "raised_at"])]

    def __str__(self) -> str:
        return self.message


@pghistory.track()
class DiarySchedule(models.Model):
    """A symptom diary the patient fills daily for the days after a cycle's start."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="telemonitoring_diaries"
    )
    questionnaire = models.CharField(max_length=60)  # the Questionnaire.id
    regimen = models.CharField(max_length=200, blank=True)  # the regimen's name, as shown
    cycle_number = models.PositiveSmallIntegerField(null=True)
    chemotherapy_on = models.DateField()  # day 1 of the cycle
    days = models.PositiveSmallIntegerField(default=21)  # diary days from day 1
    baseline_stools = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        ordering = ["-chemotherapy_on", "id"]

    def __str__(self) -> str:
        return f"{self.questionnaire} from {self.chemotherapy_on}"


@pghistory.track()
class DiaryResponse(models.Model):
    """One filled diary: the FHIR QuestionnaireResponse, as submitted."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="telemonitoring_responses"
    )
    schedule = models.ForeignKey(DiarySchedule, null=True, on_delete=models.PROTECT)
    questionnaire = models.CharField(max_length=60)
    resource = models.JSONField()  # FHIR QuestionnaireResponse
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        ordering = ["-submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.questionnaire} {self.submitted_at:%Y-%m-%d}"
