"""Inbound HL7 messages as received, the visits the ADT named, the laboratory results a
message brought, and the table that maps a laboratory's codes to Corsia's analytes.

Persistence only. Nothing is deleted: a message keeps its raw text, its ACK and every
state it went through (pghistory)."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import VersionedModel
from corsia.interop.domain.outbound import OUTBOUND_STATE_LABELS_IT, OutboundState
from corsia.interop.domain.states import STATE_LABELS_IT, MessageState

# The raw text kept (and accepted): an ADT is a few hundred bytes, a laboratory report with
# a full panel a few kilobytes.
RAW_LIMIT = 256 * 1024


@pghistory.track()
class InboundMessage(models.Model):
    received_at = models.DateTimeField(_("ricevuto il"), default=timezone.now, db_index=True)
    raw = models.TextField(_("testo del messaggio"))
    control_id = models.CharField(_("identificativo (MSH-10)"), max_length=64, blank=True)
    sending_application = models.CharField(_("applicazione mittente"), max_length=80, blank=True)
    sending_facility = models.CharField(_("struttura mittente"), max_length=80, blank=True)
    message_type = models.CharField(_("tipo"), max_length=7, blank=True)  # ADT^A01
    state = models.CharField(
        _("stato"),
        max_length=10,
        choices=[(s.value, label) for s, label in STATE_LABELS_IT.items()],
        default=MessageState.RECEIVED.value,
    )
    ack_code = models.CharField(_("esito (MSA-1)"), max_length=2, blank=True)
    ack = models.TextField(_("risposta (ACK)"), blank=True)
    error_code = models.CharField(_("codice dell'errore"), max_length=60, blank=True)
    error_location = models.CharField(_("posizione dell'errore"), max_length=40, blank=True)
    error_text = models.TextField(_("errore"), blank=True)
    outcome = models.TextField(_("esito dell'elaborazione"), blank=True)
    # the patient the message was about, once known (the survivor after a merge)
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # identifiers a parked message waits for ("cf:RSSMRA...", "other:OSP:PI:123")
    waiting_for = models.JSONField(default=list, blank=True)
    attempts = models.PositiveIntegerField(_("tentativi"), default=1)
    processed_at = models.DateTimeField(_("elaborato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("messaggio HL7 ricevuto")
        verbose_name_plural = _("messaggi HL7 ricevuti")
        default_permissions = ()
        ordering = ["-received_at", "-id"]
        indexes = [
            # the messages page by page, the newest first (issue 27): the ordering whole
            models.Index(name="inbound_received_id", fields=["-received_at", "-id"]),
            models.Index(name="inbound_by_state", fields=["state", "received_at"]),
            models.Index(name="inbound_by_type", fields=["message_type", "received_at"]),
        ]
        constraints = [
            # idempotency: the same message sent twice is the same row
            models.UniqueConstraint(
                fields=["sending_facility", "control_id"],
                condition=~Q(control_id=""),
                name="inbound_control_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in MessageState]),
                name="inbound_state_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_type} {self.control_id}"


@pghistory.track()
class VisitLink(models.Model):
    """The visit number (PV1-19) the sending system gave an encounter opened from its
    messages: later messages find the encounter by it."""

    sending_facility = models.CharField(max_length=80)
    visit_number = models.CharField(max_length=80)
    encounter = models.ForeignKey("patients.Encounter", on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(InboundMessage, on_delete=models.PROTECT, related_name="+")

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["sending_facility", "visit_number"], name="visit_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sending_facility} {self.visit_number}"


class ReceivedResult(models.Model):
    """A laboratory result a message brought: the chart's result, the laboratory's order
    (filler) number and code, and the OBX it came from."""

    message = models.ForeignKey(InboundMessage, on_delete=models.PROTECT, related_name="results")
    lab_result = models.ForeignKey("records.LabResult", on_delete=models.PROTECT, related_name="+")
    filler_number = models.CharField(_("numero d'ordine del laboratorio"), max_length=40)
    placer_number = models.CharField(max_length=40, blank=True)
    code = models.CharField(_("codice"), max_length=40)
    code_system = models.CharField(max_length=20, blank=True)
    segment = models.CharField(max_length=20)  # OBX^3^5

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.filler_number} {self.code}"


@pghistory.track()
class LabCodeMapping(models.Model):
    """A laboratory code (LOINC, or the laboratory's own) → the analyte name the chart uses,
    so results received and results typed by hand make one trend."""

    system = models.CharField(_("sistema di codifica"), max_length=20)  # LN, or the lab's
    code = models.CharField(_("codice"), max_length=40)
    analyte = models.CharField(_("esame in cartella"), max_length=80)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        default_permissions = ()
        ordering = ["system", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="lab_code_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.code} → {self.analyte}"


# --- outbound -------------------------------------------------------------------------------


@pghistory.track()
class Subscriber(VersionedModel):
    """A system that receives Corsia's messages over MLLP (the interface engine, the
    pharmacy's or the ward's system): where, which message types, whether active. Data,
    edited by IT staff; never deleted (deactivated)."""

    name = models.CharField(_("nome"), max_length=80, unique=True)
    receiving_application = models.CharField(_("applicazione ricevente (MSH-5)"), max_length=80)
    receiving_facility = models.CharField(_("struttura ricevente (MSH-6)"), max_length=80)
    host = models.CharField(_("indirizzo"), max_length=255)
    port = models.PositiveIntegerField(_("porta"))
    message_types = models.JSONField(_("tipi di messaggio"), default=list)  # ["RAS^O17"]
    active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("destinatario HL7")
        verbose_name_plural = _("destinatari HL7")
        default_permissions = ()
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(port__gte=1) & Q(port__lte=65535), name="subscriber_port_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.host}:{self.port})"


@pghistory.track()
class OutboundMessage(models.Model):
    """One message for one subscriber, stored before it is sent (in the transaction of
    the clinical act it reports) and kept with every attempt's outcome. ``event_key``
    names the act (``administration:42:completed``): one message per act and subscriber,
    never two, whatever the retries."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.PROTECT, related_name="messages")
    event_key = models.CharField(max_length=80)
    created_at = models.DateTimeField(_("creato il"), default=timezone.now, db_index=True)
    message_type = models.CharField(_("tipo"), max_length=7)  # RAS^O17
    control_id = models.CharField(_("identificativo (MSH-10)"), max_length=64, unique=True)
    raw = models.TextField(_("testo del messaggio"))
    state = models.CharField(
        _("stato"),
        max_length=10,
        choices=[(s.value, label) for s, label in OUTBOUND_STATE_LABELS_IT.items()],
        default=OutboundState.PENDING.value,
    )
    attempts = models.PositiveIntegerField(_("tentativi"), default=0)
    next_attempt_at = models.DateTimeField(_("prossimo tentativo"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("ultimo tentativo"), null=True, blank=True)
    sent_at = models.DateTimeField(_("inviato il"), null=True, blank=True)
    ack_code = models.CharField(_("esito (MSA-1)"), max_length=2, blank=True)
    ack = models.TextField(_("risposta (ACK)"), blank=True)
    error_text = models.TextField(_("errore"), blank=True)
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("messaggio HL7 inviato")
        verbose_name_plural = _("messaggi HL7 inviati")
        default_permissions = ()
        ordering = ["-created_at", "-id"]
        indexes = [
            # the messages page by page, the newest first (issue 27): the ordering whole
            models.Index(name="outbound_created_id", fields=["-created_at", "-id"]),
            models.Index(name="outbound_due", fields=["state", "next_attempt_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "event_key"], name="outbound_one_per_event"
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in OutboundState]),
                name="outbound_state_known",
            ),
        ]
        triggers = [pgtrigger.Protect(name="outbound_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.message_type} {self.control_id}"
