"""Regimen library and clinical trials: persistence only.

A :class:`Regimen` is the stable identity (code, active flag); its content lives in
immutable :class:`RegimenVersion` rows (with components and disease links). An edit
makes a new version; orders point at the version they were built from.
Model permissions are disabled (``default_permissions = ()``): access is governed by
the named permissions of ``corsia.accounts.domain.roles``.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import TimeStampedModel, VersionedModel
from corsia.drugs.domain.formulation import Formulation
from corsia.regimens.domain.approval import STATUS_LABELS_IT, VersionStatus
from corsia.regimens.domain.spec import (
    CALCULATION_LABELS_IT,
    INTENT_LABELS_IT,
    ROLE_LABELS_IT,
    ROUTE_LABELS_IT,
    THERAPY_TYPE_LABELS_IT,
    Competence,
    DiseaseSystem,
    InfusionType,
    PreparationMode,
)


def _choices(labels: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]  # any StrEnum->label map
    return [(key.value, label) for key, label in labels.items()]


@pghistory.track()
class Regimen(VersionedModel):
    code = models.CharField(_("codice"), max_length=40, unique=True)
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("schema di terapia")
        verbose_name_plural = _("schemi di terapia")
        ordering = ["code"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.code


@pghistory.track()
class RegimenVersion(TimeStampedModel):
    regimen = models.ForeignKey(Regimen, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=_choices(STATUS_LABELS_IT), default=VersionStatus.IN_TEST.value
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="None for the preloaded library.",
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=20, default="editor")  # editor | library | fhir | api
    change_note = models.TextField(blank=True)

    name = models.CharField(_("nome"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    therapy_type = models.CharField(
        _("tipo di terapia"), max_length=24, choices=_choices(THERAPY_TYPE_LABELS_IT)
    )
    intent = models.CharField(_("finalità"), max_length=24, choices=_choices(INTENT_LABELS_IT))
    is_standard = models.BooleanField(_("standard"), default=True)
    cycle_length_days = models.PositiveSmallIntegerField(_("durata del ciclo (giorni)"))
    max_cycles = models.PositiveSmallIntegerField(_("numero massimo di cicli"), null=True)
    notes = models.TextField(_("note"), blank=True)
    bibliography = models.JSONField(_("bibliografia"), default=list)
    paediatric = models.BooleanField(_("impostazioni pediatriche"), default=False)
    mg_kg_below_weight_kg = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True
    )
    mg_kg_below_bsa_m2 = models.DecimalField(max_digits=5, decimal_places=3, null=True, blank=True)
    dose_decimals = models.PositiveSmallIntegerField(default=2)
    min_weight_kg = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    # the regimen's own dosing settings (spec.DosingSettings as a dict; absent: hospital's)
    dosing = models.JSONField(
        _("impostazioni di dosaggio"), default=dict, blank=True, db_default={}
    )

    class Meta:
        ordering = ["regimen__code", "number"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["regimen", "number"], name="regimen_version_unique"),
            models.CheckConstraint(
                condition=models.Q(cycle_length_days__gte=1), name="regimen_cycle_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regimen.code} v{self.number}"


@pghistory.track()
class RegimenComponent(models.Model):
    version = models.ForeignKey(RegimenVersion, on_delete=models.PROTECT, related_name="components")
    sequence = models.PositiveSmallIntegerField(_("ordine di somministrazione"))
    ingredient = models.ForeignKey(
        "drugs.ActiveIngredient", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=16, choices=_choices(ROLE_LABELS_IT))
    days = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("giorni del ciclo"))
    dose = models.DecimalField(_("dose"), max_digits=12, decimal_places=4)
    dose_unit = models.CharField(_("unità"), max_length=8)
    calculation = models.CharField(max_length=8, choices=_choices(CALCULATION_LABELS_IT))
    dose_description = models.CharField(max_length=300, blank=True)
    max_dose = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    route = models.CharField(max_length=16, choices=_choices(ROUTE_LABELS_IT))
    competence = models.CharField(
        max_length=10, choices=[(c.value, c.value) for c in Competence], default="pharmacy"
    )
    notes = models.TextField(blank=True)
    preparation = models.CharField(max_length=300, blank=True)
    form = models.CharField(max_length=120, blank=True)
    formulation = models.CharField(
        _("formulazione"),
        max_length=24,
        choices=[(f.value, f.label_it) for f in Formulation],
        default=Formulation.CONVENTIONAL,
        db_default="conventional",
    )
    infusion_type = models.CharField(
        max_length=12, choices=[(i.value, i.value or "—") for i in InfusionType], blank=True
    )
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    interval_after_minutes = models.PositiveIntegerField(null=True, blank=True)
    infusion_conditions = models.CharField(max_length=300, blank=True)
    off_label = models.BooleanField(default=False)
    observation_minutes = models.PositiveIntegerField(null=True, blank=True)
    concentration_mg_ml = models.DecimalField(
        max_digits=10, decimal_places=4, null=True, blank=True
    )
    law_648 = models.BooleanField(default=False)
    preparation_mode = models.CharField(
        max_length=10, choices=[(p.value, p.value) for p in PreparationMode], default="manual"
    )
    cycle_from = models.PositiveSmallIntegerField(default=1)
    cycle_to = models.PositiveSmallIntegerField(null=True, blank=True)
    # flat doses by age band (spec.AgeBand as dicts), e.g. intrathecal methotrexate
    age_bands = models.JSONField(
        _("dosi per fascia di età"), default=list, blank=True, db_default=[]
    )
    # this line's own weight for a per-kg dose in an obese patient ("": the regimen's rule)
    obese_weight_basis = models.CharField(
        _("peso per l'obeso (riga)"),
        max_length=8,
        choices=[("actual", "peso reale"), ("ideal", "peso ideale"), ("adjusted", "peso corretto")],
        blank=True,
        default="",
        db_default="",
    )
    # f in IBW + f × (actual − IBW); null: the default 0.4
    adjusted_weight_factor = models.DecimalField(
        _("fattore del peso corretto"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    # times a day the (per-administration) dose is taken: oral lines, 1-6 (spec.Component)
    administrations_per_day = models.PositiveSmallIntegerField(
        _("somministrazioni al giorno"), default=1, db_default=1
    )

    class Meta:
        ordering = ["version", "sequence"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["version", "sequence"], name="regimen_component_sequence_unique"
            ),
            models.CheckConstraint(condition=models.Q(dose__gt=0), name="regimen_dose_positive"),
            models.CheckConstraint(
                condition=models.Q(adjusted_weight_factor__isnull=True)
                | models.Q(adjusted_weight_factor__gt=0, adjusted_weight_factor__lt=1),
                name="regimen_adjusted_weight_factor_range",
            ),
            models.CheckConstraint(
                condition=models.Q(administrations_per_day__gte=1, administrations_per_day__lte=6),
                name="regimen_administrations_per_day_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} #{self.sequence} {self.ingredient_id}"


@pghistory.track()
class RegimenDisease(models.Model):
    version = models.ForeignKey(RegimenVersion, on_delete=models.PROTECT, related_name="diseases")
    system = models.CharField(max_length=20, choices=[(s.value, s.value) for s in DiseaseSystem])
    code = models.CharField(max_length=12, db_index=True)
    label = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "position"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.system}:{self.code}"


@pghistory.track()
class RegimenApproval(models.Model):
    """One validator's approval of one version (two distinct ones validate it)."""

    version = models.ForeignKey(RegimenVersion, on_delete=models.PROTECT, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "approved_at"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["version", "approver"], name="regimen_approval_once_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} approved by {self.approver_id}"


@pghistory.track()
class ClinicalTrial(VersionedModel):
    code = models.CharField(_("codice studio"), max_length=40, unique=True)
    title = models.CharField(_("titolo"), max_length=300)
    eudract_number = models.CharField(_("numero EudraCT"), max_length=14, blank=True)
    ctis_number = models.CharField(_("numero CTIS"), max_length=17, blank=True)
    sponsor = models.CharField(_("promotore"), max_length=200, blank=True)
    is_open = models.BooleanField(_("arruolamento aperto"), default=True)
    regimens = models.ManyToManyField(Regimen, related_name="trials", blank=True)

    class Meta:
        ordering = ["code"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.code


@pghistory.track()
class TrialEnrollment(TimeStampedModel):
    """A patient enrolled in a trial (``patient_id`` refers to patients.Patient). Never
    deleted: a withdrawal is recorded on the row (when, who, why) and the row stays."""

    trial = models.ForeignKey(ClinicalTrial, on_delete=models.PROTECT, related_name="enrollments")
    patient_id = models.BigIntegerField(db_index=True)
    subject_code = models.CharField(_("codice soggetto"), max_length=40)
    arm_regimen = models.ForeignKey(
        Regimen, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Rows enrolled before the consent date was asked for have none.
    consent_date = models.DateField(_("data del consenso informato"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("ritirato il"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(_("motivo del ritiro"), blank=True)

    class Meta:
        ordering = ["trial", "subject_code"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["trial", "patient_id"], name="trial_patient_once"),
            models.UniqueConstraint(fields=["trial", "subject_code"], name="trial_subject_unique"),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | (models.Q(withdrawn_by__isnull=False) & ~models.Q(withdrawal_reason="")),
                name="trial_withdrawal_has_who_and_why",
            ),
        ]
        triggers = [pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.trial.code}/{self.subject_code}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


@pghistory.track()
class TrialMonitorAssignment(TimeStampedModel):
    """Which trials a monitor may see (read-only). Never deleted: a revocation is recorded
    on the row; a later assignment of the same monitor is a new row."""

    trial = models.ForeignKey(ClinicalTrial, on_delete=models.PROTECT, related_name="monitors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(_("motivo della revoca"), blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["trial", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="trial_monitor_once_active",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True)
                | (models.Q(revoked_by__isnull=False) & ~models.Q(revoke_reason="")),
                name="trial_monitor_revocation_has_who_and_why",
            ),
        ]
        triggers = [pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.user_id} monitors {self.trial_id}"
