"""Requests from the wards and clinics to the pharmacy, and the cabinets' par levels.

``WardRequest`` carries its current state (the rules: ``domain.ward_requests``); every step
(who, when, from which workstation, why) is a ``WardRequestStep`` row, append-only. Each
pack scanned at the pick and at the receipt is a ``WardRequestScan``, each difference found
at the receipt a ``WardRequestDiscrepancy``: append-only too (a database trigger refuses
UPDATE and DELETE). Nothing is deleted: a request is cancelled with its reason, a par level
deactivated, and their history kept (``pghistory``).
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from corsia.core.models import TimeStampedModel, VersionedModel
from corsia.inventory.models.stock import StorageLocation


def _append_only() -> pgtrigger.Protect:
    return pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


class RequestKindChoice(models.TextChoices):
    NAMED_PATIENT = "named_patient", _("Nominale (per paziente)")
    WARD_STOCK = "ward_stock", _("Scorta di reparto")


class UrgencyChoice(models.TextChoices):
    URGENT = "urgent", _("Urgente")
    ROUTINE = "routine", _("Ordinaria")


class RequestStateChoice(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    SUBMITTED = "submitted", _("Inviata")
    EVALUATED = "evaluated", _("Valutata")
    REFUSED = "refused", _("Rifiutata")
    PICKED = "picked", _("Prelevata")
    DELIVERED = "delivered", _("Consegnata")
    RECEIVED = "received", _("Ricevuta")
    CANCELLED = "cancelled", _("Annullata")


class DecisionChoice(models.TextChoices):
    APPROVE = "approve", _("Approvata")
    MODIFY = "modify", _("Quantità modificata")
    REFUSE = "refuse", _("Rifiutata")
    SUBSTITUTE = "substitute", _("Sostituita con un equivalente")


@pghistory.track()
class ParLevel(TimeStampedModel):
    """How much of a product a ward cabinet should hold (``par``) and at or below which
    quantity it is restocked (``reorder_point``)."""

    cabinet = models.ForeignKey(
        StorageLocation,
        on_delete=models.PROTECT,
        related_name="par_levels",
        verbose_name=_("armadio di reparto"),
    )
    product = models.ForeignKey(
        "drugs.MedicinalProduct", on_delete=models.PROTECT, related_name="+"
    )
    par = models.PositiveIntegerField(_("scorta ottimale (unità)"))
    reorder_point = models.PositiveIntegerField(_("punto di riordino (unità)"))
    is_active = models.BooleanField(_("attivo"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("livello di scorta")
        verbose_name_plural = _("livelli di scorta")
        default_permissions = ()
        ordering = ["cabinet", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["cabinet", "product"], name="inventory_parlevel_unique"
            ),
            models.CheckConstraint(
                condition=Q(par__gt=0) & Q(reorder_point__lt=models.F("par")),
                name="inventory_parlevel_point_below_par",
            ),
        ]


@pghistory.track()
class WardRequest(VersionedModel):
    """A ward's (or clinic's) request to the pharmacy, for named patients or for the ward
    stock, delivered into the ward's cabinet."""

    ward = models.ForeignKey(
        "patients.Ward", on_delete=models.PROTECT, related_name="+", verbose_name=_("reparto")
    )
    cabinet = models.ForeignKey(
        StorageLocation,
        on_delete=models.PROTECT,
        related_name="ward_requests",
        verbose_name=_("armadio di reparto"),
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=RequestKindChoice.choices)
    urgency = models.CharField(_("urgenza"), max_length=10, choices=UrgencyChoice.choices)
    state = models.CharField(
        _("stato"),
        max_length=12,
        choices=RequestStateChoice.choices,
        default=RequestStateChoice.DRAFT,
    )
    note = models.TextField(_("note del reparto"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("richiesta il"))
    requested_workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    # the pharmacy person who scanned the first pack: the pick is theirs
    picker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivery_number = models.CharField(_("documento di consegna"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("richiesta di reparto")
        verbose_name_plural = _("richieste di reparto")
        default_permissions = ()
        ordering = ["-requested_at", "-id"]
        indexes = [
            # the queue and the API's list (urgent first, then the oldest), by state or all
            models.Index(
                name="inventory_wardreq_state_queue",
                fields=["state", "-urgency", "requested_at", "id"],
            ),
            models.Index(name="inventory_wardreq_queue", fields=["-urgency", "requested_at", "id"]),
            # the requests page by page, the newest first (issue 27): every ward's (the
            # pharmacy) and one ward's (a ward's staff), the ordering whole
            models.Index(name="inventory_wardreq_at_id", fields=["-requested_at", "-id"]),
            models.Index(
                name="inventory_wardreq_ward_at_id", fields=["ward", "-requested_at", "-id"]
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery_number"],
                condition=~Q(delivery_number=""),
                name="inventory_wardreq_delivery_unique",
            )
        ]

    @property
    def number(self) -> str:
        return f"RR-{self.requested_at:%Y}-{self.pk:06d}"

    def __str__(self) -> str:
        return self.number


class WardRequestStep(models.Model):
    """One step of a request: its new state, who, when, where, why. Append-only."""

    request = models.ForeignKey(WardRequest, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(_("azione"), max_length=20)
    state = models.CharField(_("stato"), max_length=12, choices=RequestStateChoice.choices)
    reason = models.TextField(_("motivo"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    at = models.DateTimeField(_("data e ora"))

    class Meta:
        verbose_name = _("passaggio della richiesta")
        verbose_name_plural = _("passaggi della richiesta")
        default_permissions = ()
        ordering = ["at", "id"]
        triggers = [_append_only()]

    def __str__(self) -> str:
        return f"{self.action} → {self.state}"


@pghistory.track()
class WardRequestLine(VersionedModel):
    """A product asked for (for a patient, on a named request), the pharmacist's decision
    and the units approved, picked and received."""

    request = models.ForeignKey(WardRequest, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveIntegerField(_("riga"))
    product = models.ForeignKey(
        "drugs.MedicinalProduct", on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    units_requested = models.PositiveIntegerField(_("unità richieste"))
    note = models.CharField(_("nota"), max_length=200, blank=True)
    decision = models.CharField(
        _("decisione"), max_length=12, choices=DecisionChoice.choices, blank=True
    )
    decision_reason = models.TextField(_("motivo della decisione"), blank=True)
    substitute = models.ForeignKey(
        "drugs.MedicinalProduct",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sostituito con"),
    )
    units_approved = models.PositiveIntegerField(_("unità approvate"), null=True, blank=True)
    units_picked = models.PositiveIntegerField(_("unità prelevate"), default=0)
    units_received = models.PositiveIntegerField(_("unità ricevute"), null=True, blank=True)

    class Meta:
        verbose_name = _("riga della richiesta")
        verbose_name_plural = _("righe della richiesta")
        default_permissions = ()
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "position"], name="inventory_wardreqline_position"
            ),
            models.CheckConstraint(
                condition=Q(units_requested__gt=0), name="inventory_wardreqline_requested"
            ),
            models.CheckConstraint(
                condition=Q(units_approved__isnull=True)
                | Q(units_picked__lte=models.F("units_approved")),
                name="inventory_wardreqline_picked_le_approved",
            ),
            models.CheckConstraint(
                condition=~Q(decision__in=["modify", "refuse", "substitute"])
                | ~Q(decision_reason=""),
                name="inventory_wardreqline_reason",
            ),
            models.CheckConstraint(
                condition=~Q(decision="substitute") | Q(substitute__isnull=False),
                name="inventory_wardreqline_substitute",
            ),
        ]

    @property
    def product_to_give_id(self) -> int:
        """The product the pharmacy gives: the substitute when there is one."""
        return self.substitute_id or self.product_id


class ScanAct(models.TextChoices):
    PICK = "pick", _("Prelievo")
    RECEIPT = "receipt", _("Ricevimento")


class WardRequestScan(models.Model):
    """A pack scanned into the pick (from a pharmacy place) or at the ward's receipt."""

    line = models.ForeignKey(WardRequestLine, on_delete=models.PROTECT, related_name="scans")
    act = models.CharField(_("fase"), max_length=10, choices=ScanAct.choices)
    barcode = models.CharField(_("codice letto"), max_length=200)
    pack = models.ForeignKey("drugs.Pack", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(
        "drugs.MedicinalProduct", on_delete=models.PROTECT, related_name="+"
    )
    lot = models.CharField(_("lotto"), max_length=40)
    expiry = models.DateField(_("scadenza"))
    units = models.PositiveIntegerField(_("unità"))
    location = models.ForeignKey(
        StorageLocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    at = models.DateTimeField(_("data e ora"))

    class Meta:
        verbose_name = _("confezione letta")
        verbose_name_plural = _("confezioni lette")
        default_permissions = ()
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(units__gt=0), name="inventory_wardscan_units"),
            models.CheckConstraint(
                condition=~Q(act="pick") | Q(location__isnull=False),
                name="inventory_wardscan_pick_location",
            ),
        ]
        triggers = [_append_only()]

    def __str__(self) -> str:
        return f"{self.get_act_display()} {self.units} × {self.lot}"


class WardRequestDiscrepancy(models.Model):
    """A difference the ward found at the receipt (missing, excess, damaged), with why."""

    line = models.ForeignKey(
        WardRequestLine, on_delete=models.PROTECT, related_name="discrepancies"
    )
    kind = models.CharField(_("tipo"), max_length=10)
    units = models.PositiveIntegerField(_("unità"))
    reason = models.TextField(_("motivo"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    at = models.DateTimeField(_("data e ora"))

    class Meta:
        verbose_name = _("discrepanza al ricevimento")
        verbose_name_plural = _("discrepanze al ricevimento")
        default_permissions = ()
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(units__gt=0), name="inventory_warddiscr_units"),
            models.CheckConstraint(condition=~Q(reason=""), name="inventory_warddiscr_reason"),
        ]
        triggers = [_append_only()]

    def __str__(self) -> str:
        return f"{self.kind} {self.units}"
