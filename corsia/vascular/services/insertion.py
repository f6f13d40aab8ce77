"""A device requested (planned), its request cancelled, a device inserted (from its
request or directly): the insertion's data checked by the domain, written once (the
database freezes them once in place)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from corsia.accounts.selectors import user_by_username
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.codes import code_of
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.patients.selectors import patient_get
from corsia.vascular import audit_events as events
from corsia.vascular.domain import codes, rules
from corsia.vascular.models import Device, DeviceState
from corsia.vascular.permissions import RECORD
from corsia.vascular.services.common import (
    aware,
    clean_text,
    device_for_update,
    snapshot,
)


@dataclass(frozen=True)
class RequestInput:
    device_type: str
    indication: str
    planned_dwell_days: int | None = None
    note: str = ""


@dataclass(frozen=True)
class InsertionInput:
    device_type: str
    indication: str
    lumens: int
    size: Decimal | None
    size_unit: str
    vein: str
    side: str
    tip_location: str
    attempts: int = 1
    length_cm: Decimal | None = None
    brand: str = ""
    lot: str = ""
    ultrasound_guided: bool = False
    tip_confirmed: bool = False
    operator: str = ""  # username; empty: the actor
    incidents: tuple[str, ...] = field(default_factory=tuple)
    incident_note: str = ""
    planned_dwell_days: int | None = None
    inserted_at: datetime | None = None  # None: now


def device_request(
    *, actor: User, workstation: Workstation, patient_id: int, data: RequestInput
) -> Device:
    """A device asked for (the PICC team's worklist): planned until inserted."""
    require_permission(actor, RECORD)
    patient = patient_get(user=actor, patient_id=patient_id)
    kind = code_of(
        codes.DeviceType, data.device_type, "device_type", "Tipo di accesso sconosciuto."
    )
    why = code_of(codes.Indication, data.indication, "indication", "Indicazione sconosciuta.")
    dwell = data.planned_dwell_days
    if dwell is not None and not 1 <= dwell <= rules.MAX_DWELL_DAYS:
        raise ValidationFailed(
            f"Permanenza prevista tra 1 e {rules.MAX_DWELL_DAYS} giorni.",
            code="dwell_out_of_range",
            field="planned_dwell_days",
        )
    note = clean_text(data.note, "note")
    with transaction.atomic():
        device = Device.objects.create(
            patient_id=patient.pk,
            state=DeviceState.PLANNED,
            device_type=kind.value,
            indication=why.value,
            planned_dwell_days=dwell,
            requested_at=timezone.now(),
            requested_by=actor,
            request_note=note,
            workstation=workstation_label(workstation)[:120],
            updated_by=actor,
        )
        audit_record(
            event=events.DEVICE_REQUESTED,
            actor=actor,
            workstation=workstation,
            target=device,
            patient_id=patient.pk,
            after=snapshot(device),
        )
    return device


def device_request_cancel(
    *, actor: User, workstation: Workstation, device_id: int, expected_version: int | None,
    reason: str,
) -> Device:  # fmt: skip
    require_permission(actor, RECORD)
    why = clean_text(reason, "reason", limit=2000, required="Indica il motivo dell'annullamento.")
    with transaction.atomic():
        device = device_for_update(actor=actor, device_id=device_id)
        if device.state != DeviceState.PLANNED:
            raise ConflictError(
                "Solo una richiesta non ancora eseguita si può annullare.", code="not_planned"
            )
        device.check_version(expected_version if expected_version is not None else -1)
        before = snapshot(device)
        device.state = DeviceState.CANCELLED
        device.cancel_reason = why
        device.save(update_fields=["state", "cancel_reason", *device.bump(by=actor)])
        audit_record(
            event=events.DEVICE_REQUEST_CANCELLED,
            actor=actor,
            workstation=workstation,
            target=device,
            patient_id=device.patient_id,
            before=before,
            after=snapshot(device),
            reason=why,
        )
    return device


def _operator(actor: User, username: str) -> User:
    if not username.strip():
        return actor
    try:
        operator = user_by_username(username=clean_text(username, "operator", limit=150))
    except NotFound:
        raise ValidationFailed(
            "Operatore sconosciuto.", code="operator_unknown", field="operator"
        ) from None
    if not operator.is_active or not operator.has_perm(RECORD):
        raise ValidationFailed(
            "L'operatore indicato non è abilitato all'impianto degli accessi.",
            code="operator_not_allowed",
            field="operator",
        )
    return operator


def _fill(device: Device, data: InsertionInput, actor: User, now: datetime) -> None:
    kind = code_of(
        codes.DeviceType, data.device_type, "device_type", "Tipo di accesso sconosciuto."
    )
    unit = code_of(codes.SizeUnit, data.size_unit, "size_unit", "Unità del calibro sconosciuta.")
    tip = code_of(
        codes.TipLocation, data.tip_location, "tip_location", "Metodo di verifica sconosciuto."
    )
    if data.size is None:
        raise ValidationFailed("Indica il calibro.", code="size_required", field="size")
    rules.check_device(
        device_type=kind,
        lumens=data.lumens,
        size=data.size,
        size_unit=unit,
        length_cm=data.length_cm,
        tip_location=tip,
        attempts=data.attempts,
        planned_dwell_days=data.planned_dwell_days,
    )
    inserted_at = aware(data.inserted_at, "inserted_at", now)
    rules.check_not_future(inserted_at, now, "inserted_at")
    if device.requested_at is not None and inserted_at < device.requested_at - rules.FUTURE_SKEW:
        raise ValidationFailed(
            "L'inserimento non può precedere la richiesta.",
            code="before_request",
            field="inserted_at",
        )
    device.device_type = kind.value
    device.indication = code_of(
        codes.Indication, data.indication, "indication", "Indicazione sconosciuta."
    ).value
    device.lumens = data.lumens
    device.size = data.size
    device.size_unit = unit.value
    device.length_cm = data.length_cm
    device.brand = clean_text(data.brand, "brand", limit=120)
    device.lot = clean_text(data.lot, "lot", limit=60)
    device.vein = code_of(codes.Vein, data.vein, "vein", "Vena sconosciuta.").value
    device.side = code_of(codes.Side, data.side, "side", "Lato sconosciuto.").value
    device.ultrasound_guided = bool(data.ultrasound_guided)
    device.tip_location = tip.value
    device.tip_confirmed = bool(data.tip_confirmed) and tip != codes.TipLocation.NONE
    device.attempts = data.attempts
    device.operator = _operator(actor, data.operator)
    device.incidents = sorted(
        {
            code_of(codes.Incident, i, "incidents", "Incidente sconosciuto.").value
            for i in data.incidents
        }
    )
    device.incident_note = clean_text(data.incident_note, "incident_note")
    if data.planned_dwell_days is not None:
        device.planned_dwell_days = data.planned_dwell_days
    device.inserted_at = inserted_at
    device.recorded_by = actor
    device.state = DeviceState.IN_PLACE


def device_insert(
    *,
    actor: User,
    workstation: Workstation,
    data: InsertionInput,
    patient_id: int | None = None,
    device_id: int | None = None,
    expected_version: int | None = None,
) -> Device:
    """Record an insertion: of the planned device ``device_id`` (its version as read), or a
    new one for ``patient_id``. Nothing is written when any datum is refused."""
    require_permission(actor, RECORD)
    now = timezone.now()
    with transaction.atomic():
        if device_id is not None:
            device = device_for_update(actor=actor, device_id=device_id)
            if device.state != DeviceState.PLANNED:
                raise ConflictError(
                    "L'accesso non è più in attesa di impianto.", code="not_planned"
                )
            device.check_version(expected_version if expected_version is not None else -1)
            before = snapshot(device)
            _fill(device, data, actor, now)
            device.workstation = workstation_label(workstation)[:120]
            device.bump(by=actor)
            device.save()
        else:
            patient = patient_get(user=actor, patient_id=patient_id or 0)
            before = None
            device = Device(patient_id=patient.pk, updated_by=actor)
            _fill(device, data, actor, now)
            device.workstation = workstation_label(workstation)[:120]
            device.save()
        audit_record(
            event=events.DEVICE_INSERTED,
            actor=actor,
            workstation=workstation,
            target=device,
            patient_id=device.patient_id,
            before=before,
            after=snapshot(device),
        )
    return device
