"""Infusion pumps, the programmes sent to them, every message exchanged, and their alarms;
bedside administrations and their scans; the appointments of a patient's day.

A programme sent from the bedside belongs to its administration
(``PumpProgram.administration``) and repeats its order id and scanned label
(``order_id``, ``preparation_ref``: plain values, so a programme sent by hand has them too).
A pump's state changes only in ``pumps/services.py`` and ``pumps/answers.py`` through
``domain/pump_state.py``; an administration's only in ``bedside/services.py`` and
``bedside/infusion.py``.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from corsia.administration.domain.pump_state import STATE_LABELS_IT, PumpState
from corsia.core.models import TimeStampedModel, VersionedModel
from corsia.core.triggers import read_only_movable

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
    order_id = models.BigIntegerField(null=True, blank=True)  # the administration's order
    preparation_ref = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001  # its label
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
    administration = models.ForeignKey(
        "Administration",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pump_programs",
    )
    # the pump's state when the programme was sent: where a refused or unanswered programme
    # brings it back (empty on programmes recorded before this was kept)
    pump_state_before = models.CharField(max_length=16, choices=PUMP_STATE_CHOICES, blank=True)

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
    # The administration the pump was running when the alarm was raised (if any).
    administration = models.ForeignKey(
        "Administration", null=True, blank=True, on_delete=models.PROTECT, related_name="alarms"
    )

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.text} ({self.raised_at:%d/%m/%Y %H:%M:%S})"


# --- bedside administration ------------------------------------------------------------


class AdministrationState(models.TextChoices):
    STARTED = "started", _("in corso")
    COMPLETED = "completed", _("completata")
    INTERRUPTED = "interrupted", _("interrotta")
    PARTIAL = "partial", _("parziale")


class LabelKindChoice(models.TextChoices):
    PREPARATION = "PRP", _("preparazione UFA")
    WARD = "WRD", _("preparato in reparto")


@pghistory.track()
class Administration(VersionedModel):
    """One administration of one order item at the bedside, from the scans to its end.

    Created only by ``bedside.services.bedside_verify`` when every check passed (or an allowed override
    was given with its reason). Never deleted: an error is corrected by a new record.
    """

    order_item = models.ForeignKey(
        "prescribing.OrderItem", on_delete=models.PROTECT, related_name="administrations"
    )
    order = models.ForeignKey(
        "prescribing.TherapyOrder", on_delete=models.PROTECT, related_name="administrations"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="administrations"
    )
    label_kind = models.CharField(max_length=3, choices=LabelKindChoice.choices)
    preparation_ref = models.CharField(_("etichetta"), max_length=64)
    ingredient_code = models.CharField(max_length=80)
    ingredient_name = models.CharField(_("farmaco"), max_length=160)
    dose = models.DecimalField(_("dose"), max_digits=12, decimal_places=4)
    dose_unit = models.CharField(max_length=8)
    volume_ml = models.DecimalField(
        _("volume della sacca (mL)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    rate_ml_h = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    route = models.CharField(_("via"), max_length=16, blank=True, db_default="")
    nurse = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    badge_verified = models.BooleanField(_("badge verificato"), default=False)
    # Intrathecal drugs: the physician identified by badge who co-signed (None when the
    # actor was the physician, or for every other route).
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("inizio"))
    ended_at = models.DateTimeField(_("fine"), null=True, blank=True)
    state = models.CharField(
        _("stato"),
        max_length=12,
        choices=AdministrationState.choices,
        default=AdministrationState.STARTED,
    )
    volume_given_ml = models.DecimalField(
        _("volume somministrato (mL)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField(_("motivo (interruzione o somministrazione parziale)"), blank=True)
    overridden_checks = models.JSONField(_("controlli forzati"), default=list, blank=True)
    override_reason = models.TextField(_("motivo della forzatura"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pump = models.ForeignKey(
        Pump, null=True, blank=True, on_delete=models.PROTECT, related_name="administrations"
    )
    workstation = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-started_at"]
        default_permissions = ()
        indexes = [models.Index(fields=["patient", "-started_at"], name="administration_patient")]
        constraints = [
            models.UniqueConstraint(
                fields=["order_item"],
                condition=models.Q(state="started"),
                name="administration_one_running_per_item",
            ),
            models.CheckConstraint(
                condition=models.Q(volume_given_ml__isnull=True) | models.Q(volume_given_ml__gte=0),
                name="administration_volume_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="administration_ends_after_start",
            ),
        ]
        triggers = [pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.ingredient_name} {self.dose} {self.dose_unit} ({self.get_state_display()})"


class ScanKind(models.TextChoices):
    WRISTBAND = "wristband", _("braccialetto")
    BADGE = "badge", _("badge")
    LABEL = "label", _("etichetta")


class ScanOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("accettata")
    REFUSED = "refused", _("rifiutata")
    OVERRIDDEN = "overridden", _("accettata con forzatura")


class SessionEnd(models.TextChoices):
    CLOSED = "closed", _("chiusa dall'infermiere")
    OTHER_WRISTBAND = "other_wristband", _("letto il braccialetto di un altro paziente")
    TIMEOUT = "timeout", _("scaduta per inattività")


@pghistory.track()
class BedsideSession(VersionedModel):
    """One nurse at one patient, at one workstation: the wristband and the badge read once,
    then each bag of the patient's day (``bedside/session.py``).

    At most one open session per nurse and workstation (two nurses, or one nurse on two
    tablets, each have their own). It ends when the nurse closes it, another wristband is
    read, or nothing is scanned for ``CORSIA_BEDSIDE_SESSION_IDLE_MINUTES``. Start and end
    are audited; the row is never deleted."""

    nurse = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(max_length=120)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="bedside_sessions"
    )
    wristband = models.CharField(_("braccialetto letto"), max_length=64)
    badge_verified_at = models.DateTimeField(_("badge verificato alle"), null=True, blank=True)
    no_badge_reason = models.TextField(_("motivo per somministrare senza badge"), blank=True)
    # an intrathecal bag waiting for the physician's badge (the next badge read co-signs it)
    pending_label = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(_("inizio"))
    last_scan_at = models.DateTimeField(_("ultima scansione"))
    ended_at = models.DateTimeField(_("fine"), null=True, blank=True)
    end_reason = models.CharField(max_length=16, choices=SessionEnd.choices, blank=True)

    class Meta:
        ordering = ["-started_at"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["nurse", "workstation"],
                condition=models.Q(ended_at__isnull=True),
                name="bedside_session_one_open_per_nurse_workstation",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | ~models.Q(end_reason=""),
                name="bedside_session_end_has_reason",
            ),
        ]
        triggers = [pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.started_at:%d/%m/%Y %H:%M}"

    @property
    def identified(self) -> bool:
        """The nurse's badge was read (or its absence declared with a reason)."""
        return self.badge_verified_at is not None or bool(self.no_badge_reason)


