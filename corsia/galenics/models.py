"""The galenic laboratory's tables: the formulary (formulas in versions, with their
ingredients), the batches prepared from a published version (the worksheet lines with
what was weighed and from which lot, the quality controls) and what was dispensed.

Persistence only. Access is governed by the named permissions of
``corsia.accounts.domain.roles`` (``galenics.*``), so every model has
``default_permissions = ()``. A published formula is read-only (a change is a new
version); a released batch is frozen but for its dispensings, a rejected one entirely.
Nothing is deleted; every table is tracked by django-pghistory.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from corsia.core.models import TimeStampedModel, VersionedModel
from corsia.core.triggers import read_only_movable
from corsia.galenics.domain.batch import control_label
from corsia.galenics.domain.units import Unit

_USER = settings.AUTH_USER_MODEL
UNIT_CHOICES = [(u.value, u.label_it) for u in Unit]


class FormulaKind(models.TextChoices):
    MAGISTRAL = "magistral", _("Magistrale")
    OFFICINAL = "officinal", _("Officinale")


class FormulaState(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    PUBLISHED = "published", _("Pubblicata")
    SUPERSEDED = "superseded", _("Sostituita")


@pghistory.track()
class Formula(VersionedModel):
    """One version of a formula of the formulary (``code`` groups the versions)."""

    code = models.SlugField(_("codice"), max_length=60)
    number = models.PositiveIntegerField(_("versione della formula"), default=1)
    state = models.CharField(
        _("stato"), max_length=12, choices=FormulaState.choices, default=FormulaState.DRAFT
    )
    name = models.CharField(_("nome"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=12, choices=FormulaKind.choices)
    pharmaceutical_form = models.CharField(_("forma farmaceutica"), max_length=120)
    batch_unit = models.CharField(_("unità di lotto"), max_length=20)
    method = models.TextField(_("metodo di preparazione"))
    quality_controls = models.JSONField(_("controlli di qualità richiesti"), default=list)
    stability_days = models.PositiveIntegerField(_("stabilità (giorni)"))
    storage = models.CharField(_("conservazione"), max_length=200)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    published_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("pubblicata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("formula galenica")
        verbose_name_plural = _("formule galeniche")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["code", "number"], name="galenics_formula_version"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(state="published"),
                name="galenics_one_published_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"


@pghistory.track()
class FormulaIngredient(models.Model):
    """An ingredient of a formula version: how much per batch unit, and how the stock
    counts it (``stock_amount`` ``stock_unit`` per stock unit of the product). A vehicle
    *quanto basta* (``quantum_satis``, "acqua depurata q.b. a 100 mL") has no amount: it
    brings the batch to its final quantity, and what was used is weighed and recorded."""

    formula = models.ForeignKey(Formula, on_delete=models.PROTECT, related_name="ingredients")
    position = models.PositiveSmallIntegerField(default=1)
    product = models.ForeignKey(
        "drugs.MedicinalProduct", on_delete=models.PROTECT, related_name="+"
    )
    excipient = models.BooleanField(_("eccipiente"), default=False)
    quantity = models.DecimalField(
        _("quantità per unità"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    quantum_satis = models.BooleanField(_("quanto basta (q.b.)"), default=False)
    unit = models.CharField(_("unità"), max_length=8, choices=UNIT_CHOICES)
    stock_amount = models.DecimalField(
        _("quantità per unità di magazzino"), max_digits=18, decimal_places=6
    )
    stock_unit = models.CharField(_("unità di magazzino"), max_length=8, choices=UNIT_CHOICES)

    class Meta:
        default_permissions = ()
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantum_satis=True, quantity__isnull=True)
                | models.Q(quantum_satis=False, quantity__isnull=False),
                name="galenics_ingredient_amount_or_qs",
            )
        ]

    def __str__(self) -> str:
        amount = "q.b." if self.quantum_satis else f"{self.quantity}"
        return f"{amount} {self.unit} ({self.product_id})"


class BatchState(models.TextChoices):
    OPEN = "open", _("In preparazione")
    PREPARED = "prepared", _("Preparato, da controllare")
    RELEASED = "released", _("Rilasciato")
    REJECTED = "rejected", _("Respinto")


@pghistory.track()
class Batch(VersionedModel):
    """A batch prepared from a published formula version."""

    formula = models.ForeignKey(Formula, on_delete=models.PROTECT, related_name="batches")
    number = models.CharField(_("numero di lotto"), max_length=30, unique=True)
    quantity = models.DecimalField(_("quantità (unità)"), max_digits=18, decimal_places=6)
    state = models.CharField(
        _("stato"), max_length=12, choices=BatchState.choices, default=BatchState.OPEN
    )
    cost_center = models.ForeignKey(
        "inventory.CostCenter", on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    prepared_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(_("preparato il"), null=True, blank=True)
    released_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(_("rilasciato il"), null=True, blank=True)
    beyond_use = models.DateField(_("da usare entro il"), null=True, blank=True)
    tolerance_percent = models.DecimalField(max_digits=5, decimal_places=2)
    rejected_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected_at = models.DateTimeField(_("respinto il"), null=True, blank=True)
    rejection_reason = models.TextField(_("motivo del rifiuto"), blank=True)

    class Meta:
        verbose_name = _("lotto galenico")
        verbose_name_plural = _("lotti galenici")
        default_permissions = ()


@pghistory.track()
class BatchLine(models.Model):
    """A worksheet line: an ingredient's amount for the batch (none for a vehicle q.b.),
    and what was weighed or measured from which lot (re-weighing replaces it until the
    release; a weighing whose material was thrown away is kept as a ``DiscardedWeighing``
    and unloaded as waste at once). A rejected batch's weighed lines are unloaded as waste: ``wasted_units``
    stock units, or ``waste_refusal`` the stock's refusal code when they could not be."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="lines")
    ingredient = models.ForeignKey(FormulaIngredient, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(
        "drugs.MedicinalProduct", on_delete=models.PROTECT, related_name="+"
    )
    required = models.DecimalField(
        _("quantità richiesta"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    unit = models.CharField(_("unità"), max_length=8, choices=UNIT_CHOICES)
    weighed = models.DecimalField(
        _("quantità pesata"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    lot = models.CharField(_("lotto"), max_length=40, blank=True)
    lot_expiry = models.DateField(_("scadenza del lotto"), null=True, blank=True)
    within_tolerance = models.BooleanField(default=False)
    weighed_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    weighed_at = models.DateTimeField(null=True, blank=True)
    wasted_units = models.PositiveIntegerField(_("unità scaricate a scarto"), null=True, blank=True)
    waste_refusal = models.CharField(max_length=40, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["pk"]

    def __str__(self) -> str:
        amount = "q.b." if self.required is None else f"{self.required}"
        return f"{amount} {self.unit} ({self.product_id})"

    @property
    def quantum_satis(self) -> bool:
        """A vehicle q.b.: nothing computed, what was used is weighed and recorded."""
        return self.required is None


class PreviousFate(models.TextChoices):
    """What became of the material of a line weighed again."""

    DISCARDED = "discarded", _("scartato (a scarto di magazzino)")
    ADJUSTED = "adjusted", _("corretto sullo stesso materiale")


@pghistory.track()
class DiscardedWeighing(models.Model):
    """A weighing replaced by a new one whose material was thrown away (a spill, an
    overshoot that cannot go back to the container): written once, when the line is weighed
    again, with the stock units unloaded as waste from its lot (``wasted_units``) or the
    stock's refusal code (``waste_refusal``) when they could not be."""

    line = models.ForeignKey(BatchLine, on_delete=models.PROTECT, related_name="discarded")
    weighed = models.DecimalField(_("quantità pesata"), max_digits=18, decimal_places=6)
    unit = models.CharField(_("unità"), max_length=8, choices=UNIT_CHOICES)
    lot = models.CharField(_("lotto"), max_length=40)
    within_tolerance = models.BooleanField()
    weighed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    weighed_at = models.DateTimeField()
    discarded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    discarded_at = models.DateTimeField()
    wasted_units = models.PositiveIntegerField(_("unità scaricate a scarto"), null=True)
    waste_refusal = models.CharField(max_length=40, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["pk"]
        triggers = [read_only_movable()]

    def __str__(self) -> str:
        return f"{self.weighed} {self.unit} {self.lot} (scartato)"


@pghistory.track()
class QcResult(TimeStampedModel):
    """A quality control's result on a batch (the last one of a control counts)."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="qc_results")
    control = models.CharField(_("controllo"), max_length=30)
    passed = models.BooleanField(_("conforme"))
    value = models.CharField(_("esito"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        default_permissions = ()
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.control}: {self.passed}"

    @property
    def control_label(self) -> str:
        return control_label(self.control)


@pghistory.track()
class Dispensing(TimeStampedModel):
    """Units of a released batch given out to a patient or a ward."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="dispensings")
    quantity = models.DecimalField(_("quantità"), max_digits=18, decimal_places=6)
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ward = models.ForeignKey(
        "patients.Ward", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("nota"), max_length=500, blank=True)
    dispensed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        default_permissions = ()
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(patient__isnull=False) | models.Q(ward__isnull=False),
                name="galenics_dispensing_recipient",
            )
        ]
