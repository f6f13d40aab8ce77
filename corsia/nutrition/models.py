"""The saved parenteral nutrition orders: the order (by needs or from a multi-chamber bag
with additions), its lines, the results computed at signing, and the wards' templates.

Persistence only. Access is governed by the named permissions of
``corsia.accounts.domain.roles`` (``nutrition.*``), so every model has
``default_permissions = ()``. An order is edited only by its services under optimistic
locking (``version``); from signing on, its content (lines, weight, route, results) is
frozen by triggers and only the state moves on (validated or rejected, prepared,
administered or cancelled). Nothing is deleted. Tracked by django-pghistory.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from corsia.core.models import VersionedModel
from corsia.core.triggers import frozen_when_movable, read_only_movable
from corsia.nutrition.domain.bag_scan import bag_payload

# what signing fixes: none of these changes after the draft
_SIGNED_CONTENT = (
    "patient_id", "age_group", "mode", "route", "infusion_hours", "preterm", "for_date",
    "prescriber_id", "weight_kg", "weight_measured_at", "age_days", "results", "blocked",
    "warning_reason", "signed_at", "signed_by_id", "lines_revision",
)  # fmt: skip


class OrderState(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    SIGNED = "signed", _("Firmata")
    VALIDATED = "validated", _("Validata")
    REJECTED = "rejected", _("Respinta")
    PREPARED = "prepared", _("Allestita")
    ADMINISTERED = "administered", _("Somministrata")
    CANCELLED = "cancelled", _("Annullata")


class AgeGroup(models.TextChoices):
    ADULT = "adult", _("Adulto")
    PAEDIATRIC = "paediatric", _("Pediatrico")
    NEONATAL = "neonatal", _("Neonatale")


class OrderMode(models.TextChoices):
    NEEDS = "needs", _("Per fabbisogni")
    BAG = "bag", _("Sacca multicamera con aggiunte")


class RouteChoice(models.TextChoices):
    CENTRAL = "central", _("Centrale")
    PERIPHERAL = "peripheral", _("Periferica")


@pghistory.track()
class WardTemplate(VersionedModel):
    """A named set of per-kg needs of a ward for an age group, to start an order from."""

    name = models.CharField(_("nome"), max_length=120)
    ward = models.CharField(_("reparto"), max_length=120)
    age_group = models.CharField(_("fascia d'età"), max_length=12, choices=AgeGroup.choices)
    mode = models.CharField(_("modalità"), max_length=8, choices=OrderMode.choices)
    route = models.CharField(_("via"), max_length=12, choices=RouteChoice.choices)
    infusion_hours = models.DecimalField(_("ore di infusione"), max_digits=4, decimal_places=2)
    # [{"code", "amount", "unit"}] in the prescription's order, amounts as strings
    lines = models.JSONField(_("componenti"), default=list)
    active = models.BooleanField(_("attivo"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("schema di reparto per nutrizione parenterale")
        verbose_name_plural = _("schemi di reparto per nutrizione parenterale")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["ward", "name"], name="nutrition_template_unique")
        ]
        triggers = [pgtrigger.Protect(name="template_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.ward} · {self.name}"


@pghistory.track()
class NutritionOrder(VersionedModel):
    """One bag of parenteral nutrition for a patient on a date, from the prescriber's draft
    to the bedside."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="nutrition_orders"
    )
    state = models.CharField(_("stato"), max_length=14, choices=OrderState.choices)
    age_group = models.CharField(_("fascia d'età"), max_length=12, choices=AgeGroup.choices)
    mode = models.CharField(_("modalità"), max_length=8, choices=OrderMode.choices)
    route = models.CharField(_("via"), max_length=12, choices=RouteChoice.choices)
    infusion_hours = models.DecimalField(_("ore di infusione"), max_digits=4, decimal_places=2)
    preterm = models.BooleanField(_("pretermine"), default=False)
    for_date = models.DateField(_("per il giorno"))
    template = models.ForeignKey(
        WardTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    # the patient's weight the bag is computed on (the chart's, fixed at signing)
    weight_kg = models.DecimalField(_("peso (kg)"), max_digits=7, decimal_places=3, null=True)
    weight_measured_at = models.DateTimeField(_("peso rilevato il"), null=True)
    age_days = models.DecimalField(_("età (giorni)"), max_digits=9, decimal_places=2, null=True)
    # the composition and every finding, computed at signing (the preview's answer)
    results = models.JSONField(_("risultati"), default=dict)
    blocked = models.BooleanField(_("controlli bloccanti"), default=False)
    warning_reason = models.TextField(_("motivo per procedere nonostante gli avvisi"), blank=True)
    signed_at = models.DateTimeField(_("firmata il"), null=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    validated_at = models.DateTimeField(_("validata il"), null=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    validation_note = models.TextField(_("nota del farmacista"), blank=True)
    rejection_reason = models.TextField(_("motivo del rifiuto"), blank=True)
    prepared_at = models.DateTimeField(_("allestita il"), null=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_out_at = models.DateTimeField(_("consegnata al reparto il"), null=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    administered_at = models.DateTimeField(_("somministrata il"), null=True)
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # the bedside start: the scans that matched and the pump's rate
    rate_ml_h = models.DecimalField(
        _("velocità impostata (mL/h)"), max_digits=6, decimal_places=1, null=True
    )
    wristband_scan = models.CharField(
        _("braccialetto letto"), max_length=64, blank=True, db_default=""
    )
    label_scan = models.CharField(_("etichetta letta"), max_length=64, blank=True, db_default="")
    # the end of the infusion, recorded once by the nurse
    ended_at = models.DateTimeField(_("infusione terminata il"), null=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    infused_ml = models.DecimalField(
        _("volume infuso (mL)"), max_digits=7, decimal_places=1, null=True
    )
    end_reason = models.TextField(
        _("motivo dell'interruzione anticipata"), blank=True, db_default=""
    )
    cancel_reason = models.TextField(_("motivo dell'annullamento"), blank=True)
    # the revision of the lines in force: editing a draft writes its lines again under the
    # next revision (lines are written once; the earlier revisions stay, superseded)
    lines_revision = models.PositiveSmallIntegerField(
        _("revisione dei componenti"), default=1, db_default=1
    )

    class Meta:
        verbose_name = _("nutrizione parenterale")
        verbose_name_plural = _("nutrizioni parenterali")
        default_permissions = ()
        indexes = [
            models.Index(name="nutrition_order_patient", fields=["patient", "-for_date"]),
            models.Index(name="nutrition_order_day", fields=["for_date", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(state="cancelled", signed_at__isnull=True)
                | Q(signed_at__isnull=False, blocked=False),
                name="nutrition_order_signed_not_blocked",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(rejection_reason=""),
                name="nutrition_order_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="cancelled") | ~Q(cancel_reason=""),
                name="nutrition_order_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(validated_by__isnull=True) | ~Q(validated_by=models.F("prescriber")),
                name="nutrition_order_not_self_validated",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(
                    state="administered", administered_at__isnull=False,
                    ended_at__gte=models.F("administered_at"), ended_by__isnull=False,
                    infused_ml__isnull=False,
                ),
                name="nutrition_order_ended_after_start",
            ),
        ]  # fmt: skip
        triggers = [
            pgtrigger.Protect(name="order_no_delete", operation=pgtrigger.Delete),
            # a started bag changes once more: its end recorded (then nothing at all)
            frozen_when_movable(
                "order_closed_frozen",
                "OLD.state IN ('rejected', 'cancelled') OR (OLD.state = 'administered' AND ("
                "OLD.ended_at IS NOT NULL OR NEW.ended_at IS NULL"
                " OR NEW.state IS DISTINCT FROM OLD.state"
                " OR NEW.administered_at IS DISTINCT FROM OLD.administered_at"
                " OR NEW.rate_ml_h IS DISTINCT FROM OLD.rate_ml_h"
                " OR NEW.wristband_scan IS DISTINCT FROM OLD.wristband_scan"
                " OR NEW.label_scan IS DISTINCT FROM OLD.label_scan))",
            ),
            frozen_when_movable(
                "order_signed_content_frozen",
                "OLD.state <> 'draft' AND ("
                + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _SIGNED_CONTENT)
                + ")",
            ),
        ]

    def __str__(self) -> str:
        return f"NPT #{self.pk} ({self.for_date:%d/%m/%Y})"

    @property
    def bag_id(self) -> str:
        """The bag's label barcode payload (``NPT-<id>``)."""
        return bag_payload(self.pk) if self.pk else ""


class ScanKind(models.TextChoices):
    WRISTBAND = "wristband", _("braccialetto")
    LABEL = "label", _("etichetta")


class ScanOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("accettata")
    REFUSED = "refused", _("rifiutata")


class BedsideScan(models.Model):
    """Every scan of a bedside start, accepted or refused (as chemotherapy's bedside keeps
    its scans): what was read, the pump's rate typed with it, the outcome and the refusal's
    code, the nurse, when and where. Append-only (a merge re-points the patient)."""

    kind = models.CharField(_("tipo"), max_length=10, choices=ScanKind.choices)
    raw = models.CharField(_("codice letto"), max_length=64)
    outcome = models.CharField(_("esito"), max_length=10, choices=ScanOutcome.choices)
    code = models.CharField(_("codice del rifiuto"), max_length=60, blank=True)
    message = models.TextField(_("messaggio"), blank=True)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        NutritionOrder, null=True, on_delete=models.PROTECT, related_name="bedside_scans"
    )
    rate_ml_h = models.DecimalField(
        _("velocità indicata (mL/h)"), max_digits=12, decimal_places=1, null=True
    )
    nurse = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    scanned_at = models.DateTimeField(_("letta il"))

    class Meta:
        verbose_name = _("lettura al letto (NPT)")
        verbose_name_plural = _("letture al letto (NPT)")
        default_permissions = ()
        ordering = ["-scanned_at", "-id"]
        indexes = [models.Index(name="nutrition_scan_patient", fields=["patient", "-scanned_at"])]
        triggers = [read_only_movable("bedside_scan_read_only")]

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome} {self.scanned_at:%d/%m/%Y %H:%M}"


class BagWeighing(models.Model):
    """One gravimetric check of a compounded bag, passed or failed: who weighed it, when,
    where, what was measured and expected. Written once (a failed weighing is kept; the bag
    stays unprepared until a weighing passes)."""

    order = models.ForeignKey(NutritionOrder, on_delete=models.PROTECT, related_name="weighings")
    gross_g = models.DecimalField(_("peso lordo (g)"), max_digits=9, decimal_places=2)
    tare_g = models.DecimalField(_("tara (g)"), max_digits=9, decimal_places=2)
    measured_net_g = models.DecimalField(_("peso netto (g)"), max_digits=9, decimal_places=2)
    expected_net_g = models.DecimalField(_("peso netto atteso (g)"), max_digits=9, decimal_places=2)
    deviation_g = models.DecimalField(_("scostamento (g)"), max_digits=9, decimal_places=2)
    deviation_percent = models.DecimalField(
        _("scostamento percentuale"), max_digits=12, decimal_places=2
    )
    tolerance_percent = models.DecimalField(
        _("tolleranza percentuale"), max_digits=5, decimal_places=2
    )
    passed = models.BooleanField(_("entro tolleranza"))
    # the components whose density is still an estimate ("da verificare")
    densities_to_verify = models.JSONField(_("densità da verificare"), default=list)
    weighed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    weighed_at = models.DateTimeField(_("pesata il"))
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("controllo gravimetrico della sacca NPT")
        verbose_name_plural = _("controlli gravimetrici delle sacche NPT")
        default_permissions = ()
        ordering = ["order", "weighed_at", "id"]
        triggers = [
            pgtrigger.Protect(
                name="weighing_written_once", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.measured_net_g} g / {self.expected_net_g} g"


class CurrentLines(models.Manager["NutritionOrderLine"]):
    """The lines of the order's revision in force (``order.lines`` reads through it, being
    the default manager); ``NutritionOrderLine.every_revision`` reads them all."""

    def get_queryset(self) -> models.QuerySet[NutritionOrderLine]:
        return super().get_queryset().filter(revision=models.F("order__lines_revision"))


@pghistory.track()
class NutritionOrderLine(models.Model):
    """One component of an order: a code of the pharmacy's catalogue and its amount with
    the unit as prescribed, written once with its draft (or with a revision of the draft:
    an edit writes the lines again under the order's next ``lines_revision``)."""

    order = models.ForeignKey(NutritionOrder, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField(_("posizione"))
    code = models.CharField(_("componente"), max_length=40)
    amount = models.DecimalField(_("quantità"), max_digits=12, decimal_places=4)
    unit = models.CharField(_("unità"), max_length=8)
    revision = models.PositiveSmallIntegerField(_("revisione"), default=1, db_default=1)

    objects = CurrentLines()  # the first, the default: what ``order.lines`` reads
    every_revision = models.Manager()  # noqa: DJ012 - a manager, after the default one

    class Meta:
        verbose_name = _("componente della nutrizione parenterale")
        verbose_name_plural = _("componenti della nutrizione parenterale")
        default_permissions = ()
        ordering = ["order", "revision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "revision", "position"], name="nutrition_line_position"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="nutrition_line_positive"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="line_written_once", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.amount} {self.unit}"
