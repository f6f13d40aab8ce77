"""The daily care of a device in place: the site assessed (a peripheral one with the VIP
score, recorded through nursing's scale service so it joins the patient's nursing trend),
the dressing changed (with when the next is due), a flush, a lock, the needle-free
connector changed. Written once; a device removed or not yet inserted takes none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.codes import code_of
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.nursing.services import AssessmentInput, assessment_record
from corsia.vascular import audit_events as events
from corsia.vascular.domain import codes, rules
from corsia.vascular.models import AccessEvent, Device, DeviceState, EventCategory
from corsia.vascular.permissions import RECORD
from corsia.vascular.services.common import aware, clean_text, device_for_update

VIP_DEVICES = frozenset({codes.DeviceType.PIV, codes.DeviceType.MIDLINE})
MAX_VOLUME_ML = Decimal(100)


@dataclass(frozen=True)
class CareInput:
    kind: str
    occurred_at: datetime | None = None  # None: now
    vip: int | None = None  # the VIP score of a peripheral site (assessment)
    dressing: str = ""  # transparent | gauze (dressing change)
    solution: str = ""  # flush or lock
    volume_ml: Decimal | None = None
    note: str = ""


def ensure_in_place(device: Device) -> None:
    if device.state != DeviceState.IN_PLACE:
        message = (
            "L'accesso è stato rimosso: non si possono registrare altri eventi."
            if device.state == DeviceState.REMOVED
            else "L'accesso non è in sede."
        )
        raise ConflictError(message, code="device_not_in_place")


def _volume(value: Decimal | None) -> str:
    if value is None:
        return ""
    if not value.is_finite() or not Decimal(0) < value <= MAX_VOLUME_ML:
        raise ValidationFailed(
            f"Volume tra 0 e {MAX_VOLUME_ML} mL.", code="volume_out_of_range", field="volume_ml"
        )
    return f"{value.normalize():f}"


def _vip(
    *, actor: User, workstation: Workstation, device: Device, score: int | None, at: datetime
) -> dict[str, Any]:
    if codes.DeviceType(device.device_type) not in VIP_DEVICES:
        if score is not None:
            raise ValidationFailed(
                "La scala VIP si usa per gli accessi periferici.", code="vip_not_peripheral",
                field="vip",
            )  # fmt: skip
        return {}
    if score is None:
        raise ValidationFailed(
            "Indica il punteggio VIP della sede.", code="vip_required", field="vip"
        )
    assessment = assessment_record(
        actor=actor,
        workstation=workstation,
        patient_id=device.patient_id,
        data=AssessmentInput(
            scale_code="vip",
            answers={"site": str(score)},
            assessed_at=at,
            notes=f"Accesso vascolare n. {device.pk}",
        ),
    )
    return {
        "vip": assessment.total,
        "band": assessment.band_label,
        "band_level": assessment.band_level,
        "nursing_assessment_id": assessment.pk,
    }


def _details(
    *, actor: User, workstation: Workstation, device: Device, kind: codes.CareKind,
    data: CareInput, at: datetime,
) -> dict[str, Any]:  # fmt: skip
    if kind == codes.CareKind.ASSESSMENT:
        return _vip(actor=actor, workstation=workstation, device=device, score=data.vip, at=at)
    if kind == codes.CareKind.DRESSING:
        dressing = code_of(
            codes.Dressing, data.dressing, "dressing", "Indica il tipo di medicazione."
        )
        due = rules.dressing_due(dressing, timezone.localdate(at))
        return {"dressing": dressing.value, "due_on": due.isoformat()}
    if kind in (codes.CareKind.FLUSH, codes.CareKind.LOCK):
        solution = clean_text(
            data.solution, "solution", limit=100, required="Indica la soluzione usata."
        )
        return {"solution": solution, "volume_ml": _volume(data.volume_ml)}
    return {}


def care_record(
    *, actor: User, workstation: Workstation, device_id: int, data: CareInput
) -> AccessEvent:
    """One care act on a device in place, dated within its dwell and not in the future."""
    require_permission(actor, RECORD)
    kind = code_of(codes.CareKind, data.kind, "kind", "Tipo di gestione sconosciuto.")
    note = clean_text(data.note, "note")
    now = timezone.now()
    with transaction.atomic():
        device = device_for_update(actor=actor, device_id=device_id)
        ensure_in_place(device)
        assert device.inserted_at is not None  # in place: inserted (check constraint)
        at = aware(data.occurred_at, "occurred_at", now)
        rules.check_within_dwell(
            at=at, inserted_at=device.inserted_at, removed_at=None, now=now, field="occurred_at"
        )
        details = _details(
            actor=actor, workstation=workstation, device=device, kind=kind, data=data, at=at
        )
        event = AccessEvent.objects.create(
            device=device,
            patient_id=device.patient_id,
            category=EventCategory.CARE,
            kind=kind.value,
            occurred_at=at,
            details=details,
            note=note,
            author=actor,
            workstation=workstation_label(workstation)[:120],
        )
        audit_record(
            event=events.CARE_RECORDED,
            actor=actor,
            workstation=workstation,
            target=event,
            patient_id=device.patient_id,
            after={"device": device.pk, "kind": kind.value, "at": at.isoformat(), **details},
        )
    return event
