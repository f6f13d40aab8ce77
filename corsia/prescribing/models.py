"""Chemotherapy orders: persistence only (the rules live in ``domain/``).

* :class:`Measurement` — height, weight, creatinine, measured GFR, append-only; an order
  takes the latest of each when it is computed and keeps a snapshot of them.
* :class:`PatientDiagnosis` — the diagnoses the physician prescribes against (regimens
  are filtered by their disease codes).
* :class:`TherapyOrder` — one cycle of one regimen version for one patient, with its
  state (``domain/states.py``), body assessment snapshot and provenance.
* :class:`OrderItem` — one drug on one day of the cycle: the calculated dose, the
  reduction or override with its reason, the final dose.
* :class:`OrderTransition` — every state change: who, when, workstation, reason.

Nothing is deleted; a signed order is read-only and is corrected by a new order that
``supersedes`` it.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.domain.clinical_format import number_text, quantity_text
from corsia.core.models import TimeStampedModel, VersionedModel
from corsia.core.triggers import read_only_movable
from corsia.prescribing.domain.limits import (
    CUMULATIVE_DOSE,
    LimitBlock,
    LimitOverride,
    pending_blocks,
)
from corsia.prescribing.domain.quantity import Quantity, amount_unit
from corsia.prescribing.domain.states import STATE_LABELS_IT, OrderEvent, OrderState
from corsia.regimens.domain.spec import (
    INTENT_LABELS_IT,
    ROLE_LABELS_IT,
    ROUTE_LABELS_IT,
    THERAPY_TYPE_LABELS_IT,
)


class MeasurementKind(models.TextChoices):
    HEIGHT_CM = "height_cm", _("Altezza (cm)")
    WEIGHT_KG = "weight_kg", _("Peso (kg)")
    CREATININE = "serum_creatinine_mg_dl", _("Creatinina sierica (mg/dL)")
    MEASURED_GFR = "measured_gfr_ml_min", _("GFR misurato (mL/min)")


class Measurement(models.Model):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="measurements"
    )
    kind = models.CharField(_("misura"), max_length=32, choices=MeasurementKind.choices)
    value = models.DecimalField(_("valore"), max_digits=9, decimal_places=3)
    measured_at = models.DateTimeField(_("rilevata il"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["patient", "kind", "-measured_at"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["patient", "kind", "-measured_at"], name="measurement_latest")
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gt=0), name="measurement_positive")
        ]
        triggers = [read_only_movable("append_only")]  # the merge re-points patient_id

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


@pghistory.track()
class PatientDiagnosis(TimeStampedModel):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="diagnoses"
    )
    system = models.CharField(_("sistema di codifica"), max_length=20, default="icd9cm")
    code = models.CharField(_("codice"), max_length=12)
    label = models.CharField(_("descrizione"), max_length=200)
    diagnosed_on = models.DateField(_("data della diagnosi"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("attiva"), default=True)

    class Meta:
        ordering = ["patient", "-diagnosed_on"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


def _choices(labels: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]  # StrEnum->label
    return [(key.value, label) for key, label in labels.items()]


@pghistory.track()
class TherapyOrder(VersionedModel):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="therapy_orders"
    )
    regimen_version = models.ForeignKey(
        "regimens.RegimenVersion", on_delete=models.PROTECT, related_name="orders"
    )
    diagnosis = models.ForeignKey(
        PatientDiagnosis, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    ward = models.ForeignKey(
        "patients.Ward", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    state = models.CharField(
        _("stato"), max_length=24, choices=_choices(STATE_LABELS_IT), default=OrderState.DRAFT
    )
    state_reason = models.TextField(_("motivo dell'ultimo cambio di stato"), blank=True)
    cycle_number = models.PositiveSmallIntegerField(_("ciclo"))
    line = models.PositiveSmallIntegerField(_("linea di terapia"), default=1)
    therapy_type = models.CharField(
        _("tipo di terapia"), max_length=24, choices=_choices(THERAPY_TYPE_LABELS_IT)
    )
    intent = models.CharField(_("finalità"), max_length=24, choices=_choices(INTENT_LABELS_IT))
    start_date = models.DateField(_("inizio del ciclo"))
    aifa_registry_code = models.CharField(_("codice registro AIFA"), max_length=40, blank=True)
    notes = models.TextField(_("note"), blank=True)

    # body assessment snapshot (the measures the doses were computed from)
    sex = models.CharField(max_length=1)
    age_years = models.DecimalField(max_digits=6, decimal_places=2)
    height_cm = models.DecimalField(max_digits=6, decimal_places=2)
    weight_kg = models.DecimalField(max_digits=6, decimal_places=2)
    serum_creatinine_mg_dl = models.DecimalField(
        max_digits=6, decimal_places=3, null=True, blank=True
    )
    measured_gfr_ml_min = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    measures_taken_at = models.DateTimeField()
    # when each measure the doses use was taken ({"weight_kg": ISO time, ...}): a newer
    # one refuses confirmation and validation until the doses are recalculated
    measure_dates = models.JSONField(default=dict, blank=True, db_default={})
    bsa_formula = models.CharField(max_length=16, default="mosteller")
    bsa_m2 = models.DecimalField(max_digits=6, decimal_places=4)
    bmi = models.DecimalField(max_digits=6, decimal_places=2)
    ideal_weight_kg = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    dosing_weight_kg = models.DecimalField(max_digits=6, decimal_places=2)
    weight_basis = models.CharField(max_length=12)
    creatinine_clearance_ml_min = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True
    )
    renal_function_ml_min = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True
    )
    paediatric_rule = models.BooleanField(default=False)
    body_provenance = models.TextField(blank=True)
    policy = models.JSONField(default=list)
    warnings = models.JSONField(default=list)

    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    taken_in_charge_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_in_charge_at = models.DateTimeField(null=True, blank=True)
    previous_order = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    signed_document_id = models.BigIntegerField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # why a duplicate or too-early cycle was prescribed anyway (``domain/cycle_schedule.py``)
    schedule_reason = models.TextField(
        _("motivo del ciclo duplicato o anticipato"), blank=True, db_default=""
    )
    # the patient's allergies the physician went past, each with its reason or the
    # acknowledged warning (``domain/allergy_check.py``): [{"check", "allergy_id", ...}]
    allergy_overrides = models.JSONField(default=list, blank=True, db_default=[])
    # the pharmacogenomic recommendations the physician (or the pharmacist, for a result
    # recorded after signing) went past, each with its reason or acknowledgement, who,
    # role, workstation and when (``domain/pgx_check.py``): [{"check", "ingredient_id", ...}]
    pgx_overrides = models.JSONField(default=list, blank=True, db_default=[])
    # the serious interactions with the patient's other therapies gone past (H59,
    # ``interactions_check``): [{"key", "a", "b", "severity", "reason", "by_id", "by", "at"}]
    interaction_acknowledgements = models.JSONField(default=list, blank=True, db_default=[])

    class Meta:
        ordering = ["-start_date", "-id"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["state", "start_date"], name="order_state_start"),
            # a patient's orders page by page, the newest first (issue 27): the ordering whole
            models.Index(fields=["patient", "-start_date", "-id"], name="order_patient_start_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(cycle_number__gte=1), name="order_cycle_pos"),
            models.CheckConstraint(condition=models.Q(line__gte=1), name="order_line_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.regimen_version} C{self.cycle_number} ({self.patient_id})"

    @property
    def order_state(self) -> OrderState:
        return OrderState(self.state)

    @property
    def state_label(self) -> str:
        return STATE_LABELS_IT[OrderState(self.state)]


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("Attivo")
    SUSPENDED = "suspended", _("Sospeso")
    SKIPPED = "skipped", _("Giorno saltato")


@pghistory.track()
class OrderItem(models.Model):
    order = models.ForeignKey(TherapyOrder, on_delete=models.PROTECT, related_name="items")
    regimen_component = models.ForeignKey(
        "regimens.RegimenComponent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="None for a drug added outside the regimen.",
    )
    ingredient = models.ForeignKey(
        "drugs.ActiveIngredient", on_delete=models.PROTECT, related_name="+"
    )
    sequence = models.PositiveSmallIntegerField(_("ordine di somministrazione"))
    day_of_cycle = models.PositiveSmallIntegerField(_("giorno del ciclo"))
    scheduled_date = models.DateField(_("data prevista"))
    role = models.CharField(max_length=16, choices=_choices(ROLE_LABELS_IT))
    route = models.CharField(_("via"), max_length=16, choices=_choices(ROUTE_LABELS_IT))
    competence = models.CharField(max_length=10, default="pharmacy")
    infusion_type = models.CharField(max_length=12, blank=True)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    interval_after_minutes = models.PositiveIntegerField(null=True, blank=True)
    preparation = models.CharField(max_length=300, blank=True)
    infusion_conditions = models.CharField(max_length=300, blank=True)

    dose = models.DecimalField(_("dose"), max_digits=12, decimal_places=4)
    dose_unit = models.CharField(_("unità"), max_length=8)
    amount_unit = models.CharField(max_length=6, default="mg")
    calculated_dose = models.DecimalField(max_digits=12, decimal_places=4)
    # the calculated dose before the regimen's rounding or banding, to 0.0001 (None: not
    # rounded, or computed before this was kept)
    unrounded_dose = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    # the weight a per-kg line's dose used, as the physician, the pharmacist and the label
    # see it: the basis applied ("actual" | "ideal" | "adjusted"; "" when not per kg),
    # the kg value and the adjusted weight's factor (regimen line's own, else the order's)
    weight_basis = models.CharField(
        max_length=8,
        choices=[
            ("actual", _("peso reale")),
            ("ideal", _("peso ideale")),
            ("adjusted", _("peso corretto")),
        ],
        blank=True,
        default="",
        db_default="",
    )
    dosing_weight_kg = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    adjusted_weight_factor = models.DecimalField(
        max_digits=4, decimal_places=3, null=True, blank=True
    )
    uncapped_dose = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    capped = models.BooleanField(default=False)
    reduction_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    final_dose = models.DecimalField(_("dose finale"), max_digits=12, decimal_places=4)
    deviation_reason = models.TextField(_("motivo della variazione"), blank=True)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.ACTIVE)
    status_reason = models.TextField(blank=True)
    added = models.BooleanField(_("aggiunto allo schema"), default=False)
    # the hard limits (maximum single dose, lifetime cumulative dose) the FINAL dose exceeds,
    # [{"code", "message"}]: the order cannot be confirmed until a physician overrides each
    # one for this value of the dose (``domain/limits.py``); block_code/_message: the first
    block_code = models.CharField(max_length=40, blank=True)
    block_message = models.TextField(blank=True)
    blocks = models.JSONField(default=list, blank=True, db_default=[])
    # every override ever given on this line, [{"check", "value", "unit", "reason", "by_id",
    # "by", "at"}]; one lifts its check only while the final dose is exactly its value
    overrides = models.JSONField(default=list, blank=True, db_default=[])
    # the reasons of the overrides that lift the blocks of the current final dose
    override_reason = models.TextField(_("motivo del superamento del limite"), blank=True)
    provenance = models.TextField(blank=True)
    warnings = models.JSONField(default=list)
    tablets = models.JSONField(default=dict, blank=True)
    # times a day the final dose (per administration) is taken, from the regimen line: an
    # oral line only (regimens' spec.Component); the tablets of a cycle and the cumulative
    # dose count each administration
    administrations_per_day = models.PositiveSmallIntegerField(
        _("somministrazioni al giorno"), default=1, db_default=1
    )
    # the physician's choice among originator and biosimilars (None: the pharmacy chooses)
    product = models.ForeignKey(
        "drugs.MedicinalProduct",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prodotto scelto"),
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    # the line's content when validated (``domain/validation.py``): a change voids it
    validated_fingerprint = models.CharField(max_length=64, blank=True, db_default="")

    class Meta:
        ordering = ["order", "day_of_cycle", "sequence"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=models.Q(final_dose__gt=0), name="item_final_pos"),
            models.CheckConstraint(
                condition=models.Q(administrations_per_day__gte=1, administrations_per_day__lte=6),
                name="item_administrations_per_day_range",
            ),
            models.CheckConstraint(
                condition=models.Q(reduction_percent__gte=0, reduction_percent__lt=100),
                name="item_reduction_range",
            ),
            models.UniqueConstraint(
                fields=["order", "day_of_cycle", "sequence"], name="item_day_sequence_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["scheduled_date", "status"], name="item_date_status"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} D{self.day_of_cycle} #{self.sequence}"

    @property
    def final_quantity(self) -> Quantity:
        return Quantity(self.final_dose, amount_unit(self.amount_unit))

    @property
    def limit_blocks(self) -> tuple[LimitBlock, ...]:
        return tuple(LimitBlock(str(b["code"]), str(b["message"])) for b in self.blocks)

    @property
    def limit_overrides(self) -> tuple[LimitOverride, ...]:
        return tuple(LimitOverride.from_json(o) for o in self.overrides)

    @property
    def pending_blocks(self) -> tuple[LimitBlock, ...]:
        """The limits the current final dose exceeds with no override for this value, and
        the cycle's lifetime cumulative limit when ``order_cumulative_refresh`` blocked the
        line and no physician has overridden it (H06)."""
        pending = pending_blocks(self.limit_blocks, self.limit_overrides, self.final_quantity)
        if (
            self.block_code == CUMULATIVE_DOSE
            and not self.override_reason
            and all(b.code != CUMULATIVE_DOSE for b in pending)
        ):
            pending = (*pending, LimitBlock(CUMULATIVE_DOSE, self.block_message))
        return pending

    @property
    def is_blocked(self) -> bool:
        return bool(self.pending_blocks)

    @property
    def weight_used_text(self) -> str:
        """The weight of a per-kg line as the printed order shows it (Italian), e.g.
        «peso corretto (fattore 0.25) 80.35 kg»; "" for a line not dosed on a weight."""
        if not self.weight_basis or self.dosing_weight_kg is None:
            return ""
        label = {"actual": "peso reale", "ideal": "peso ideale", "adjusted": "peso corretto"}
        text = label.get(self.weight_basis, self.weight_basis)
        if self.adjusted_weight_factor is not None:
            text += f" (fattore {number_text(self.adjusted_weight_factor)})"
        return f"{text} {quantity_text(self.dosing_weight_kg, 'kg')}"

    @property
    def is_deviation(self) -> bool:
        return bool(self.added or self.reduction_percent or self.final_dose != self.calculated_dose)


class OrderTransition(models.Model):
    order = models.ForeignKey(TherapyOrder, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=24)
    to_state = models.CharField(max_length=24)
    event = models.CharField(max_length=24, choices=[(e.value, e.value) for e in OrderEvent])
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(max_length=120, blank=True)
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "at", "id"]
        default_permissions = ()
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_state} -> {self.to_state}"

    @property
    def from_label(self) -> str:
        return STATE_LABELS_IT[OrderState(self.from_state)]

    @property
    def to_label(self) -> str:
        return STATE_LABELS_IT[OrderState(self.to_state)]


class PriorDoseUnit(models.TextChoices):
    MG = "mg", "mg"
    MG_M2 = "mg/m2", "mg/m²"
    UI = "UI", "UI"
    U = "U", _("U (unità USP)")


class PriorDose(models.Model):
    """A dose given ELSEWHERE (another hospital, before Corsia), counted in the patient's
    lifetime cumulative dose (H06). Append-only: a wrong record is corrected by a new
    one that ``corrects`` it (amount 0 withdraws it); the chain's last record counts."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="prior_doses"
    )
    ingredient = models.ForeignKey(
        "drugs.ActiveIngredient", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("dose totale"), max_digits=12, decimal_places=4)
    unit = models.CharField(_("unità"), max_length=8, choices=PriorDoseUnit.choices)
    bsa_m2 = models.DecimalField(
        _("superficie corporea (m²)"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    hospital = models.CharField(_("struttura"), max_length=200)
    given_from = models.DateField(_("dal"))
    given_to = models.DateField(_("al"), null=True, blank=True)
    document_ref = models.CharField(_("documento di riferimento"), max_length=200)
    reason = models.TextField(_("motivo della registrazione"))
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
        verbose_name=_("corregge"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    workstation = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["patient", "given_from", "id"]
        default_permissions = ()
        indexes = [models.Index(fields=["patient", "ingredient"], name="prior_dose_patient")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="prior_dose_amount"),
            models.CheckConstraint(
                condition=models.Q(bsa_m2__isnull=True) | models.Q(bsa_m2__gt=0),
                name="prior_dose_bsa_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(given_to__isnull=True)
                | models.Q(given_to__gte=models.F("given_from")),
                name="prior_dose_period",
            ),
        ]
        triggers = [read_only_movable("append_only")]  # the merge re-points patient_id

    def __str__(self) -> str:
        return f"{self.ingredient_id} {self.amount} {self.unit} ({self.hospital})"


from corsia.prescribing.models_regulatory import OrderRegulatoryRequirement  # noqa: E402, F401
