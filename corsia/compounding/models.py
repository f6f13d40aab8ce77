"""UFA / UMACA persistence: hoods, sessions, preparations and what happens at the hood.

Persistence only; the rules live in ``domain/`` and the use cases in ``services.py``.
Nothing here is deleted: a preparation that is not made is *rejected* with a reason, a
leftover that is no longer usable is *expired* or *wasted*.
"""

from __future__ import annotations

from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.compounding.domain.product import StorageTemperature
from corsia.compounding.domain.workflow import PREP_STATE_LABELS_IT, PrepState
from corsia.core.models import TimeStampedModel, VersionedModel
from corsia.drugs.domain.formulation import Formulation


class HoodKind(models.TextChoices):
    BSC = "bsc", _("Cappa a flusso laminare verticale (BSC classe II)")
    ISOLATOR = "isolator", _("Isolatore")


STORAGE_CHOICES = [(t.value, t.value) for t in StorageTemperature]


@pghistory.track()
class Hood(TimeStampedModel):
    code = models.SlugField(_("codice"), max_length=20, unique=True)
    name = models.CharField(_("nome"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=12, choices=HoodKind.choices)
    active = models.BooleanField(_("attiva"), default=True)
    # the hood station's balance: a pyserial URL (``/dev/ttyUSB0``, ``socket://host:port``)
    scale_url = models.CharField(
        _("bilancia: indirizzo"), max_length=200, blank=True, db_default=""
    )
    scale_protocol = models.CharField(
        _("bilancia: protocollo"),
        max_length=16,
        blank=True,
        choices=[("mt_sics", "Mettler Toledo MT-SICS"), ("sartorius_sbi", "Sartorius SBI")],
        db_default="",
    )
    scale_id = models.CharField(
        _("bilancia: identificativo"), max_length=60, blank=True, db_default=""
    )
    scale_baudrate = models.PositiveIntegerField(_("bilancia: baud"), default=9600, db_default=9600)

    class Meta:
        ordering = ["code"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


@pghistory.track()
class WorkSession(TimeStampedModel):
    """One hood's shift: the technician at it and the supervising pharmacist."""

    date = models.DateField(_("giorno"))
    hood = models.ForeignKey(Hood, on_delete=models.PROTECT, related_name="sessions")
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    pharmacist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("inizio"), default=timezone.now)
    ended_at = models.DateTimeField(_("fine"), null=True, blank=True)
    plan = models.JSONField(_("piano flaconi"), default=dict, blank=True)

    class Meta:
        ordering = ["-date", "hood__code"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.hood.code} {self.date:%d/%m/%Y}"


@pghistory.track()
class Preparation(VersionedModel):
    """One preparation for one pharmacy line of an order (``OrderItem``)."""

    order_item = models.ForeignKey(
        "prescribing.OrderItem", on_delete=models.PROTECT, related_name="ufa_preparations"
    )
    order = models.ForeignKey(
        "prescribing.TherapyOrder", on_delete=models.PROTECT, related_name="preparations"
    )
    scheduled_date = models.DateField(_("giorno di somministrazione"))
    state = models.CharField(
        _("stato"),
        max_length=16,
        choices=[(s.value, label) for s, label in PREP_STATE_LABELS_IT.items()],
        default=PrepState.PENDING,
    )
    state_reason = models.TextField(blank=True)
    label_code = models.CharField(  # noqa: DJ001 - NULL until the id is known; "" would clash on unique
        _("codice etichetta"), max_length=16, unique=True, null=True
    )
    product = models.ForeignKey(
        "drugs.MedicinalProduct", null=True, on_delete=models.PROTECT, related_name="+"
    )
    dose_mg = models.DecimalField(_("dose (mg)"), max_digits=12, decimal_places=4)
    # The unit of ``dose_mg`` as the order line gives it (mg, UI, U, mL): the field keeps
    # its historical name, the unit printed and checked is this one, never mg by default.
    dose_unit = models.CharField(_("unità della dose"), max_length=6, default="mg", db_default="mg")
    # The route copied from the order line when the preparation is created; printed on the
    # label and checked against the order line at the bedside.
    route = models.CharField(_("via"), max_length=16, blank=True, db_default="")
    formulation = models.CharField(
        _("formulazione"),
        max_length=24,
        choices=[(f.value, f.label_it) for f in Formulation],
        default=Formulation.CONVENTIONAL,
        db_default="conventional",
    )
    bag_before_g = models.DecimalField(
        _("sacca prima dell'aggiunta (g)"), max_digits=9, decimal_places=3, null=True
    )
    bag_before_source = models.CharField(max_length=6, blank=True, db_default="")
    bag_before_scale_id = models.CharField(max_length=60, blank=True, db_default="")
    bag_before_reason = models.TextField(blank=True, db_default="")
    bag_before_at = models.DateTimeField(null=True, blank=True)
    bag_before_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    diluent = models.CharField(_("diluente"), max_length=80, blank=True)
    bag_volume_ml = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    bag_overfill_ml = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    volume_to_draw_ml = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    final_volume_ml = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    final_concentration_mg_ml = models.DecimalField(max_digits=10, decimal_places=4, null=True)
    expiry_at = models.DateTimeField(_("scadenza"), null=True)
    storage = models.CharField(max_length=10, choices=STORAGE_CHOICES, blank=True)
    protect_from_light = models.BooleanField(default=False)
    warnings = models.JSONField(default=list, blank=True)
    blocking_reason = models.TextField(_("da completare perché"), blank=True)
    planned_vials = models.JSONField(_("flaconi previsti"), default=list, blank=True)
    hood = models.ForeignKey(
        Hood, null=True, blank=True, on_delete=models.PROTECT, related_name="preparations"
    )
    session = models.ForeignKey(
        WorkSession, null=True, blank=True, on_delete=models.PROTECT, related_name="preparations"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    # The first start of an administration at the bedside with this preparation's label
    # (administration calls ``services.administration_start`` in the same transaction;
    # only ever moved earlier): the pharmacy's timing report reads it here, in one query.
    first_administration_started_at = models.DateTimeField(null=True, blank=True)
    checkout = models.ForeignKey(
        "CheckOut", null=True, blank=True, on_delete=models.PROTECT, related_name="preparations"
    )

    class Meta:
        ordering = ["scheduled_date", "order_id", "order_item__sequence"]
        default_permissions = ()
        indexes = [models.Index(fields=["scheduled_date", "state"], name="prep_day_state")]
        constraints = [
            models.CheckConstraint(condition=models.Q(dose_mg__gt=0), name="prep_dose_positive"),
            # one live preparation per order line; a rejected one may be made again
            models.UniqueConstraint(
                fields=["order_item"],
                condition=~models.Q(state="rejected"),
                name="prep_one_live_per_item",
            ),
        ]

    def __str__(self) -> str:
        return self.label_code or f"preparation {self.pk}"

    @property
    def state_label(self) -> str:
        return PREP_STATE_LABELS_IT[PrepState(self.state)]


class VialSource(models.TextChoices):
    NEW = "new", _("Flacone nuovo")
    LEFTOVER = "leftover", _("Residuo")


class LeftoverState(models.TextChoices):
    OPEN = "open", _("Aperto, utilizzabile")
    USED = "used", _("Esaurito")
    EXPIRED = "expired", _("Fuori stabilità")
    WASTED = "wasted", _("Eliminato")


@pghistory.track()
class Leftover(TimeStampedModel):
    """The content left in an opened vial, usable while stable (``expires_at``)."""

    product = models.ForeignKey(
        "drugs.MedicinalProduct", on_delete=models.PROTECT, related_name="+"
    )
    lot = models.CharField(_("lotto"), max_length=40)
    lot_expiry = models.DateField(_("scadenza del lotto"))
    concentration_mg_ml = models.DecimalField(max_digits=12, decimal_places=4)
    volume_ml = models.DecimalField(_("volume residuo (mL)"), max_digits=9, decimal_places=2)
    opened_at = models.DateTimeField(_("aperto il"))
    expires_at = models.DateTimeField(_("utilizzabile fino al"))
    storage = models.CharField(max_length=10, choices=STORAGE_CHOICES)
    protected_from_light = models.BooleanField(default=True)
    state = models.CharField(
        max_length=8, choices=LeftoverState.choices, default=LeftoverState.OPEN
    )
    from_preparation = models.ForeignKey(
        Preparation, null=True, blank=True, on_delete=models.PROTECT, related_name="leftovers"
    )
    hood = models.ForeignKey(
        Hood, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The vial it is in: the GS1 serial (21) of the pack, read at the scan (empty for a
    # Code 39 stamp), so the same vial scanned again draws from this leftover.
    serial = models.CharField(_("seriale del flacone"), max_length=40, blank=True, db_default="")
    # The volume the technician saw left in the vial and recorded at the hood (the
    # computed one stands until then).
    volume_recorded_at = models.DateTimeField(_("volume residuo registrato il"), null=True)
    volume_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["expires_at"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=models.Q(volume_ml__gte=0), name="leftover_volume")
        ]
        indexes = [
            # the closed leftovers page by page, the latest expiry first (issue 27): the
            # ordering whole, of the closed ones only (the open ones are read whole)
            models.Index(
                fields=["-expires_at", "-id"],
                name="leftover_closed_expiry",
                condition=~models.Q(state="open"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} lotto {self.lot} ({self.volume_ml} mL)"

    @property
    def mg_available(self) -> Decimal:
        return self.volume_ml * self.concentration_mg_ml


@pghistory.track()
class PreparationVial(models.Model):
    """A vial or leftover drawn into a preparation, as scanned at the hood."""

    preparation = models.ForeignKey(Preparation, on_delete=models.PROTECT, related_name="vials")
    product = models.ForeignKey(
        "drugs.MedicinalProduct", on_delete=models.PROTECT, related_name="+"
    )
    pack = models.ForeignKey("drugs.Pack", null=True, on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(_("lotto"), max_length=40)
    lot_expiry = models.DateField(_("scadenza"))
    mg_drawn = models.DecimalField(max_digits=12, decimal_places=4)
    ml_drawn = models.DecimalField(max_digits=9, decimal_places=2)
    source = models.CharField(max_length=8, choices=VialSource.choices, default=VialSource.NEW)
    leftover = models.ForeignKey(
        Leftover, null=True, blank=True, on_delete=models.PROTECT, related_name="draws"
    )
    barcode = models.CharField(max_length=120, blank=True)
    serial = models.CharField(_("seriale del flacone"), max_length=40, blank=True, db_default="")
    scanned_at = models.DateTimeField(default=timezone.now)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["preparation", "scanned_at"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=models.Q(mg_drawn__gt=0), name="vial_mg_positive")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} lotto {self.lot} ({self.mg_drawn} mg)"


class WeightSource(models.TextChoices):
    TYPED = "typed", _("Digitato")
    SCALE = "scale", _("Bilancia")


@pghistory.track()
class Weighing(models.Model):
    preparation = models.ForeignKey(Preparation, on_delete=models.PROTECT, related_name="weighings")
    # tare_g: the bag before the addition (drug-mass check) or the empty container
    tare_g = models.DecimalField(max_digits=9, decimal_places=3)
    measured_g = models.DecimalField(max_digits=9, decimal_places=3)
    source = models.CharField(max_length=6, choices=WeightSource.choices)
    before_source = models.CharField(
        max_length=6, choices=WeightSource.choices, blank=True, db_default=""
    )
    scale_id = models.CharField(_("bilancia"), max_length=60, blank=True, db_default="")
    typed_reason = models.TextField(_("motivo del peso digitato"), blank=True, db_default="")
    added_g = models.DecimalField(max_digits=9, decimal_places=3, null=True)
    expected_added_g = models.DecimalField(max_digits=9, decimal_places=3, null=True)
    density_assumed = models.BooleanField(default=False, db_default=False)
    expected_g = models.DecimalField(max_digits=9, decimal_places=2)
    deviation_g = models.DecimalField(max_digits=9, decimal_places=2)
    deviation_percent = models.DecimalField(max_digits=8, decimal_places=2)
    drug_deviation_percent = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    tolerance_percent = models.DecimalField(max_digits=5, decimal_places=2)
    basis = models.CharField(max_length=6)
    passed = models.BooleanField()
    message = models.CharField(max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["preparation", "recorded_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.message

    @property
    def typed(self) -> bool:
        """A weight typed by hand (before or after the addition), not read from a scale."""
        return WeightSource.TYPED in (self.source, self.before_source)

    @property
    def source_text(self) -> str:
        if not self.typed:
            return f"letto dalla bilancia {self.scale_id}"
        return f"DIGITATO a mano: {self.typed_reason}"


@pghistory.track()
class CheckOut(models.Model):
    """A patient bag: the released preparations of one order and one day, reconciled."""

    order = models.ForeignKey(
        "prescribing.TherapyOrder", on_delete=models.PROTECT, related_name="checkouts"
    )
    day = models.DateField(_("giorno"))
    delivery_document = models.CharField(_("documento di consegna"), max_length=40)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_out_at = models.DateTimeField(default=timezone.now)
    # Intrathecal preparations travel in their own bag, never with the others.
    intrathecal = models.BooleanField(_("sacchetto intratecale"), default=False, db_default=False)

    class Meta:
        ordering = ["-checked_out_at"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["order", "day", "intrathecal"], name="checkout_order_day_route_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.delivery_document} ({self.order_id})"


@pghistory.track()
class TransportLog(models.Model):
    """The transport temperature of a patient bag: a data logger's readings (CSV) or the
    minimum and maximum of a min/max thermometer. An excursion blocks the bedside until a
    pharmacist releases the bag with a reason (``released_*``)."""

    checkout = models.ForeignKey(CheckOut, on_delete=models.PROTECT, related_name="transports")
    file_name = models.CharField(max_length=200, blank=True)
    storage = models.CharField(max_length=10, choices=STORAGE_CHOICES)
    readings = models.JSONField(default=list)
    minimum_c = models.DecimalField(max_digits=5, decimal_places=2)
    maximum_c = models.DecimalField(max_digits=5, decimal_places=2)
    excursions = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(
        _("motivo del rilascio dopo l'escursione"), blank=True, db_default=""
    )
    # minutes the logger's readings spent outside the bag's storage range (each reading
    # standing for the interval to the next one); 0 for a min/max thermometer
    minutes_outside = models.PositiveIntegerField(
        _("minuti fuori intervallo"), default=0, db_default=0
    )
    # the pharmacist's other decision after an excursion: the bag is not to be given
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField(
        _("motivo del rifiuto dopo l'escursione"), blank=True, db_default=""
    )

    class Meta:
        ordering = ["-imported_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.file_name


@pghistory.track()
class ExposureRecord(models.Model):
    """Register of operators' exposure to cytotoxic drugs (who, what, where, how long)."""

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ingredient = models.ForeignKey(
        "drugs.ActiveIngredient", on_delete=models.PROTECT, related_name="+"
    )
    hood = models.ForeignKey(Hood, null=True, on_delete=models.PROTECT, related_name="+")
    preparation = models.ForeignKey(Preparation, on_delete=models.PROTECT, related_name="exposures")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at"]
        default_permissions = ()
        indexes = [
            # the register page by page, the latest first (issue 27): the ordering whole
            models.Index(fields=["-started_at", "-id"], name="exposure_started_id"),
        ]

    def __str__(self) -> str:
        return f"{self.operator_id} {self.ingredient_id} {self.started_at:%d/%m/%Y %H:%M}"


class DeviceOutcome(models.TextChoices):
    WEIGHED = "weighed", _("Registrato: controllo gravimetrico superato, da rilasciare")
    GRAVIMETRIC_FAILED = "gravimetric_failed", _("Registrato: controllo gravimetrico FALLITO")
    VOLUME_MISMATCH = "volume_mismatch", _("Registrato: volumi prelevati fuori tolleranza")
    DEVICE_REJECTED = "device_rejected", _("Registrato: scartato dal dispositivo")


@pghistory.track()
class DeviceResult(models.Model):
    """What a compounding robot or smart hood reported for a preparation (schema
    ``corsia.compounding.robot-result/1``), as received, and what Corsia made of it. The
    vials and weights themselves are recorded by the hood's services (``PreparationVial``,
    ``Weighing``); this row keeps the device's side: its ids, operator, verdict, volumes
    and images. Append-only."""

    preparation = models.ForeignKey(
        Preparation, on_delete=models.PROTECT, related_name="device_results"
    )
    device_id = models.CharField(_("dispositivo"), max_length=120)
    device_model = models.CharField(_("modello"), max_length=120, blank=True)
    result_id = models.CharField(_("identificativo del risultato"), max_length=120)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(_("completato dal dispositivo il"))
    verdict = models.CharField(_("esito del dispositivo"), max_length=10)
    verdict_reason = models.TextField(blank=True)
    outcome = models.CharField(_("esito in Corsia"), max_length=20, choices=DeviceOutcome.choices)
    message = models.CharField(max_length=300)
    volumes = models.JSONField(default=list)  # [{lot, serial, reported_ml, expected_ml}]
    images = models.JSONField(default=list)  # [{id, kind, sha256}]
    document = models.JSONField()  # the document as received
    weighing = models.ForeignKey(
        Weighing, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["device_id", "result_id"], name="device_result_once_per_device"
            )
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.result_id}"
