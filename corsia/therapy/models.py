"""The ward's non-antiblastic prescriptions and the doses the nurses record.

Persistence only; access is governed by the named permissions of
``corsia.accounts.domain.roles`` (``therapy.*``), so ``default_permissions = ()``.

A prescription is signed by the physician when it is written: its clinical content never
changes again (trigger ``signed_content_frozen``); only its status moves (suspended, or
replaced by a new prescription that ``replaces`` it), with who, when and why. A dose
record is written once (``append_only``). Nothing is deleted.
"""

from __future__ import annotations

from datetime import datetime

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
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
    # only on a correction: the record it supersedes was entered in error (wrong line,
    # patient or time) and counts for nothing; the dose is open again
    IN_ERROR = "in_error", _("Registrata per errore")


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
    # the dose actually given, in the prescription's unit, when a correction says it was
    # not the prescribed one (None: as prescribed); the time it was given, when a
    # correction moves it (None: ``recorded_at``)
    amount = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    given_at = models.DateTimeField(null=True, blank=True)
    # a correction: the record it supersedes (one correction per record: one-to-one), why,
    # and what it changed ({field: [before, after]}); ``nurse`` is who corrected
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    correction_reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    # the records of one due dose in order (0 the first; a correction or a new record after
    # an entry in error takes the next): the unique constraint keeps one writer per slot
    slot = models.PositiveSmallIntegerField(default=0)

    class Meta:
        default_permissions = ()
        ordering = ["recorded_at", "pk"]
        indexes = [
            # a patient's doses page by page, the latest given first (the FHIR server's
            # MedicationAdministration, issue 27): the ordering whole
            models.Index(
                F("patient"),
                Coalesce("given_at", "recorded_at").desc(),
                F("id").desc(),
                name="dose_patient_at",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["prescription", "due_at", "slot"],
                condition=Q(due_at__isnull=False),
                name="therapy_one_record_per_due_slot",
            )
        ]
        triggers = [read_only_movable("append_only")]  # the merge re-points patient_id

    @classmethod
    def current(cls) -> models.QuerySet[DoseRecord]:
        """The records that count: not superseded by a correction, not an entry in error."""
        return cls.objects.filter(corrected_by__isnull=True).exclude(outcome=DoseOutcome.IN_ERROR)

    @property
    def superseded(self) -> bool:
        return hasattr(self, "corrected_by")

    @property
    def at(self) -> datetime:
        """When the dose was given (or not): a correction's time, else the record's."""
        return self.given_at or self.recorded_at


class CabinetMoveKind(models.TextChoices):
    UNLOAD = "unload", _("Scarico")
    REVERSAL = "reversal", _("Storno")


@pghistory.track()
class CabinetMove(TimeStampedModel):
    """What a dose took from (or a correction gave back to) the ward cabinet: the product,
    the units, the lots the inventory moved; or, when it could not (no cabinet, no stock,
    a unit that does not convert), the problem flagged for the pharmacy. The dose is
    recorded all the same. Written once."""

    dose = models.ForeignKey(DoseRecord, on_delete=models.PROTECT, related_name="cabinet_moves")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    ward = models.ForeignKey(
        "patients.Ward", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        "drugs.MedicinalProduct", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=CabinetMoveKind.choices)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    lots = models.JSONField(default=list, blank=True)  # [{"lot": ..., "quantity": ...}]
    flagged = models.BooleanField(default=False)
    problem = models.CharField(max_length=40, blank=True)  # a stable code
    message = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        default_permissions = ()
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["ward", "at"], name="therapy_cabinet_ward_at")]
        triggers = [read_only_movable("append_only")]


class CabinetLevel(TimeStampedModel):
    """The reorder level of a product in a ward's cabinet (units): below it, the cabinet's
    page says so."""

    ward = models.ForeignKey("patients.Ward", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(
        "drugs.MedicinalProduct", on_delete=models.PROTECT, related_name="+"
    )
    reorder_level = models.PositiveIntegerField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["ward", "product"], name="therapy_one_level")
        ]
