"""The transplant case on the patient's record: the recipient taken in charge, the type
(autologous/allogeneic), the stem-cell source, the indication, day 0 and the coordinator.
Edited only by its services under optimistic locking (``version``); a closed or cancelled
case is frozen (a patient merge's re-pointing aside); never deleted."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from corsia.core.domain.codes import LabelledCode
from corsia.core.models import VersionedModel
from corsia.core.triggers import frozen_when_movable
from corsia.transplant.domain import codes


def choices(code: type[LabelledCode]) -> list[tuple[str, str]]:
    return [(member.value, member.label_it) for member in code]


@pghistory.track()
class Transplant(VersionedModel):
    """One stem-cell transplant of a recipient, from taking charge onwards."""

    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="transplants",
        verbose_name=_("ricevente"),
    )
    state = models.CharField(
        _("stato"), max_length=20, choices=choices(codes.CaseState),
        default=codes.CaseState.TAKEN_IN_CHARGE.value,
    )  # fmt: skip
    transplant_type = models.CharField(
        _("tipo di trapianto"), max_length=12, choices=choices(codes.TransplantType)
    )
    source = models.CharField(
        _("sorgente di cellule staminali"), max_length=4, choices=choices(codes.StemCellSource)
    )
    diagnosis_code = models.CharField(_("diagnosi (ICD-9-CM)"), max_length=10, blank=True)
    indication = models.TextField(_("indicazione al trapianto"))
    disease_status = models.CharField(
        _("stato di malattia al trapianto"), max_length=120, blank=True
    )
    day_zero = models.DateField(_("giorno 0"), null=True, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("coordinatore del trapianto"),
    )
    taken_in_charge_on = models.DateField(_("presa in carico il"))
    taken_in_charge_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    note = models.TextField(_("note"), blank=True)
    cancel_reason = models.TextField(_("motivo dell'annullamento"), blank=True)
    # the pre-transplant path (migration 0002_pretransplant)
    recipient_abo = models.CharField(_("gruppo ABO del ricevente"), max_length=2, blank=True)
    recipient_cmv = models.CharField(
        _("CMV del ricevente"), max_length=10, choices=choices(codes.Serostatus),
        default=codes.Serostatus.UNKNOWN.value,
    )  # fmt: skip
    recipient_hla = models.JSONField(_("tipizzazione HLA del ricevente"), default=dict)
    conditioning_regimen_version_id = models.IntegerField(null=True, blank=True)
    conditioning_regimen = models.CharField(_("condizionamento"), max_length=240, blank=True)
    conditioning_intensity = models.CharField(
        _("intensità del condizionamento"), max_length=3, choices=choices(codes.Intensity),
        blank=True,
    )  # fmt: skip
    conditioning_start = models.DateField(_("inizio del condizionamento"), null=True, blank=True)

    class Meta:
        verbose_name = _("trapianto")
        verbose_name_plural = _("trapianti")
        default_permissions = ()
        indexes = [
            models.Index(name="transplant_patient", fields=["patient", "state"]),
            models.Index(name="transplant_day_zero", fields=["day_zero"]),
            # the unit's list page by page, the most recent first (issue 27): the ordering whole
            models.Index(name="transplant_taken_id", fields=["-taken_in_charge_on", "-id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="cancelled") | ~Q(cancel_reason=""),
                name="transplant_cancel_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(transplant_type="autologous") | ~Q(source="cb"),
                name="transplant_autologous_not_cord",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="transplant_no_delete", operation=pgtrigger.Delete),
            frozen_when_movable("transplant_closed_frozen", "OLD.state IN ('closed', 'cancelled')"),
        ]

    def __str__(self) -> str:
        return f"{self.type_label} #{self.pk}"

    @property
    def type_label(self) -> str:
        return codes.TransplantType(self.transplant_type).label_it

    @property
    def source_label(self) -> str:
        return codes.StemCellSource(self.source).label_it

    @property
    def state_label(self) -> str:
        return codes.CaseState(self.state).label_it

    @property
    def is_open(self) -> bool:
        return self.state in codes.OPEN_STATES

    @property
    def recipient_hla_rows(self) -> list[list[str]]:
        """The recipient's alleles locus by locus in the usual order (A, B, C, DRB1, DQB1)."""
        order = ("A", "B", "C", "DRB1", "DQB1")
        return [self.recipient_hla[lo] for lo in order if lo in (self.recipient_hla or {})]

    @property
    def cancellable(self) -> bool:
        """Before the infusion the pathway may be cancelled; after it, it is closed."""
        return self.state in codes.BEFORE_INFUSION
