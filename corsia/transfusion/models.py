"""Persistence of the transfusion module. Nothing is deleted (database triggers): a
determination, a vital-signs link and a reaction are written once; a request and a
transfusion change state only through the services (optimistic version, pghistory keeps
every earlier row). Permissions are declared in ``corsia.accounts.domain.roles``."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import VersionedModel
from corsia.core.triggers import read_only_movable
from corsia.transfusion.domain.crossmatch import CrossmatchMethod, CrossmatchResult
from corsia.transfusion.domain.emergency import RhdPolicy
from corsia.transfusion.domain.isbt128 import Abo, BloodGroup
from corsia.transfusion.domain.products import Component
from corsia.transfusion.domain.reactions import Imputability, ReactionCategory, Severity
from corsia.transfusion.domain.states import RequestState, TransfusionState, VitalsPhase

ABO_CHOICES = [(a.value, a.value) for a in Abo]


def _never_deleted() -> pgtrigger.Protect:
    return pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)


class _Grouped(models.Model):
    abo = models.CharField(_("gruppo ABO"), max_length=2, choices=ABO_CHOICES)
    rhd_positive = models.BooleanField(_("RhD positivo"), null=True)

    class Meta:
        abstract = True

    @property
    def group(self) -> BloodGroup:
        return BloodGroup(Abo(self.abo), self.rhd_positive)


@pghistory.track()
class BloodGroupDetermination(_Grouped):
    """One ABO/RhD determination on one sample (two concordant ones confirm the group)."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    sample = models.CharField(_("provetta"), max_length=40)
    collected_at = models.DateTimeField(_("prelevato il"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    workstation = models.CharField(max_length=120, blank=True)

    class Meta:
        default_permissions = ()
        verbose_name = _("determinazione del gruppo sanguigno")
        verbose_name_plural = _("determinazioni del gruppo sanguigno")
        indexes = [models.Index(fields=["patient", "collected_at"], name="tf_group_by_patient")]
        constraints = [
            models.UniqueConstraint(fields=["patient", "sample"], name="tf_group_one_per_sample")
        ]
        triggers = [read_only_movable()]

    def __str__(self) -> str:
        return f"{self.group.short()} ({self.sample})"


@pghistory.track()
class TransfusionRequest(VersionedModel):
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    component = models.CharField(
        _("emocomponente"), max_length=12, choices=[(c.value, c.label_it) for c in Component]
    )
    units = models.PositiveSmallIntegerField(_("unità"))
    indication = models.TextField(_("indicazione"))
    treatments = models.JSONField(_("trattamenti richiesti"), default=list)
    premedication = models.TextField(_("premedicazione"), blank=True)
    planned_at = models.DateTimeField(_("programmata per"))
    state = models.CharField(
        max_length=12,
        choices=[(s.value, s.label_it) for s in RequestState],
        default=RequestState.OPEN.value,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(max_length=120, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        default_permissions = ()
        verbose_name = _("richiesta di emocomponenti")
        verbose_name_plural = _("richieste di emocomponenti")
        indexes = [models.Index(fields=["patient", "planned_at"], name="tf_request_by_patient")]
        constraints = [
            models.CheckConstraint(
                condition=Q(units__gte=1) & Q(units__lte=10), name="tf_request_units_1_10"
            )
        ]
        triggers = [_never_deleted()]


@pghistory.track()
class IssuedBag(_Grouped):
    """A bag the transfusion service assigned to a request, as its label read then."""

    request = models.ForeignKey(TransfusionRequest, on_delete=models.PROTECT, related_name="bags")
    din = models.CharField(_("DIN"), max_length=13)
    product_code = models.CharField(_("codice prodotto"), max_length=8)
    expires_at = models.DateTimeField(_("scadenza"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    workstation = models.CharField(max_length=120, blank=True)
    # released under the request's emergency declaration, before any crossmatch
    emergency = models.BooleanField(_("rilasciata in emergenza"), default=False)
    # treatments attested by the label beyond the product code: read from the special
    # testing barcode (012) or typed once by the transfusion service at reception
    treatments = models.JSONField(_("trattamenti attestati"), default=list)
    treatments_typed = models.JSONField(_("trattamenti digitati dall'etichetta"), default=list)

    class Meta:
        default_permissions = ()
        verbose_name = _("sacca assegnata")
        verbose_name_plural = _("sacche assegnate")
        constraints = [
            # a donation's product (with its division) is one bag: issued once
            models.UniqueConstraint(fields=["din", "product_code"], name="tf_bag_unique")
        ]
        triggers = [read_only_movable()]

    def __str__(self) -> str:
        return f"{self.din} {self.product_code}"


@pghistory.track()
class Transfusion(VersionedModel):
    """One bag given: checked by two operators at the bedside, started, ended."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(
        TransfusionRequest, on_delete=models.PROTECT, related_name="transfusions"
    )
    # One transfusion per bag, ever: the database refuses a second (already transfused).
    bag = models.OneToOneField(IssuedBag, on_delete=models.PROTECT, related_name="transfusion")
    first_operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    second_operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)
    workstation = models.CharField(max_length=120, blank=True)
    verdict = models.CharField(max_length=12)
    warnings = models.JSONField(default=list)
    state = models.CharField(
        max_length=12,
        choices=[(s.value, s.label_it) for s in TransfusionState],
        default=TransfusionState.CHECKED.value,
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    volume_ml = models.PositiveSmallIntegerField(null=True, blank=True)
    stop_reason = models.TextField(blank=True)

    class Meta:
        default_permissions = ()
        verbose_name = _("trasfusione")
        verbose_name_plural = _("trasfusioni")
        indexes = [models.Index(fields=["patient", "checked_at"], name="tf_by_patient")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(second_operator=F("first_operator")), name="tf_two_operators"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="tf_end_after_start",
            ),
        ]
        triggers = [_never_deleted()]


@pghistory.track()
class TransfusionVitals(models.Model):
    """The vital signs of one phase of a transfusion: a set recorded in the chart
    (``corsia.records``), linked here by its id."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    transfusion = models.ForeignKey(Transfusion, on_delete=models.PROTECT, related_name="vitals")
    phase = models.CharField(max_length=8, choices=[(p.value, p.label_it) for p in VitalsPhase])
    vital_signs_id = models.BigIntegerField()
    measured_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        default_permissions = ()
        verbose_name = _("parametri vitali della trasfusione")
        verbose_name_plural = _("parametri vitali delle trasfusioni")
        triggers = [read_only_movable()]

    def __str__(self) -> str:
        return f"{self.phase} {self.measured_at:%d/%m/%Y %H:%M}"


class _Recorded(models.Model):
    """Who wrote the row, when, from which workstation (a row written once)."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    workstation = models.CharField(max_length=120, blank=True)

    class Meta:
        abstract = True


@pghistory.track()
class TransfusionReaction(_Recorded):
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    transfusion = models.ForeignKey(Transfusion, on_delete=models.PROTECT, related_name="reactions")
    category = models.CharField(
        max_length=16, choices=[(c.value, c.label_it) for c in ReactionCategory]
    )
    severity = models.CharField(max_length=1, choices=[(s.value, s.label_it) for s in Severity])
    imputability = models.CharField(
        max_length=16, choices=[(i.value, i.label_it) for i in Imputability]
    )
    onset_at = models.DateTimeField()
    description = models.TextField()

    class Meta:
        default_permissions = ()
        verbose_name = _("reazione trasfusionale")
        verbose_name_plural = _("reazioni trasfusionali")
        triggers = [read_only_movable()]

    def __str__(self) -> str:
        return f"{self.category} {self.onset_at:%d/%m/%Y %H:%M}"


@pghistory.track()
class EmergencyRelease(models.Model):
    """The physician's declaration of urgency on a request: components released before the
    group is confirmed and without crossmatch (``domain/emergency.py``). Written once."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    request = models.OneToOneField(
        TransfusionRequest, on_delete=models.PROTECT, related_name="emergency"
    )
    reason = models.TextField(_("motivo dell'urgenza"))
    rhd_policy = models.CharField(
        _("politica RhD"), max_length=20, choices=[(p.value, p.label_it) for p in RhdPolicy]
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(default=timezone.now)
    workstation = models.CharField(max_length=120, blank=True)

    class Meta:
        default_permissions = ()
        verbose_name = _("rilascio in emergenza")
        verbose_name_plural = _("rilasci in emergenza")
        triggers = [read_only_movable()]

    def __str__(self) -> str:
        return f"{self.rhd_policy} {self.declared_at:%d/%m/%Y %H:%M}"


@pghistory.track()
class Crossmatch(_Recorded):
    """The transfusion service's compatibility test of one unit against a patient sample;
    the latest one recorded for the bag counts. Written once."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    bag = models.ForeignKey(IssuedBag, on_delete=models.PROTECT, related_name="crossmatches")
    result = models.CharField(
        _("esito"), max_length=12, choices=[(r.value, r.label_it) for r in CrossmatchResult]
    )
    method = models.CharField(
        _("metodo"), max_length=16, choices=[(m.value, m.label_it) for m in CrossmatchMethod]
    )
    sample = models.CharField(_("provetta"), max_length=40)
    sample_collected_at = models.DateTimeField(_("prelievo del campione"))
    valid_until = models.DateTimeField(_("valido fino a"))

    class Meta:
        default_permissions = ()
        verbose_name = _("prova di compatibilità")
        verbose_name_plural = _("prove di compatibilità")
        triggers = [read_only_movable()]

    def __str__(self) -> str:
        return f"{self.result} {self.sample}"
