"""Stock of the hospital pharmacy (UFA) and of the ward cabinets: places, lots, movements.

Persistence only. Every change goes through ``services``; nothing is deleted (locations
and cost centres are deactivated; a movement is corrected by another movement).
``StockMovement`` is append-only (a database trigger refuses UPDATE and DELETE);
``StockLot.quantity`` can never go below zero (check constraint).
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from corsia.core.models import TimeStampedModel
from corsia.core.triggers import read_only_movable


@pghistory.track()
class CostCenter(TimeStampedModel):
    """A cost centre (centro di costo) that consumption is charged to."""

    code = models.CharField(_("codice"), max_length=20, unique=True)
    name = models.CharField(_("nome"), max_length=120)
    ward = models.ForeignKey(
        "patients.Ward",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cost_centers",
        verbose_name=_("reparto"),
    )
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("centro di costo")
        verbose_name_plural = _("centri di costo")
        default_permissions = ()
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class LocationKind(models.TextChoices):
    PHARMACY = "pharmacy", _("Magazzino farmacia")
    UFA = "ufa", _("UFA")
    WARD_CABINET = "ward_cabinet", _("Armadio di reparto")
    FRIDGE = "fridge", _("Frigorifero")


@pghistory.track()
class StorageLocation(TimeStampedModel):
    """A place that holds stock: a cabinet, a shelf in it, a fridge. ``pick_order`` sorts
    siblings on the pick list (the walking order)."""

    code = models.CharField(_("codice"), max_length=30, unique=True)
    name = models.CharField(_("nome"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=20, choices=LocationKind.choices)
    ward = models.ForeignKey(
        "patients.Ward",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="storage_locations",
        verbose_name=_("reparto"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("contenuto in"),
    )
    pick_order = models.IntegerField(_("ordine di prelievo"), default=0)
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("ubicazione")
        verbose_name_plural = _("ubicazioni")
        default_permissions = ()
        ordering = ["pick_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="inventory_location_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


@pghistory.track()
class StockLot(TimeStampedModel):
    """How many units (vials, tablets) of one lot of a product one location holds."""

    product = models.ForeignKey(
        "drugs.MedicinalProduct",
        on_delete=models.PROTECT,
        related_name="stock_lots",
        verbose_name=_("medicinale"),
    )
    pack = models.ForeignKey(
        "drugs.Pack",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_lots",
        verbose_name=_("confezione (AIC)"),
    )
    lot = models.CharField(_("lotto"), max_length=40)
    expiry = models.DateField(_("scadenza"))
    location = models.ForeignKey(
        StorageLocation,
        on_delete=models.PROTECT,
        related_name="lots",
        verbose_name=_("ubicazione"),
    )
    quantity = models.IntegerField(_("quantità (unità)"), default=0)
    unit_cost = models.DecimalField(_("costo unitario (€)"), max_digits=12, decimal_places=4)

    class Meta:
        verbose_name = _("lotto in giacenza")
        verbose_name_plural = _("lotti in giacenza")
        default_permissions = ()
        ordering = ["product", "expiry", "lot"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "lot", "location"], name="inventory_stocklot_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="inventory_stocklot_quantity_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0), name="inventory_stocklot_cost_not_negative"
            ),
        ]
        indexes = [models.Index(name="inventory_lot_expiry", fields=["expiry"])]

    def __str__(self) -> str:
        return f"{self.product} lotto {self.lot} ({self.location.code})"


class MovementKind(models.TextChoices):
    LOAD = "load", _("Carico")
    UNLOAD = "unload", _("Scarico")
    TRANSFER = "transfer", _("Trasferimento")
    RETURN = "return", _("Reso")
    WASTE = "waste", _("Scarto")
    ADJUST = "adjust", _("Rettifica inventariale")


class StockMovement(models.Model):
    """One movement of units of one lot. Append-only: a mistake is corrected by a new
    movement, never by editing this one. ``quantity`` is always positive; the direction is
    given by ``from_location`` (units leave) and ``to_location`` (units arrive)."""

    kind = models.CharField(_("tipo"), max_length=10, choices=MovementKind.choices)
    product = models.ForeignKey(
        "drugs.MedicinalProduct", on_delete=models.PROTECT, related_name="+"
    )
    pack = models.ForeignKey(
        "drugs.Pack", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lot = models.CharField(_("lotto"), max_length=40)
    expiry = models.DateField(_("scadenza"))
    from_location = models.ForeignKey(
        StorageLocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_location = models.ForeignKey(
        StorageLocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.IntegerField(_("quantità (unità)"))
    unit_cost = models.DecimalField(_("costo unitario (€)"), max_digits=12, decimal_places=4)
    cost_center = models.ForeignKey(
        CostCenter, null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("riferimento"), max_length=120, blank=True)
    supplier = models.CharField(_("fornitore"), max_length=120, blank=True)
    document_date = models.DateField(_("data documento"), null=True, blank=True)
    reason = models.TextField(_("motivo"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    at = models.DateTimeField(_("data e ora"))

    class Meta:
        verbose_name = _("movimento di magazzino")
        verbose_name_plural = _("movimenti di magazzino")
        default_permissions = ()
        ordering = ["-at", "-id"]
        indexes = [
            # the movements page by page, the newest first (issue 27): the ordering whole
            models.Index(name="inventory_move_at_id", fields=["-at", "-id"]),
            models.Index(name="inventory_move_cc_at", fields=["cost_center", "at"]),
            models.Index(name="inventory_move_product_lot", fields=["product", "lot"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="inventory_movement_quantity_positive"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="load", from_location__isnull=True, to_location__isnull=False)
                    | Q(kind__in=["unload", "waste"], from_location__isnull=False)
                    & Q(to_location__isnull=True)
                    | Q(kind="transfer", from_location__isnull=False, to_location__isnull=False)
                    | Q(kind="return", to_location__isnull=False)
                    | Q(kind="adjust")
                    & (Q(from_location__isnull=True) ^ Q(to_location__isnull=True))
                ),
                name="inventory_movement_direction",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["return", "waste", "adjust"]) | ~Q(reason=""),
                name="inventory_movement_reason_required",
            ),
        ]
        triggers = [read_only_movable("append_only")]  # the merge re-points patient_id

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} × {self.lot}"
