"""The JSON shapes of the register's API (``api.py``): what comes in, what goes out.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from datetime import date
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from corsia.core.schemas import Amount, AwareDatetime, BoundedInt, IsoDatetime, Reason
from corsia.vascular import services
from corsia.vascular.domain.stats import GroupFigures
from corsia.vascular.models import AccessEvent, Device
from corsia.vascular.selectors import DeviceView, Statistics, type_label

Code = str  # a code of the register's lists (validated by the service)


class RequestIn(Schema):
    device_type: Code = Field(max_length=20)
    indication: Code = Field(max_length=20)
    planned_dwell_days: BoundedInt | None = None
    note: Reason = ""


class InsertionIn(Schema):
    device_type: Code = Field(max_length=20)
    indication: Code = Field(max_length=20)
    lumens: BoundedInt
    size: Amount
    size_unit: Code = Field(max_length=2)
    vein: Code = Field(max_length=20)
    side: Code = Field(max_length=10)
    tip_location: Code = Field(max_length=20)
    attempts: BoundedInt = 1
    length_cm: Amount | None = None
    brand: str = Field(default="", max_length=120)
    lot: str = Field(default="", max_length=60)
    ultrasound_guided: bool = False
    tip_confirmed: bool = False
    operator: str = Field(default="", max_length=150)
    incidents: list[Code] = Field(default=[], max_length=10)
    incident_note: Reason = ""
    planned_dwell_days: BoundedInt | None = None
    inserted_at: AwareDatetime | None = None


class PlannedInsertionIn(InsertionIn):
    expected_version: BoundedInt


class CancelIn(Schema):
    expected_version: BoundedInt
    reason: Reason


class CareIn(Schema):
    kind: Code = Field(max_length=20)
    occurred_at: AwareDatetime | None = None
    vip: BoundedInt | None = None
    dressing: Code = Field(default="", max_length=20)
    solution: str = Field(default="", max_length=100)
    volume_ml: Amount | None = None
    note: Reason = ""


class ComplicationIn(Schema):
    kind: Code = Field(max_length=20)
    occurred_at: AwareDatetime | None = None
    certainty: Code = Field(default="confirmed", max_length=20)
    note: Reason = ""


class RemovalIn(Schema):
    expected_version: BoundedInt
    reason: Code = Field(max_length=30)
    removed_at: AwareDatetime | None = None
    note: Reason = ""
    tip_culture_sent: bool = False


class CorrectionIn(Schema):
    reason: Reason
    occurred_at: AwareDatetime | None = None
    certainty: Code = Field(default="", max_length=20)
    note: Reason | None = None
    entered_in_error: bool = False


class EventOut(Schema):
    id: int
    device_id: int
    category: str
    kind: str
    label: str
    occurred_at: IsoDatetime
    details: dict[str, object]
    note: str
    author: str
    supersedes_id: int | None
    correction_reason: str


class StatusOut(Schema):
    days_in_place: int
    dressing_due_on: date
    dressing_overdue: bool
    last_vip: int | None
    vip_flagged: bool


class DeviceOut(Schema):
    id: int
    patient_id: int
    state: str
    device_type: str
    type_label: str
    indication: str
    planned_dwell_days: int | None
    requested_at: IsoDatetime | None
    lumens: int | None
    size: Decimal | None
    size_unit: str
    length_cm: Decimal | None
    brand: str
    lot: str
    vein: str
    side: str
    ultrasound_guided: bool
    tip_location: str
    tip_confirmed: bool
    attempts: int | None
    operator: str | None
    incidents: list[str]
    incident_note: str
    inserted_at: IsoDatetime | None
    removed_at: IsoDatetime | None
    removal_reason: str
    tip_culture_sent: bool
    version: int
    status: StatusOut | None
    events: list[EventOut]


class FiguresOut(Schema):
    key: str
    label: str
    devices: int
    catheter_days: int
    complications: int
    rate_per_1000: Decimal | None
    crbsi_confirmed: int
    crbsi_suspected: int
    crbsi_rate_per_1000: Decimal | None
    removed: int
    median_dwell_days: Decimal | None


class StatisticsOut(Schema):
    start: date
    end: date
    total: FiguresOut
    by_type: list[FiguresOut]
    by_operator: list[FiguresOut]
    by_brand: list[FiguresOut]


def event_out(e: AccessEvent) -> EventOut:
    return EventOut(
        id=e.pk,
        device_id=e.device_id,
        category=e.category,
        kind=e.kind,
        label=e.kind_label,
        occurred_at=e.occurred_at,
        details=dict(e.details),
        note=e.note,
        author=e.author.get_username(),
        supersedes_id=e.supersedes_id,
        correction_reason=e.correction_reason,
    )


def device_out(view: DeviceView) -> DeviceOut:
    d: Device = view.device
    s = view.status
    return DeviceOut(
        id=d.pk,
        patient_id=d.patient_id,
        state=d.state,
        device_type=d.device_type,
        type_label=d.type_label,
        indication=d.indication,
        planned_dwell_days=d.planned_dwell_days,
        requested_at=d.requested_at,
        lumens=d.lumens,
        size=d.size,
        size_unit=d.size_unit,
        length_cm=d.length_cm,
        brand=d.brand,
        lot=d.lot,
        vein=d.vein,
        side=d.side,
        ultrasound_guided=d.ultrasound_guided,
        tip_location=d.tip_location,
        tip_confirmed=d.tip_confirmed,
        attempts=d.attempts,
        operator=d.operator.get_username() if d.operator else None,
        incidents=list(d.incidents),
        incident_note=d.incident_note,
        inserted_at=d.inserted_at,
        removed_at=d.removed_at,
        removal_reason=d.removal_reason,
        tip_culture_sent=d.tip_culture_sent,
        version=d.version,
        status=(
            StatusOut(
                days_in_place=s.days_in_place,
                dressing_due_on=s.dressing_due_on,
                dressing_overdue=s.dressing_overdue,
                last_vip=s.last_vip,
                vip_flagged=s.vip_flagged,
            )
            if s is not None
            else None
        ),
        events=[event_out(e) for e in view.events],
    )


def _figures(f: GroupFigures, label: str) -> FiguresOut:
    return FiguresOut(
        key=f.key,
        label=label,
        devices=f.devices,
        catheter_days=f.catheter_days,
        complications=f.complications,
        rate_per_1000=f.rate,
        crbsi_confirmed=f.crbsi_confirmed,
        crbsi_suspected=f.crbsi_suspected,
        crbsi_rate_per_1000=f.crbsi_rate,
        removed=f.removed,
        median_dwell_days=f.median_dwell_days,
    )


def statistics_out(s: Statistics) -> StatisticsOut:
    return StatisticsOut(
        start=s.start,
        end=s.end,
        total=_figures(s.total, "Totale"),
        by_type=[_figures(f, type_label(f.key)) for f in s.by_type],
        by_operator=[_figures(f, f.key) for f in s.by_operator],
        by_brand=[_figures(f, f.key) for f in s.by_brand],
    )


def insertion_input(payload: InsertionIn) -> services.InsertionInput:
    return services.InsertionInput(
        device_type=payload.device_type,
        indication=payload.indication,
        lumens=payload.lumens,
        size=payload.size,
        size_unit=payload.size_unit,
        vein=payload.vein,
        side=payload.side,
        tip_location=payload.tip_location,
        attempts=payload.attempts,
        length_cm=payload.length_cm,
        brand=payload.brand,
        lot=payload.lot,
        ultrasound_guided=payload.ultrasound_guided,
        tip_confirmed=payload.tip_confirmed,
        operator=payload.operator,
        incidents=tuple(payload.incidents),
        incident_note=payload.incident_note,
        planned_dwell_days=payload.planned_dwell_days,
        inserted_at=payload.inserted_at,
    )
