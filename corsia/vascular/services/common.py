"""What every act of the register shares: the device locked for the act, clean text, a
time checked, the snapshot written in the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from corsia.core.actors import User
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.core.domain.text import clean_text as core_clean_text
from corsia.patients.selectors import patient_get
from corsia.vascular.models import Device

MAX_TEXT = 4000


def clean_text(value: str, field: str, *, limit: int = MAX_TEXT, required: str = "") -> str:
    """Text without NUL bytes, trimmed, within ``limit``; ``required``: the message when
    empty."""
    return core_clean_text(value, field, limit=limit, required=required)


def aware(value: datetime | None, field: str, now: datetime) -> datetime:
    """``value`` (``None``: now) as an aware datetime, else refused."""
    if value is None:
        return now
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValidationFailed("Indica data e ora.", code="datetime_invalid", field=field)
    return value


def device_for_update(*, actor: User, device_id: int) -> Device:
    """The device, locked for this transaction, within the actor's reach (a masked or
    out-of-scope patient's device is as if it did not exist)."""
    device = Device.objects.select_for_update(of=("self",)).filter(pk=device_id).first()
    if device is None:
        raise NotFound("Accesso vascolare non trovato.", code="device_not_found")
    patient_get(user=actor, patient_id=device.patient_id)
    return device


def snapshot(device: Device) -> dict[str, Any]:
    return {
        "id": device.pk,
        "state": device.state,
        "device_type": device.device_type,
        "lumens": device.lumens,
        "size": f"{device.size}" if device.size is not None else None,
        "size_unit": device.size_unit,
        "brand": device.brand,
        "lot": device.lot,
        "vein": device.vein,
        "side": device.side,
        "tip_location": device.tip_location,
        "operator": device.operator_id,
        "inserted_at": device.inserted_at.isoformat() if device.inserted_at else None,
        "removed_at": device.removed_at.isoformat() if device.removed_at else None,
        "removal_reason": device.removal_reason,
        "version": device.version,
    }
