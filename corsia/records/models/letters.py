"""Clinical letters and tumour boards: documents drafted from the chart."""

from __future__ import annotations

import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import VersionedModel
from corsia.core.triggers import frozen_when_movable

# --- clinical letters and tumour boards (issue 15: documents from the chart, GOM) -----------------
# A letter (discharge letter, outpatient report, daily diary report) keeps its data as a
# structured record (``content``: coded sections, each item with its source in the chart)
# and the archived PDF the documents module produced. A tumour board keeps the case, the
# participants and the decision. Both are drafts until signed; a signed row is never
# changed again by any path (trigger ``signed_frozen``), nothing is deleted; a letter's
# correction is a new row (``number`` + 1) that ``supersedes`` it.


def _signed_frozen() -> pgtrigger.Protect:
    """The database refuses any UPDATE of a signed row, but the patient merge's
    re-pointing of ``patient_id`` (``corsia/core/triggers.py``)."""
    return frozen_when_movable("signed_frozen", "OLD.status = 'signed'")


def _no_delete() -> pgtrigger.Protect:
    return pgtrigger.Protect(name="no_delete", operation=pgtrigger.Delete)


class LetterStatusChoice(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    SIGNED = "signed", _("Firmata")


class LetterKindChoice(models.TextChoices):
    DISCHARGE = "discharge_letter", _("Lettera di dimissione")
    OUTPATIENT = "outpatient_report", _("Referto ambulatoriale")
    DIARY = "diary_report", _("Diario clinico giornaliero")


@pghistory.track()
class ClinicalLetter(VersionedModel):
    """A letter built from the chart: structured content (JSON) + the signed PDF."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="clinical_letters"
    )
    encounter = models.ForeignKey(
        "patients.Encounter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clinical_letters",
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=LetterKindChoice.choices)
    period_start = models.DateTimeField(_("dal"))
    period_end = models.DateTimeField(_("al"))
    content = models.JSONField(_("contenuto strutturato"), default=dict)
    assembled_at = models.DateTimeField(_("dati raccolti il"), default=timezone.now)
    status = models.CharField(
        _("stato"),
        max_length=8,
        choices=LetterStatusChoice.choices,
        default=LetterStatusChoice.DRAFT,
    )
    number = models.PositiveIntegerField(_("versione della lettera"), default=1)
    chain = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.TextField(_("motivo della correzione"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("firmata il"), null=True, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    document = models.OneToOneField(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("lettera clinica")
        verbose_name_plural = _("lettere cliniche")
        default_permissions = ()
        indexes = [models.Index(name="letter_by_patient", fields=["patient", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["chain", "number"], name="letter_chain_number"),
            models.CheckConstraint(
                condition=Q(status="draft", signed_by__isnull=True, signed_at__isnull=True)
                | Q(
                    status="signed",
                    signed_by__isnull=False,
                    signed_at__isnull=False,
                    document__isnull=False,
                ),
                name="letter_signature_complete",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True, number=1)
                | Q(supersedes__isnull=False, number__gt=1, correction_reason__gt=""),
                name="letter_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="letter_period_ordered"
            ),
        ]
        triggers = [_signed_frozen(), _no_delete()]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"


@pghistory.track()
class TumourBoard(VersionedModel):
    """A multidisciplinary meeting (GOM, tumour board) about one patient's case."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="tumour_boards"
    )
    held_on = models.DateField(_("data della riunione"))
    diagnosis_summary = models.CharField(_("diagnosi in cartella"), max_length=400, blank=True)
    question = models.TextField(_("caso presentato e quesito"))
    # [{"user_id": 3 | null, "name": "...", "specialty": "..."}]: Corsia users and guests.
    participants = models.JSONField(_("partecipanti"), default=list)
    decision = models.TextField(_("decisione"), blank=True)
    recommendation = models.TextField(_("raccomandazione"), blank=True)
    status = models.CharField(
        _("stato"),
        max_length=8,
        choices=LetterStatusChoice.choices,
        default=LetterStatusChoice.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("firmata il"), null=True, blank=True)
    document = models.OneToOneField(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("riunione multidisciplinare")
        verbose_name_plural = _("riunioni multidisciplinari")
        default_permissions = ()
        indexes = [models.Index(name="board_by_patient", fields=["patient", "-held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", signed_by__isnull=True, signed_at__isnull=True)
                | Q(
                    status="signed",
                    signed_by__isnull=False,
                    signed_at__isnull=False,
                    document__isnull=False,
                )
                & ~Q(decision=""),
                name="board_signature_complete",
            ),
        ]
        triggers = [_signed_frozen(), _no_delete()]

    def __str__(self) -> str:
        return f"GOM {self.held_on:%d/%m/%Y}"
