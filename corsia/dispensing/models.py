"""Direct distribution's records: therapy plans, delegations to collect, dispensings and
their lines (pack, lot, expiry, units, cost centre, the stock movement that unloaded them).

Persistence only; every row is written once by its service and never changed nor deleted
(database triggers; a patient merge alone re-points ``patient_id``,
``corsia.core.triggers``). A wrong plan or delegation is superseded by a new one; a
wrong dispensing is corrected by the stock's own movements (a return), never by editing.
Access is governed by the named permissions of ``corsia.accounts.domain.roles``
(``dispensing.*``), so every model has ``default_permissions = ()``.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from corsia.core.triggers import read_only_movable


class TherapyPlan(models.Model):
    """A piano terapeutico: the prescriber authorises ``daily_units`` a day of a product
    from ``valid_from`` to ``valid_to``; ``max_units`` when the plan states it, else the
    daily units × the days (``domain.plans.plan_ceiling``)."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        "drugs.MedicinalProduct", on_delete=models.PROTECT, related_name="+"
    )
    daily_units = models.DecimalField(_("unità al giorno"), max_digits=8, decimal_places=3)
    valid_from = models.DateField(_("valido dal"))
    valid_to = models.DateField(_("valido fino al"))
    max_units = models.PositiveIntegerField(_("unità massime"), null=True, blank=True)
    aifa_registry = models.BooleanField(_("registro di monitoraggio AIFA"), default=False)
    plan_number = models.CharField(_("numero del piano"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrato il"))
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("piano terapeutico")
        verbose_name_plural = _("piani terapeutici")
        default_permissions = ()
        ordering = ["-valid_from", "-id"]
        indexes = [models.Index(name="dispensing_plan_patient", fields=["patient", "-valid_from"])]
        constraints = [
            models.CheckConstraint(
                name="plan_daily_units_positive", condition=Q(daily_units__gt=0)
            ),
            models.CheckConstraint(
                name="plan_dates_ordered", condition=Q(valid_to__gte=models.F("valid_from"))
            ),
            models.CheckConstraint(
                name="plan_max_units_positive",
                condition=Q(max_units__isnull=True) | Q(max_units__gt=0),
            ),
        ]
        triggers = [read_only_movable("plan_read_only")]

    def __str__(self) -> str:
        return f"piano {self.pk} {self.valid_from:%d/%m/%Y}–{self.valid_to:%d/%m/%Y}"


class Delegation(models.Model):
    """The patient's written delegation of a named person to collect their drugs."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    delegate_name = models.CharField(_("delegato (nome e cognome)"), max_length=160)
    delegate_fiscal_code = models.CharField(_("codice fiscale del delegato"), max_length=16)
    identity_document = models.CharField(_("documento d'identità"), max_length=120)
    valid_from = models.DateField(_("valida dal"))
    valid_to = models.DateField(_("valida fino al"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrata il"))
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("delega al ritiro")
        verbose_name_plural = _("deleghe al ritiro")
        default_permissions = ()
        ordering = ["-valid_from", "-id"]
        indexes = [models.Index(name="dispensing_deleg_patient", fields=["patient", "-valid_from"])]
        constraints = [
            models.CheckConstraint(
                name="delegation_dates_ordered", condition=Q(valid_to__gte=models.F("valid_from"))
            ),
        ]
        triggers = [read_only_movable("delegation_read_only")]

    def __str__(self) -> str:
        return f"delega {self.pk} a {self.delegate_name}"


class DispensingKind(models.TextChoices):
    DISCHARGE = "discharge", _("Primo ciclo alla dimissione (L. 405/2001)")
    PLAN = "plan", _("Piano terapeutico")
    PRESCRIPTION = "prescription", _("Prescrizione")


class Collector(models.TextChoices):
    PATIENT = "patient", _("Paziente")
    DELEGATE = "delegate", _("Delegato")


class Dispensing(models.Model):
    """One product handed to a patient (or their delegate) at the pharmacy's desk."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("tipo"), max_length=12, choices=DispensingKind.choices)
    plan = models.ForeignKey(
        TherapyPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="dispensings"
    )
    product = models.ForeignKey(
        "drugs.MedicinalProduct", on_delete=models.PROTECT, related_name="+"
    )
    units = models.PositiveIntegerField(_("unità"))
    daily_units = models.DecimalField(_("unità al giorno"), max_digits=8, decimal_places=3)
    days_covered = models.PositiveIntegerField(_("giorni coperti"))
    next_due_date = models.DateField(_("prossima dispensazione"))
    collected_by = models.CharField(_("ritirato da"), max_length=10, choices=Collector.choices)
    delegation = models.ForeignKey(
        Delegation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registry_record = models.CharField(
        _("scheda di dispensazione del registro AIFA"), max_length=60, blank=True
    )
    # the oral chemotherapy order (prescribing) whose cycle this dispensing supplies: its
    # tablets per drug and strength bound what may be dispensed for it
    therapy_order = models.ForeignKey(
        "prescribing.TherapyOrder", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("prescrizione di chemioterapia"),
    )  # fmt: skip
    location = models.ForeignKey(
        "inventory.StorageLocation", on_delete=models.PROTECT, related_name="+"
    )
    cost_center = models.ForeignKey(
        "inventory.CostCenter", on_delete=models.PROTECT, related_name="+"
    )
    dispensed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    dispensed_at = models.DateTimeField(_("dispensato il"))
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("dispensazione")
        verbose_name_plural = _("dispensazioni")
        default_permissions = ()
        ordering = ["-dispensed_at", "-id"]
        indexes = [
            models.Index(
                name="dispensing_patient_at", fields=["patient", "product", "-dispensed_at"]
            ),
            models.Index(name="dispensing_at", fields=["dispensed_at"]),
            # a desk's day page by page, the newest first (issue 27): the ordering whole
            models.Index(name="dispensing_desk_at", fields=["workstation", "-dispensed_at", "-id"]),
        ]
        constraints = [
            models.CheckConstraint(name="dispensing_units_positive", condition=Q(units__gt=0)),
            models.CheckConstraint(
                name="dispensing_daily_units_positive", condition=Q(daily_units__gt=0)
            ),
            models.CheckConstraint(
                name="dispensing_plan_iff_kind_plan",
                condition=(Q(kind="plan") & Q(plan__isnull=False))
                | (~Q(kind="plan") & Q(plan__isnull=True)),
            ),
            models.CheckConstraint(
                name="dispensing_order_only_prescription",
                condition=Q(therapy_order__isnull=True) | Q(kind="prescription"),
            ),
            models.CheckConstraint(
                name="dispensing_delegation_iff_delegate",
                condition=(Q(collected_by="delegate") & Q(delegation__isnull=False))
                | (Q(collected_by="patient") & Q(delegation__isnull=True)),
            ),
        ]
        triggers = [read_only_movable("dispensing_read_only")]

    def __str__(self) -> str:
        return f"dispensazione {self.pk} {self.dispensed_at:%d/%m/%Y}"


class DispensingLine(models.Model):
    """Units of one lot of one pack, unloaded by one stock movement (the packs scanned of a
    lot named by its barcode; FEFO when the barcode carries no lot, one line per lot)."""

    dispensing = models.ForeignKey(Dispensing, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(
        "drugs.MedicinalProduct", on_delete=models.PROTECT, related_name="+"
    )
    pack = models.ForeignKey("drugs.Pack", on_delete=models.PROTECT, related_name="+")
    aic = models.CharField(_("codice AIC"), max_length=9, blank=True)
    lot = models.CharField(_("lotto"), max_length=40)
    expiry = models.DateField(_("scadenza"))
    units = models.PositiveIntegerField(_("unità"))
    cost_center = models.ForeignKey(
        "inventory.CostCenter", on_delete=models.PROTECT, related_name="+"
    )
    movement = models.ForeignKey(
        "inventory.StockMovement", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("riga di dispensazione")
        verbose_name_plural = _("righe di dispensazione")
        default_permissions = ()
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(name="dispensing_line_units_positive", condition=Q(units__gt=0)),
        ]
        triggers = [
            pgtrigger.Protect(
                name="dispensing_line_read_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.aic or self.pack_id} lotto {self.lot} × {self.units}"


class PlanClosure(models.Model):
    """A therapy plan closed before its end (therapy stopped, changed, the prescriber's
    word): from ``closed_on`` nothing more is dispensed under it. The plan itself is never
    changed; the reason is said."""

    plan = models.OneToOneField(TherapyPlan, on_delete=models.PROTECT, related_name="closure")
    closed_on = models.DateField(_("chiuso dal"))
    reason = models.CharField(_("motivo"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrato il"))
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("chiusura anticipata del piano")
        verbose_name_plural = _("chiusure anticipate dei piani")
        default_permissions = ()
        triggers = [
            pgtrigger.Protect(
                name="plan_closure_read_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"piano {self.plan_id} chiuso dal {self.closed_on:%d/%m/%Y}"


class DelegationRevocation(models.Model):
    """The patient's revocation of a delegation: from ``revoked_on`` the delegate no longer
    collects. The delegation itself is never changed; the reason is said."""

    delegation = models.OneToOneField(
        Delegation, on_delete=models.PROTECT, related_name="revocation"
    )
    revoked_on = models.DateField(_("revocata dal"))
    reason = models.CharField(_("motivo"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrata il"))
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("revoca della delega")
        verbose_name_plural = _("revoche delle deleghe")
        default_permissions = ()
        triggers = [
            pgtrigger.Protect(
                name="delegation_revocation_read_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            )
        ]

    def __str__(self) -> str:
        return f"delega {self.delegation_id} revocata dal {self.revoked_on:%d/%m/%Y}"
