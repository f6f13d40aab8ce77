"""What the messages say, as frozen dataclasses: the header, a pump's status (PCD-01), an
alarm (PCD-04), an ACK, a programme (PCD-03, as the pump reads it); the raw header of a
message too broken to read; and all of them as JSON-ready data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from corsia.administration.domain.hl7_pcd.terms import (
    AckCode,
    AlarmPhase,
    AlarmPriority,
    PumpReportedStatus,
)


@dataclass(frozen=True)
class MessageHeader:
    control_id: str
    message_type: str  # "ORU^R01"
    sender: str  # MSH-3 as written
    device_id: str  # MSH-3.2: the pump's identifier (serial / EUI-64)
    sent_at: datetime
    version: str

    @property
    def trigger(self) -> str:
        return self.message_type.partition("^")[2]


@dataclass(frozen=True)
class PumpStatusReport:
    header: MessageHeader
    status: PumpReportedStatus
    status_token: str
    rate_ml_h: Decimal | None
    volume_infused_ml: Decimal | None
    vtbi_ml: Decimal | None
    volume_remaining_ml: Decimal | None


@dataclass(frozen=True)
class PumpAlarmReport:
    header: MessageHeader
    alarm_ref: str
    alarm_code: str  # "196940"
    alarm_name: str  # "MDC_EVT_FLUID_LINE_OCCL"
    alarm_text: str
    priority: AlarmPriority | None
    phase: AlarmPhase
    active: bool
    raised_at: datetime


@dataclass(frozen=True)
class AckReport:
    header: MessageHeader
    ack_code: AckCode
    ref_control_id: str
    error_code: str
    error_text: str


@dataclass(frozen=True)
class ProgrammeOrder:
    """A PCD-03 as the pump reads it (used by the simulator)."""

    header: MessageHeader
    placer_id: str
    patient_id: str
    drug_code: str
    drug_name: str
    dose_mg: Decimal
    volume_ml: Decimal
    duration_min: int
    rate_ml_h: Decimal


InboundMessage = PumpStatusReport | PumpAlarmReport | AckReport | ProgrammeOrder


def to_json(value: Any) -> Any:
    """A parsed message as JSON-ready data (Decimals and datetimes as strings)."""
    if isinstance(value, Decimal | datetime):
        return value.isoformat() if isinstance(value, datetime) else str(value)
    if isinstance(value, StrEnum):
        return value.value
    if hasattr(value, "__dataclass_fields__"):
        return {name: to_json(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


@dataclass(frozen=True)
class RawHeader:
    """What can be read of an MSH without validating it (to address the ACK of a refusal)."""

    control_id: str
    message_type: str
    sender: str
    device_id: str
    sent_at: datetime | None

    @property
    def trigger(self) -> str:
        return self.message_type.partition("^")[2]
