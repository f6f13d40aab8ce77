"""The documents sent to the FSE 2.0 gateway and the history of each.

Persistence only. Nothing is deleted (a document deleted from the FSE stays here in state
``deleted``); the event history is append-only at the database (trigger). The CDA kept is
the one validated, byte for byte (``cda_sha256``); the PDF kept is the one signed.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import VersionedModel
from corsia.fse.domain.states import STATE_LABELS_IT, FseState

CLOSED_STATES = [FseState.FAILED.value, FseState.REPLACED.value, FseState.DELETED.value]


class PendingAction(models.TextChoices):
    NONE = "", _("nessuna")
    PUBLISH = "publish", _("pubblicazione")
    REPLACE = "replace", _("sostituzione")
    METADATA = "metadata", _("aggiornamento metadati")
    DELETE = "delete", _("eliminazione")


@pghistory.track()
class FseDocument(VersionedModel):
    patient_id = models.BigIntegerField(_("paziente"), db_index=True)
    letter_id = models.BigIntegerField(_("lettera"), null=True, blank=True)
    document_type = models.CharField(_("tipo"), max_length=12)  # LDO, RSA, TELEVISITA
    document_code = models.CharField(_("codice LOINC"), max_length=12)
    title = models.CharField(_("titolo"), max_length=300, blank=True)
    state = models.CharField(
        _("stato"),
        max_length=12,
        choices=[(s.value, label) for s, label in STATE_LABELS_IT.items()],
        default=FseState.QUEUED.value,
    )
    pending_action = models.CharField(
        _("operazione in attesa"),
        max_length=10,
        choices=PendingAction.choices,
        default=PendingAction.PUBLISH,
        blank=True,
    )
    cda = models.BinaryField(_("CDA"))
    cda_sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField(_("PDF firmato"), default=b"", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    identificativo_doc = models.CharField(_("identificativo documento"), max_length=120)
    workflow_instance_id = models.CharField(max_length=300, blank=True)
    validated_at = models.DateTimeField(_("validato il"), null=True, blank=True)
    signed_at = models.DateTimeField(_("firmato il"), null=True, blank=True)
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True)
    gateway_status = models.CharField(_("esito INI/EDS"), max_length=60, blank=True)
    practice_setting = models.CharField(_("assetto organizzativo"), max_length=20)
    service_start = models.DateTimeField(_("inizio prestazione"), null=True, blank=True)
    service_end = models.DateTimeField(_("fine prestazione"), null=True, blank=True)
    consent = models.BooleanField(_("consenso all'alimentazione"), default=False)
    obscured = models.BooleanField(_("oscurato su richiesta del paziente"), default=False)
    attempts = models.PositiveIntegerField(_("tentativi"), default=0)
    next_attempt_at = models.DateTimeField(_("prossimo tentativo"), default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    http_status = models.PositiveIntegerField(null=True, blank=True)
    error_code = models.CharField(_("codice errore"), max_length=120, blank=True)
    error_text = models.TextField(_("errore"), blank=True)
    error_body = models.JSONField(_("risposta del gateway"), default=dict, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("documento FSE")
        verbose_name_plural = _("documenti FSE")
        default_permissions = ()
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(name="fse_due", fields=["pending_action", "next_attempt_at"]),
            # the documents page by page, the newest first, of every state or of one (issue
            # 27): each whole for the list's ordering
            models.Index(name="fse_created_id", fields=["-created_at", "-id"]),
            models.Index(name="fse_state_created_id", fields=["state", "-created_at", "-id"]),
        ]
        constraints = [
            # one live document per letter: the hook called twice publishes once
            models.UniqueConstraint(
                fields=["letter_id"],
                condition=Q(letter_id__isnull=False) & ~Q(state__in=CLOSED_STATES),
                name="fse_one_live_per_letter",
            ),
            models.UniqueConstraint(fields=["identificativo_doc"], name="fse_doc_id_unique"),
        ]
        triggers = [pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.document_type} {self.identificativo_doc}"


class FseDocumentStep(models.Model):
    """One step of a document's life, as it happened: append-only."""

    document = models.ForeignKey(FseDocument, on_delete=models.PROTECT, related_name="steps")
    at = models.DateTimeField(default=timezone.now)
    event = models.CharField(max_length=30)
    state_before = models.CharField(max_length=12, blank=True)
    state_after = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(max_length=120, blank=True)
    http_status = models.PositiveIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["at", "id"]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.event}"
