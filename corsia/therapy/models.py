"""The ward's non-antiblastic prescriptions and the doses the nurses record.

Persistence only; access is governed by the named permissions of
``corsia.accounts.domain.roles`` (``therapy.*``), so ``default_permissions = ()``.

A prescription is signed by the physician when it is written: its clinical content never
changes again (trigger ``signed_content_frozen``); only its status moves (suspended, or
replaced by a new prescription that ``replaces`` it), with who, when and why. A dose
record is written once (``append_only``). Nothing is deleted.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from corsia.core.models import TimeStampedModel, VersionedModel
from corsia.core.triggers import read_only_movable

# The columns the status change may write; every other column is frozen once signed.
STATUS_COLUMNS = [
    "status",
    "status_reason",
    "status_changed_by",
    "status_changed_at",
    "version",
    "updated_at",
    "updated_by",
    "patient",  # a patient merge re-points it
]


class PrescriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Attiva")
    SUSPENDED = "suspended", _("Sospesa")
    REPLACED = "replaced", _("Sostituita")


class Frequency(models.TextChoices):
    SCHEDULED = "scheduled", _("A orari fissi")
    SINGLE = "single", _("Dose singola")
    PRN = "prn", _("Al bisogno")


class Route(models.TextChoices):
    ORAL = "os", _("per os")
    IV = "ev", _("endovenosa")
    SC = "sc", _("sottocutanea")
    IM = "im", _("intramuscolare")
    SUBLINGUAL = "sl", _("sublinguale")
    RECTAL = "rettale", _("rettale")
    TRANSDERMAL = "transdermica", _("transdermica")
    INHALED = "inalatoria", _("inalatoria")
    TOPICAL = "topica", _("topica")


@pghistory.track()
class WardPrescription(VersionedModel):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="ward_prescriptions"
    )
    ward = models.ForeignKey(
        "patients.Ward", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ingredient = models.ForeignKey(
        "drugs.ActiveIngredient", on_delete=models.PROTECT, related_name="ward_prescriptions"
    )
    product = models.ForeignKey(
        "drugs.MedicinalProduct",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ward_prescriptions",
    )
    dose = models.DecimalField(_("dose"), max_digits=14, decimal_places=4)
    dose_unit = models.CharField(_("unità"), max_length=6)
    route = models.CharField(_("via"), max_length=16, choices=Route.choices)
    frequency = models.CharField(_("frequenza"), max_length=10, choices=Frequency.choices)
    times = models.JSONField(_("orari"), default=list, blank=True)  # ["08:00", "20:00"]
    start_date = models.DateField(_("dal"))
    days = models.PositiveSmallIntegerField(_("per giorni"), null=True, blank=True)
    single_at = models.DateTimeField(_("alle"), null=True, blank=True)
    prn_indication = models.CharField(_("indicazione"), max_length=200, blank=True)
    prn_min_interval_hours = models.DecimalField(
        _("intervallo minimo (ore)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    prn_max_per_day = models.PositiveSmallIntegerField(
        _("massimo in 24 ore"), null=True, blank=True
    )
    notes = models.TextField(_("note"), blank=True)
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("firmata il"))
    workstation = models.CharField(max_length=120, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    # what the physician went past, each with its reason: limit blocks, allergy matches,
    # interactions (JSON: check, what, reason, who, when)
    overrides = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)  # shown, not blocking
    status = models.CharField(
        max_length=10, choices=PrescriptionStatus.choices, default=PrescriptionStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-signed_at", "-pk"]
        indexes = [models.Index(fields=["patient", "status"], name="therapy_rx_patient_status")]
        triggers = [
            pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="signed_content_frozen",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(exclude=STATUS_COLUMNS),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ingredient} {self.dose} {self.dose_unit}"


class DoseOutcome(models.TextChoices):
    GIVEN = "given", _("Somministrata")
    NOT_GIVEN = "not_given", _("Non somministrata")


class NotGivenReason(models.TextChoices):
    REFUSED = "refused", _("Rifiutata dal paziente")
    FASTING = "fasting", _("Paziente a digiuno")
    ABSENT = "absent", _("Paziente assente dal reparto")
    VOMITED = "vomited", _("Vomito")
    HELD = "held", _("Sospesa dal medico")
    UNAVAILABLE = "unavailable", _("Farmaco non disponibile")
    OTHER = "other", _("Altro (specificare)")


@pghistory.track()
class DoseRecord(TimeStampedModel):
    """One dose of a ward prescription: given or not (with the reason), by whom, when.

    A scheduled or single dose has its ``due_at`` and is recorded once (the unique
    constraint: of two nurses acting at once, one wins); an as-needed dose has none."""

    prescription = models.ForeignKey(
        WardPrescription, on_delete=models.PROTECT, related_name="doses"
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("prevista alle"), null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=DoseOutcome.choices)
    reason = models.CharField(max_length=12, choices=NotGivenReason.choices, blank=True)
    note = models.CharField(_("nota"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("registrata alle"))
    pack_aic = models.CharField(max_length=9, blank=True)
    pack_gtin = models.CharField(max_length=14, blank=True)
    lot = models.CharField(max_length=40, blank=True)
    expiry = models.DateField(null=True, blank=True)
    nurse = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(max_length=120, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["prescription", "due_at"],
                condition=Q(due_at__isnull=False),
                name="therapy_one_record_per_due_dose",
            )
        ]
        triggers = [read_only_movable("append_only")]  # the merge re-points patient_id
