"""A run of a report kept for download: a run in the background (the job's progress and
its stored result), or any run asked to be kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RunState(models.TextChoices):
    QUEUED = "queued", "In coda"
    RUNNING = "running", "In corso"
    DONE = "done", "Pronto"
    FAILED = "failed", "Non riuscito"


class ReportRun(models.Model):
    code = models.CharField(max_length=64)
    params = models.JSONField(default=dict)
    pseudonymised = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    workstation = models.CharField(max_length=120, blank=True)
    channel = models.CharField(max_length=10, default="web")
    state = models.CharField(max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error_code = models.CharField(max_length=60, blank=True)
    error_message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["requested_by", "-requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reports_run_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} #{self.pk}"