class AdministrationScan(models.Model):
    """Every scan at the bedside and its outcome, refusals included (append-only)."""

    kind = models.CharField(max_length=10, choices=ScanKind.choices)
    raw = models.CharField(_("codice letto"), max_length=128)
    outcome = models.CharField(max_length=10, choices=ScanOutcome.choices)
    codes = models.JSONField(default=list, blank=True)  # refusal codes, stable English
    message = models.TextField(blank=True)
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order_item = models.ForeignKey(
        "prescribing.OrderItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    administration = models.ForeignKey(
        Administration, null=True, blank=True, on_delete=models.PROTECT, related_name="scans"
    )
    session = models.ForeignKey(
        BedsideSession, null=True, blank=True, on_delete=models.PROTECT, related_name="scans"
    )
    nurse = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(max_length=120, blank=True)
    scanned_at = models.DateTimeField()

    class Meta:
        ordering = ["-scanned_at", "-id"]
        default_permissions = ()
        indexes = [models.Index(fields=["outcome", "-scanned_at"], name="scan_outcome_at")]
        triggers = [read_only_movable("append_only")]  # the merge re-points patient_id

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome} {self.scanned_at:%d/%m/%Y %H:%M:%S}"


class Appointment(models.Model):
    """When and where a patient's day of an order is planned to start (append-only).

    The latest row of (order, day) is the plan; earlier rows are its history, each
    re-planning with its reason. Planned times of the drugs follow from it
    (``domain/schedule.py``)."""

    order = models.ForeignKey(
        "prescribing.TherapyOrder", on_delete=models.PROTECT, related_name="appointments"
    )
    day = models.DateField(_("giorno"))
    planned_start = models.DateTimeField(_("inizio previsto"))
    place = models.ForeignKey(
        "patients.BedOrChair",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("posto"),
    )
    reason = models.TextField(_("motivo della ripianificazione"), blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["order", "day", "-created_at", "-id"]
        default_permissions = ()
        indexes = [models.Index(fields=["day", "order"], name="appointment_day_order")]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.planned_start:%d/%m/%Y %H:%M}"
