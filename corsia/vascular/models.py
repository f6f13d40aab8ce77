"""The venous access register's tables: the devices (planned, in place, removed) and what
happened to each (care acts and complications), written once.

Persistence only. Access is governed by the named permissions of
``corsia.accounts.domain.roles`` (``vascular.view_vascular``, ``vascular.record_vascular``),
so every model has ``default_permissions = ()``. A device is edited only by its services
under optimistic locking (``version``); once removed or cancelled it is frozen, and its
insertion data are frozen once inserted (triggers, but a patient merge's re-pointing). A
care act or a complication is written once; a correction is a new row that ``supersedes``
it, with a reason. Nothing is deleted. Every table is tracked by django-pghistory.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.domain.codes import LabelledCode
from corsia.core.models import VersionedModel, WrittenOnceModel
from corsia.core.triggers import frozen_when_movable, read_only_movable
from corsia.vascular.domain import codes

_INSERTION = (
    "device_type", "lumens", "size", "size_unit", "length_cm", "brand", "lot", "vein", "side",
    "ultrasound_guided", "tip_location", "tip_confirmed", "attempts", "operator_id",
    "incidents", "inserted_at",
)  # fmt: skip


def _choices(code: type[LabelledCode]) -> list[tuple[str, str]]:
    return [(member.value, member.label_it) for member in code]


class DeviceState(models.TextChoices):
    PLANNED = "planned", _("Richiesto")
    IN_PLACE = "in_place", _("In sede")
    REMOVED = "removed", _("Rimosso")
    CANCELLED = "cancelled", _("Richiesta annullata")


@pghistory.track()
class Device(VersionedModel):
    """One venous access device of a patient, from its request to its removal."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="vascular_devices"
    )
    state = models.CharField(_("stato"), max_length=12, choices=DeviceState.choices)
    device_type = models.CharField(_("tipo"), max_length=16, choices=_choices(codes.DeviceType))
    indication = models.CharField(
        _("indicazione"), max_length=16, choices=_choices(codes.Indication)
    )
    planned_dwell_days = models.PositiveIntegerField(_("permanenza prevista (giorni)"), null=True)
    requested_at = models.DateTimeField(_("richiesto il"), null=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    request_note = models.TextField(_("nota della richiesta"), blank=True)
    # the insertion (empty while planned)
    lumens = models.PositiveSmallIntegerField(_("lumi"), null=True)
    size = models.DecimalField(_("calibro"), max_digits=4, decimal_places=1, null=True)
    size_unit = models.CharField(
        _("unità del calibro"), max_length=2, choices=_choices(codes.SizeUnit), blank=True
    )
    length_cm = models.DecimalField(_("lunghezza (cm)"), max_digits=5, decimal_places=1, null=True)
    brand = models.CharField(_("marca e modello"), max_length=120, blank=True)
    lot = models.CharField(_("lotto"), max_length=60, blank=True)
    vein = models.CharField(_("vena"), max_length=16, choices=_choices(codes.Vein), blank=True)
    side = models.CharField(_("lato"), max_length=5, choices=_choices(codes.Side), blank=True)
    ultrasound_guided = models.BooleanField(_("ecoguidato"), default=False)
    tip_location = models.CharField(
        _("verifica della punta"), max_length=12, choices=_choices(codes.TipLocation), blank=True
    )
    tip_confirmed = models.BooleanField(_("punta in posizione confermata"), default=False)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), null=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("operatore"),
    )
    incidents = models.JSONField(_("incidenti della procedura"), default=list)
    incident_note = models.TextField(_("note sulla procedura"), blank=True)
    inserted_at = models.DateTimeField(_("inserito il"), null=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    # the removal
    removed_at = models.DateTimeField(_("rimosso il"), null=True)
    removal_reason = models.CharField(
        _("motivo della rimozione"), max_length=20, choices=_choices(codes.RemovalReason),
        blank=True,
    )  # fmt: skip
    removal_note = models.TextField(_("nota della rimozione"), blank=True)
    tip_culture_sent = models.BooleanField(_("punta inviata in coltura"), default=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.TextField(_("motivo dell'annullamento"), blank=True)

    class Meta:
        verbose_name = _("accesso vascolare")
        verbose_name_plural = _("accessi vascolari")
        default_permissions = ()
        indexes = [
            models.Index(name="vascular_device_patient", fields=["patient", "state"]),
            models.Index(name="vascular_device_inserted", fields=["inserted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | Q(removed_at__gte=F("inserted_at")),
                name="vascular_removal_after_insertion",
            ),
            models.CheckConstraint(
                condition=~Q(state="in_place") | Q(inserted_at__isnull=False),
                name="vascular_in_place_inserted",
            ),
            models.CheckConstraint(
                condition=~Q(state="removed") | Q(removed_at__isnull=False),
                name="vascular_removed_has_date",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="device_no_delete", operation=pgtrigger.Delete),
            frozen_when_movable("device_closed_frozen", "OLD.state IN ('removed', 'cancelled')"),
            frozen_when_movable(
                "device_insertion_frozen",
                "OLD.state = 'in_place' AND ("
                + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _INSERTION)
                + ")",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type_label} #{self.pk}"

    @property
    def type_label(self) -> str:
        return codes.DeviceType(self.device_type).label_it

    @property
    def size_text(self) -> str:
        return f"{self.size.normalize():f} {self.size_unit}" if self.size is not None else ""

    @property
    def site_text(self) -> str:
        vein = codes.Vein(self.vein).label_it if self.vein else ""
        side = codes.Side(self.side).label_it.lower() if self.side else ""
        return f"{vein}, {side}" if vein and side else vein

    @property
    def incident_labels(self) -> list[str]:
        return [codes.Incident(code).label_it for code in self.incidents]


class EventCategory(models.TextChoices):
    CARE = "care", _("Gestione")
    COMPLICATION = "complication", _("Complicanza")


@pghistory.track()
class AccessEvent(WrittenOnceModel):
    """A care act (site assessment, dressing, flush, lock, connector change) or a
    complication of a device, written once. ``details``: the dressing and when it is due,
    the flush solution, the VIP score (with nursing's assessment id), the complication's
    certainty and culture results."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="access_events")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("categoria"), max_length=12, choices=EventCategory.choices)
    kind = models.CharField(_("tipo"), max_length=16)
    occurred_at = models.DateTimeField(_("avvenuto il"))
    details = models.JSONField(_("dettagli"), default=dict)
    note = models.TextField(_("nota"), blank=True)
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)

    class Meta:
        verbose_name = _("evento dell'accesso vascolare")
        verbose_name_plural = _("eventi degli accessi vascolari")
        default_permissions = ()
        indexes = [models.Index(name="vascular_event_device", fields=["device", "-occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(supersedes=F("id")), name="vascular_event_not_self_superseding"
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="vascular_event_correction_has_reason",
            ),
        ]
        triggers = [read_only_movable()]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.occurred_at:%d/%m/%Y %H:%M}"

    @property
    def kind_label(self) -> str:
        if self.category == EventCategory.COMPLICATION:
            return codes.Complication(self.kind).label_it
        return codes.CareKind(self.kind).label_it
