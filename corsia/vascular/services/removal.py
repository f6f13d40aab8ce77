"""A device removed: when (after its insertion and every event recorded, not in the
future), why, whether the tip went to culture. The device is frozen from then on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.codes import code_of
from corsia.core.domain.errors import ValidationFailed
from corsia.vascular import audit_events as events
from corsia.vascular.domain import codes, rules
from corsia.vascular.models import AccessEvent, Device, DeviceState
from corsia.vascular.permissions import RECORD
from corsia.vascular.services.care import ensure_in_place
from corsia.vascular.services.common import (
    aware,
    clean_text,
    device_for_update,
    snapshot,
)


@dataclass(frozen=True)
class RemovalInput:
    reason: str
    removed_at: datetime | None = None  # None: now
    note: str = ""
    tip_culture_sent: bool = False


def device_remove(
    *,
    actor: User,
    workstation: Workstation,
    device_id: int,
    expected_version: int | None,
    data: RemovalInput,
) -> Device:
    require_permission(actor, RECORD)
    reason = code_of(
        codes.RemovalReason, data.reason, "reason", "Indica il motivo della rimozione."
    )
    note = clean_text(data.note, "note")
    now = timezone.now()
    with transaction.atomic():
        device = device_for_update(actor=actor, device_id=device_id)
        ensure_in_place(device)
        device.check_version(expected_version if expected_version is not None else -1)
        assert device.inserted_at is not None
        at = aware(data.removed_at, "removed_at", now)
        rules.check_not_future(at, now, "removed_at")
        if at < device.inserted_at:
            raise ValidationFailed(
                "La rimozione non può precedere l'inserimento "
                f"({timezone.localtime(device.inserted_at):%d/%m/%Y %H:%M}).",
                code="removal_before_insertion",
                field="removed_at",
            )
        last = AccessEvent.objects.filter(device=device).order_by("-occurred_at").first()
        if last is not None and at < last.occurred_at:
            raise ValidationFailed(
                "La rimozione non può precedere l'ultimo evento registrato "
                f"({timezone.localtime(last.occurred_at):%d/%m/%Y %H:%M}).",
                code="removal_before_last_event",
                field="removed_at",
            )
        before = snapshot(device)
        device.state = DeviceState.REMOVED
        device.removed_at = at
        device.removal_reason = reason.value
        device.removal_note = note
        device.tip_culture_sent = bool(data.tip_culture_sent)
        device.removed_by = actor
        device.save(
            update_fields=[
                "state", "removed_at", "removal_reason", "removal_note", "tip_culture_sent",
                "removed_by", *device.bump(by=actor),
            ]
        )  # fmt: skip
        audit_record(
            event=events.DEVICE_REMOVED,
            actor=actor,
            workstation=workstation,
            target=device,
            patient_id=device.patient_id,
            before=before,
            after=snapshot(device),
        )
    return device
