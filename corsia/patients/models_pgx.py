"""A patient's pharmacogenomic results (DPYD, TPMT, NUDT15, UGT1A1): what the laboratory
reported for one gene, written once. A newer result for the same gene supersedes it; one
entered in error is marked so, with the reason. Never deleted (``domain/pgx.py``)."""

from __future__ import annotations

from typing import Any

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.patients.domain.pgx import (
    GENE_LABELS_IT,
    PHENOTYPE_LABELS_IT,
    RESULT_STATUS_LABELS_IT,
    ResultStatus,
)

# What may change on a recorded result: its status (entered in error) and, by a merge, its
# patient. Everything the laboratory reported is frozen.
STATUS_COLUMNS = ["patient", "status", "status_reason", "status_changed_at", "status_changed_by"]


def _choices(labels: dict[Any, str]) -> list[tuple[str, str]]:
    return [(str(key), label) for key, label in labels.items()]


@pghistory.track()
class PgxResult(models.Model):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="pgx_results"
    )
    gene = models.CharField(_("gene"), max_length=10, choices=_choices(GENE_LABELS_IT))
    phenotype = models.CharField(
        _("fenotipo"), max_length=40, choices=_choices(PHENOTYPE_LABELS_IT)
    )
    activity_score = models.DecimalField(
        _("punteggio di attività"), max_digits=2, decimal_places=1, null=True, blank=True
    )
    diplotype = models.CharField(_("diplotipo"), max_length=120, blank=True)
    report_date = models.DateField(_("data del referto"))
    laboratory = models.CharField(_("laboratorio"), max_length=200, blank=True)
    notes = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    workstation = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        _("stato"),
        max_length=20,
        choices=_choices(RESULT_STATUS_LABELS_IT),
        default=ResultStatus.VALID.value,
    )
    status_reason = models.TextField(_("motivo"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("risultato farmacogenomico")
        verbose_name_plural = _("risultati farmacogenomici")
        default_permissions = ()
        ordering = ["gene", "-report_date", "-pk"]
        indexes = [models.Index(name="pgx_patient_gene", fields=["patient", "gene", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ResultStatus.VALID.value) | ~Q(status_reason=""),
                name="pgx_in_error_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(activity_score__isnull=True) | Q(gene="DPYD"),
                name="pgx_score_only_dpyd",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="reported_content_frozen",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(exclude=STATUS_COLUMNS),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gene}: {self.get_phenotype_display()}"
