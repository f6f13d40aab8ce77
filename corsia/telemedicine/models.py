"""Telemedicine: televisits (clinician and patient) and teleconsultations (two clinicians)
in one table, the built-in room's signalling messages, the televisit report."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from corsia.core.models import VersionedModel


class VisitKindChoice(models.TextChoices):
    TELEVISIT = "televisit", _("Televisita")
    TELECONSULTATION = "teleconsultation", _("Teleconsulto")


class VisitStateChoice(models.TextChoices):
    SCHEDULED = "scheduled", _("Programmata")
    OPEN = "open", _("Stanza aperta")
    CLOSED = "closed", _("Conclusa")
    CANCELLED = "cancelled", _("Annullata")


@pghistory.track()
class Televisit(VersionedModel):
    """One video encounter. A televisit: the ``clinician`` and the ``patient`` (on an agenda
    booking); a teleconsultation: the ``clinician`` asks the ``consultant`` about the patient
    (no patient in the room), with the question and the answer recorded."""

    kind = models.CharField(max_length=20, choices=VisitKindChoice.choices)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    booking_id = models.BigIntegerField(null=True, blank=True)  # agenda's booking (televisit)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_start = models.DateTimeField(_("inizio previsto"))
    scheduled_end = models.DateTimeField(_("fine prevista"))
    state = models.CharField(
        max_length=20, choices=VisitStateChoice.choices, default=VisitStateChoice.SCHEDULED
    )
    room_name = models.CharField(max_length=80, unique=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent_source = models.CharField(max_length=20, blank=True)  # patient, guardian, proxy
    consent_version = models.CharField(max_length=40, blank=True)
    consent_text = models.TextField(blank=True)
    question = models.TextField(_("quesito"), blank=True)  # teleconsultation
    answer = models.TextField(_("risposta"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    state_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["scheduled_start", "pk"]
        indexes = [
            models.Index(fields=["clinician", "scheduled_start"]),
            models.Index(fields=["patient", "scheduled_start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scheduled_end__gt=models.F("scheduled_start")),
                name="televisit_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="televisit", consultant__isnull=True)
                | models.Q(kind="teleconsultation", consultant__isnull=False),
                name="televisit_consultant_only_in_teleconsultation",
            ),
            models.UniqueConstraint(
                fields=["booking_id"],
                condition=models.Q(booking_id__isnull=False) & ~models.Q(state="cancelled"),
                name="televisit_one_per_booking",
            ),
        ]
        triggers = [pgtrigger.Protect(name="televisit_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class SignalMessage(models.Model):
    """One signalling message of the built-in room, stored before it is acknowledged;
    append-only. ``side``: host (the clinician) or guest (the patient or consultant)."""

    televisit = models.ForeignKey(Televisit, on_delete=models.PROTECT, related_name="signals")
    side = models.CharField(max_length=8)
    kind = models.CharField(max_length=12)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["televisit", "side", "id"])]
        triggers = [
            pgtrigger.Protect(name="signal_append_only", operation=pgtrigger.Update),
            pgtrigger.Protect(name="signal_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.kind} {self.pk}"


@pghistory.track()
class TelevisitReport(models.Model):
    """The Referto di Televisita: written by the clinician after the call, signed (the
    documents module's signed PDF in the chart); frozen once signed."""

    televisit = models.OneToOneField(Televisit, on_delete=models.PROTECT, related_name="report")
    history = models.TextField(_("anamnesi e motivo"))
    findings = models.TextField(_("esito della televisita"))
    conclusions = models.TextField(_("conclusioni e indicazioni"))
    document_id = models.BigIntegerField()  # documents.Document (signed PDF)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()

    class Meta:
        triggers = [
            pgtrigger.Protect(name="report_frozen", operation=pgtrigger.Update),
            pgtrigger.Protect(name="report_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"Referto di televisita {self.televisit_id}"
