"""Clinical reports: pathology, imaging and consultations."""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import correction_link
from corsia.records.domain import reports as _reports
from corsia.records.models.chart import (
    GradeChoice,
    _choices,
    _read_only,
)

# --- clinical reports (issue 15): pathology, imaging, consultations ------------------------------
# Entered by hand or received from the lab system (HL7 ORU, later); recorded and signed at
# once, written once (trigger); a correction is a new row of the same ``chain`` that
# ``supersedes`` the old one, with its reason. Rules in domain/reports.py.


@pghistory.track()
class ClinicalReport(models.Model):
    """A pathology, imaging or consultation report kept in the chart."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="clinical_reports"
    )
    encounter = models.ForeignKey(
        "patients.Encounter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clinical_reports",
    )
    kind = models.CharField(_("tipo"), max_length=16, choices=_choices(_reports.KIND_LABELS_IT))
    loinc = models.CharField(_("codice LOINC del tipo"), max_length=10)
    performed_on = models.DateField(_("eseguito il"))
    issuer = models.CharField(_("servizio o reparto che referta"), max_length=200)
    reporting_clinician = models.CharField(_("medico refertante"), max_length=200, blank=True)
    accession = models.CharField(_("numero di accettazione"), max_length=40, blank=True)
    examination = models.CharField(_("esame o sede"), max_length=300, blank=True)
    findings = models.TextField(_("descrizione"), blank=True)
    conclusion = models.TextField(_("conclusioni"))
    # pathology only
    histotype = models.CharField(_("istotipo"), max_length=200, blank=True)
    morphology_icdo3 = models.CharField(_("morfologia ICD-O-3"), max_length=6, blank=True)
    grade = models.CharField(_("grado"), max_length=2, choices=GradeChoice.choices, blank=True)
    # imaging only
    modality = models.CharField(
        _("metodica"), max_length=8, choices=_choices(_reports.MODALITY_LABELS_IT), blank=True
    )
    source = models.CharField(
        _("origine"),
        max_length=10,
        choices=_choices(_reports.SOURCE_LABELS_IT),
        default=_reports.ReportSource.MANUAL.value,
    )
    message_id = models.CharField(_("identificativo del messaggio"), max_length=100, blank=True)
    chain = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    supersedes = correction_link()
    correction_reason = models.TextField(_("motivo della correzione"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("registrato e firmato il"), default=timezone.now)

    class Meta:
        verbose_name = _("referto")
        verbose_name_plural = _("referti")
        default_permissions = ()
        indexes = [models.Index(name="report_by_patient", fields=["patient", "-performed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in _reports.ReportKind]),
                name="report_kind_known",
            ),
            models.CheckConstraint(condition=~Q(loinc=""), name="report_loinc_present"),
            models.CheckConstraint(condition=~Q(conclusion=""), name="report_has_conclusion"),
            models.CheckConstraint(
                condition=Q(morphology_icdo3="") | Q(morphology_icdo3__regex=_reports.ICDO3_SQL),
                name="report_icdo3_shape",
            ),
            models.CheckConstraint(
                condition=Q(kind="pathology") | Q(histotype="", morphology_icdo3="", grade=""),
                name="report_pathology_fields",
            ),
            models.CheckConstraint(
                condition=(Q(kind="imaging") & ~Q(modality=""))
                | (~Q(kind="imaging") & Q(modality="")),
                name="report_imaging_modality",
            ),
            models.CheckConstraint(
                condition=Q(source="manual", message_id="")
                | (Q(source="interface") & ~Q(message_id="")),
                name="report_source_message",
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("id")), name="report_not_self_superseding"
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="report_correction_has_reason",
            ),
            # an accession number names one report (its corrections repeat it)
            models.UniqueConstraint(
                fields=["patient", "kind", "accession"],
                condition=Q(supersedes__isnull=True) & ~Q(accession=""),
                name="report_accession_unique",
            ),
            # a message of the lab system is stored once (a resent ORU is not a new report)
            models.UniqueConstraint(
                fields=["message_id"],
                condition=Q(source="interface"),
                name="report_message_once",
            ),
        ]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.performed_on:%d/%m/%Y}"
