"""The clinical document archive: print templates (versioned) and archived documents.

Append-only. Nothing here is ever deleted (database triggers refuse DELETE); a
template is edited by storing a new version; a document is corrected by a new
document that ``supersedes`` it. The bytes and fingerprint of a signed document
cannot be changed even by raw SQL (trigger ``signed_content_frozen``).
"""

from __future__ import annotations

import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.triggers import frozen_when_movable, read_only_movable


@pghistory.track()
class DocumentTemplate(models.Model):
    """One version of a print template: the HTML body is Django template source."""

    code = models.CharField(_("codice"), max_length=64)
    version = models.PositiveIntegerField(_("versione"))
    title = models.CharField(_("titolo"), max_length=200)
    body = models.TextField(_("corpo HTML (modello Django)"))
    body_sha256 = models.CharField(max_length=64)
    active = models.BooleanField(_("attivo"), default=True)
    # None: the file shipped with Corsia (templates/documents/defaults/<code>.html), stored
    # as a version by ``shipped.py`` (version 1 on a new install); else the IT staff's edit.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("modello di documento")
        verbose_name_plural = _("modelli di documento")
        default_permissions = ()
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="document_template_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="document_template_v_ge_1"),
        ]
        triggers = [
            pgtrigger.Protect(name="template_no_delete", operation=pgtrigger.Delete),
            # Only the active flag may change: a version's text is what was printed with it.
            pgtrigger.Protect(
                name="template_body_frozen",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "OLD.code IS DISTINCT FROM NEW.code OR OLD.version IS DISTINCT FROM "
                    "NEW.version OR OLD.body IS DISTINCT FROM NEW.body OR OLD.body_sha256 IS "
                    "DISTINCT FROM NEW.body_sha256 OR OLD.title IS DISTINCT FROM NEW.title"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def shipped(self) -> bool:
        """The file shipped with Corsia (no author), not an edit of the IT staff."""
        return self.created_by_id is None


@pghistory.track(exclude=["content"])
class Document(models.Model):
    """An archived document (PDF). A correction is a new Document superseding this one."""

    kind = models.CharField(_("tipo"), max_length=64, db_index=True)
    title = models.CharField(_("titolo"), max_length=200)
    patient = models.ForeignKey(
        "patients.Patient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the document was printed from, e.g. ("prescribing", "order", "42").
    source_app = models.CharField(max_length=50, blank=True)
    source_model = models.CharField(max_length=50, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    template_code = models.CharField(max_length=64)
    # the stored DocumentTemplate version; 0 only on prints archived before the shipped
    # files were stored as version 1 (the file of that time: template_sha256 names it)
    template_version = models.PositiveIntegerField()
    template_sha256 = models.CharField(max_length=64)
    context = models.JSONField(default=dict)  # the normalised context that was printed
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64, db_index=True)
    mime_type = models.CharField(max_length=100, default="application/pdf")
    size = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    workstation = models.CharField(max_length=200, blank=True)
    signed = models.BooleanField(default=False)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signature_reason = models.CharField(max_length=200, blank=True)
    chain = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("documento")
        verbose_name_plural = _("documenti")
        default_permissions = ()
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                name="document_source", fields=["source_app", "source_model", "source_id"]
            ),
            models.Index(name="document_patient_time", fields=["patient", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain", "version"], name="document_chain_version"),
            models.CheckConstraint(
                condition=Q(signed=False, signer__isnull=True, signed_at__isnull=True)
                | Q(signed=True, signer__isnull=False, signed_at__isnull=False),
                name="document_signature_complete",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True, version=1)
                | Q(supersedes__isnull=False, version__gt=1, correction_reason__gt=""),
                name="document_correction_has_reason",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
        ]
        triggers = [
            pgtrigger.Protect(name="document_no_delete", operation=pgtrigger.Delete),
            # R12: once signed, the bytes, their fingerprint and the signature are frozen.
            # A patient_id change only by the patient merge (corsia/core/triggers.py).
            frozen_when_movable(
                "signed_content_frozen",
                (
                    "OLD.signed AND (OLD.content IS DISTINCT FROM NEW.content"
                    " OR OLD.sha256 IS DISTINCT FROM NEW.sha256"
                    " OR OLD.size IS DISTINCT FROM NEW.size"
                    " OR OLD.signed IS DISTINCT FROM NEW.signed"
                    " OR OLD.signer_id IS DISTINCT FROM NEW.signer_id"
                    " OR OLD.signed_at IS DISTINCT FROM NEW.signed_at"
                    " OR OLD.patient_id IS DISTINCT FROM NEW.patient_id"
                    " OR OLD.context IS DISTINCT FROM NEW.context)"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class DocumentNamedPatient(models.Model):
    """A patient named inside an archived print that is no one patient's document (the
    day's call-in list, the UFA's requirements, a report's export): stored when the print
    is archived, so that reopening it from the archive is written in each one's access
    log. Written once with its document; only a patient merge re-points it."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="named_patients")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("paziente nominato in un documento")
        verbose_name_plural = _("pazienti nominati in un documento")
        default_permissions = ()
        ordering = ["document", "id"]
        triggers = [read_only_movable()]

    def __str__(self) -> str:
        return f"patient {self.patient_id} in document {self.document_id}"
