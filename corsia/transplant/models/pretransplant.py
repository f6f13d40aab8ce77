"""The pre-transplant path to day 0: the potential donors with their HLA typing and
eligibility (one chosen, with the reason), the collected products with their chain of
custody, the day 0 infusion, the daily counts the engraftment days are computed from.

Donors and products are edited only by their services under optimistic locking
(``version``); a custody event, the infusion and a count are written once. Nothing is
deleted. The match, the eligibility and the CD34+ dose are computed by ``domain/`` and
stored beside what they were computed from; never typed."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import VersionedModel
from corsia.core.triggers import read_only_movable
from corsia.transplant.domain import codes
from corsia.transplant.models.case import Transplant, choices


@pghistory.track()
class Donor(VersionedModel):
    """A potential donor of a recipient: a relative, a registry donor or a cord unit."""

    transplant = models.ForeignKey(Transplant, on_delete=models.PROTECT, related_name="donors")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("tipo di donatore"), max_length=12, choices=choices(codes.DonorKind))
    state = models.CharField(
        _("stato"), max_length=12, choices=choices(codes.DonorState),
        default=codes.DonorState.CANDIDATE.value,
    )  # fmt: skip
    name = models.CharField(_("donatore"), max_length=120)  # a relative's name or the registry id
    registry_id = models.CharField(_("codice nel registro / unità"), max_length=40, blank=True)
    relation = models.CharField(_("parentela"), max_length=60, blank=True)
    sex = models.CharField(_("sesso"), max_length=1, choices=choices(codes.Sex), blank=True)
    born_on = models.DateField(_("data di nascita"), null=True, blank=True)
    abo = models.CharField(_("gruppo ABO"), max_length=2, blank=True)
    rh_positive = models.BooleanField(_("Rh positivo"), null=True)
    cmv = models.CharField(
        _("CMV"), max_length=10, choices=choices(codes.Serostatus),
        default=codes.Serostatus.UNKNOWN.value,
    )  # fmt: skip
    hla = models.JSONField(_("tipizzazione HLA"), default=dict)  # {"A": ["A*01:01", ...]}
    match = models.JSONField(_("compatibilità HLA (calcolata)"), default=dict)
    markers = models.JSONField(_("marcatori infettivi"), default=dict)  # {"hiv": "negative"}
    consent = models.BooleanField(_("consenso informato"), default=False)
    consent_on = models.DateField(_("consenso firmato il"), null=True, blank=True)
    exception_reason = models.TextField(_("deroga motivata"), blank=True)
    eligible = models.BooleanField(_("idoneo (calcolato)"), default=False)
    eligibility_reasons = models.JSONField(_("motivi di non idoneità"), default=list)
    choice_reason = models.TextField(_("motivo della scelta"), blank=True)
    chosen_at = models.DateTimeField(null=True, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exclusion_reason = models.TextField(_("motivo dell'esclusione"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("donatore")
        verbose_name_plural = _("donatori")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["transplant"],
                condition=Q(state="chosen"),
                name="transplant_one_chosen_donor",
            ),
            models.CheckConstraint(
                condition=~Q(state="chosen") | ~Q(choice_reason=""),
                name="transplant_donor_choice_has_reason",
            ),
        ]
        triggers = [pgtrigger.Protect(name="donor_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        return codes.DonorKind(self.kind).label_it

    @property
    def state_label(self) -> str:
        return codes.DonorState(self.state).label_it


@pghistory.track()
class Product(VersionedModel):
    """A collected (or cord-bank) product of stem cells for the case, by its ISBT 128 DIN."""

    transplant = models.ForeignKey(Transplant, on_delete=models.PROTECT, related_name="products")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    donor = models.ForeignKey(
        Donor, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("metodo"), max_length=12, choices=choices(codes.CollectionMethod))
    collected_on = models.DateField(_("raccolto il"))
    din = models.CharField(_("DIN ISBT 128"), max_length=13, unique=True)
    volume_ml = models.DecimalField(_("volume (mL)"), max_digits=7, decimal_places=1)
    cd34_per_ul = models.DecimalField(
        _("CD34+ (cellule/µL)"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    cd34_total = models.DecimalField(_("CD34+ totali (×10^6)"), max_digits=10, decimal_places=2)
    recipient_weight_kg = models.DecimalField(
        _("peso del ricevente (kg)"), max_digits=5, decimal_places=1
    )
    cd34_dose = models.DecimalField(
        _("dose CD34+ (×10^6/kg, calcolata)"), max_digits=8, decimal_places=2
    )
    expires_at = models.DateTimeField(_("scadenza"), null=True, blank=True)
    custody = models.CharField(
        _("ultimo passaggio della catena di custodia"), max_length=16,
        choices=choices(codes.CustodyKind), default=codes.CustodyKind.COLLECTED.value,
    )  # fmt: skip
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("prodotto raccolto")
        verbose_name_plural = _("prodotti raccolti")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=Q(volume_ml__gt=0), name="transplant_product_volume"),
            models.CheckConstraint(
                condition=Q(recipient_weight_kg__gt=0), name="transplant_product_weight"
            ),
        ]
        triggers = [pgtrigger.Protect(name="product_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.din

    @property
    def method_label(self) -> str:
        return codes.CollectionMethod(self.method).label_it

    @property
    def custody_label(self) -> str:
        return codes.CustodyKind(self.custody).label_it

    @property
    def next_steps(self) -> list[tuple[str, str]]:
        """The custody steps a user may record next (the infusion records its own)."""
        following = codes.CUSTODY_NEXT[codes.CustodyKind(self.custody)]
        return [
            (k.value, k.label_it) for k in codes.CustodyKind if k in following and k != "infused"
        ]


@pghistory.track()
class CustodyEvent(models.Model):
    """One step of a product's chain of custody, written once."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="custody_events")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("passaggio"), max_length=16, choices=choices(codes.CustodyKind))
    occurred_at = models.DateTimeField(_("avvenuto il"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    note = models.TextField(_("nota"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        ordering = ("occurred_at", "pk")
        triggers = [read_only_movable()]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.occurred_at:%d/%m/%Y %H:%M}"

    @property
    def kind_label(self) -> str:
        return codes.CustodyKind(self.kind).label_it


@pghistory.track()
class Infusion(models.Model):
    """The day 0 infusion of a product, after the bag's DIN and the wristband were scanned;
    written once."""

    transplant = models.ForeignKey(Transplant, on_delete=models.PROTECT, related_name="infusions")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    product = models.OneToOneField(Product, on_delete=models.PROTECT, related_name="infusion")
    started_at = models.DateTimeField(_("inizio dell'infusione"))
    volume_ml = models.DecimalField(_("volume infuso (mL)"), max_digits=7, decimal_places=1)
    reactions = models.TextField(_("reazioni"), blank=True)
    din_scanned = models.CharField(max_length=40)
    wristband_scanned = models.CharField(max_length=40)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        triggers = [read_only_movable()]

    def __str__(self) -> str:
        return f"Infusione {self.started_at:%d/%m/%Y %H:%M}"


@pghistory.track()
class DailyCount(models.Model):
    """The day's blood counts after the transplant (× 10^9/L) and whether platelets were
    transfused that day; written once, one a day."""

    transplant = models.ForeignKey(Transplant, on_delete=models.PROTECT, related_name="counts")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("giorno"))
    anc = models.DecimalField(_("neutrofili (×10^9/L)"), max_digits=6, decimal_places=2, null=True)
    platelets = models.DecimalField(
        _("piastrine (×10^9/L)"), max_digits=6, decimal_places=1, null=True
    )
    platelet_transfusion = models.BooleanField(_("trasfusione di piastrine"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        triggers = [read_only_movable()]
        constraints = [
            models.CheckConstraint(
                condition=Q(anc__isnull=False) | Q(platelets__isnull=False),
                name="transplant_count_has_a_value",
            ),
            models.UniqueConstraint(fields=["transplant", "on"], name="transplant_one_count_a_day"),
        ]

    def __str__(self) -> str:
        return f"Conta {self.on:%d/%m/%Y}"
