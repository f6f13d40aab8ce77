"""Infusion pumps, the programmes sent to them, every message exchanged, and their alarms.

Orders do not exist yet in Corsia: ``PumpProgram.order_id`` and ``preparation_ref`` are
placeholders that the prescribing and compounding modules will link here (an order's
administration step creates the programme; the preparation's barcode fills the reference).
State changes happen only in ``services.py`` through ``domain/pump_state.py``.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from corsia.administration.domain.pump_state import STATE_LABELS_IT, PumpState
from corsia.core.models import TimeStampedModel

PUMP_STATE_CHOICES = [(s.value, STATE_LABELS_IT[s]) for s in PumpState]


@pghistory.track()
class Pump(TimeStampedModel):
    """A networked infusion pump (or a pump channel) at a bed or chair of a ward."""

    serial = models.CharField(
        _("matricola / identificativo del dispositivo"), max_length=64, unique=True
    )
    ward_code = models.CharField(_("reparto"), max_length=32, db_index=True)
    location_label = models.CharField(_("letto / poltrona"), max_length=64, blank=True)
    host = models.CharField(_("indirizzo"), max_length=255)
    port = models.PositiveIntegerField(_("porta MLLP"))
    state = models.CharField(
        max_length=16, choices=PUMP_STATE_CHOICES, default=PumpState.IDLE.value
    )
    rate_ml_h = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    volume_infused_ml = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    vtbi_ml = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    last_status = models.JSONField(default=dict, blank=True)
    last_message_at = models.DateTimeField(
        _("ora dell'ultimo messaggio applicato (orologio della pompa)"), null=True, blank=True
    )
    last_received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ward_code", "location_label", "serial"]

    def __str__(self) -> str:
        return f"{self.serial} ({self.ward_code} {self.location_label})"


class ProgramOutcome(models.TextChoices):
    SENT = "sent", _("inviato")
    ACCEPTED = "accepted", _("accettato dalla pompa")
    REFUSED = "refused", _("rifiutato dalla pompa")
    NO_ANSWER = "no_answer", _("nessuna risposta")


@pghistory.track()
class PumpProgram(TimeStampedModel):
    """One PCD-03 programme: the packet as sent, and the pump's answer."""

    pump = models.ForeignKey(Pump, on_delete=models.PROTECT, related_name="programs")
    order_id = models.BigIntegerField(null=True, blank=True)  # prescribing will link here
    preparation_ref = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001  # compounding placeholder
    drug_code = models.CharField(max_length=80)
    drug_name = models.CharField(max_length=160)
    dose_mg = models.DecimalField(max_digits=10, decimal_places=3)
    volume_ml = models.DecimalField(max_digits=8, decimal_places=2)
    duration_min = models.PositiveIntegerField()
    rate_ml_h = models.DecimalField(max_digits=6, decimal_places=1)
    concentration_mg_ml = models.DecimalField(max_digits=10, decimal_places=4)
    control_id = models.CharField(max_length=64)
    outcome = models.CharField(
        max_length=16, choices=ProgramOutcome.choices, default=ProgramOutcome.SENT
    )
    ack_code = models.CharField(max_length=2, blank=True)
    ack_text = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]


class Direction(models.TextChoices):
    INBOUND = "in", _("ricevuto")
    OUTBOUND = "out", _("inviato")


@pghistory.track()
class PumpMessage(models.Model):
    """Every HL7 message to or from a pump, raw and parsed, with the ACK it got or gave.

    Refused inbound messages are stored too (the log), with their AE/AR; only accepted ones
    (AA) count for duplicate detection, so a control id is applied at most once per pump.
    """

    pump = models.ForeignKey(
        Pump, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    device_id = models.CharField(max_length=64, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    control_id = models.CharField(max_length=64, blank=True)
    message_type = models.CharField(max_length=16, blank=True)
    raw = models.TextField()
    parsed = models.JSONField(default=dict, blank=True)
    ack_code = models.CharField(max_length=2, blank=True)
    ack_error = models.CharField(max_length=64, blank=True)
    ack_text = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # the sender's clock (MSH-7)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pump", "direction", "control_id"],
                condition=models.Q(ack_code="AA"),
                name="administration_pump_message_applied_once",
            )
        ]
        indexes = [models.Index(fields=["pump", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.direction} {self.message_type} {self.control_id} {self.ack_code}"


class AlarmPriority(models.TextChoices):
    HIGH = "PH", _("alta")
    MEDIUM = "PM", _("media")
    LOW = "PL", _("bassa")
    NONE = "PN", _("nessuna")
    UNKNOWN = "", _("non indicata")


@pghistory.track()
class PumpAlarm(models.Model):
    pump = models.ForeignKey(Pump, on_delete=models.PROTECT, related_name="alarms")
    alarm_ref = models.CharField(max_length=64)
    code = models.CharField(max_length=64)  # MDC numeric code, e.g. 196940
    name = models.CharField(max_length=80)  # MDC reference id, e.g. MDC_EVT_FLUID_LINE_OCCL
    text = models.CharField(max_length=200)
    priority = models.CharField(max_length=2, choices=AlarmPriority.choices, blank=True)
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    message = models.ForeignKey(PumpMessage, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.text} ({self.raised_at:%d/%m/%Y %H:%M:%S})"
