"""IHE PCD messages of an infusion pump, in HL7 v2.6 ER7, without the network.

* PCD-03 (Point-of-care Infusion Verification): ``RGV^O15^RGV_O15`` Corsia → pump, the
  programme in RXG: give amount = volume to be infused (RXG-5/7), give rate (RXG-15/16),
  give strength over strength volume = the bag's concentration (RXG-17/18 over RXG-23/24),
  duration in TQ1-13, route in RXR.
* PCD-01 (Device Enterprise Communication): ``ORU^R01`` pump → Corsia, status observations.
* PCD-04 (Alarm Communication Management): ``ORU^R40`` pump → Corsia, one alarm per
  message: OBR-4 ``MDC_EVT_ALARM``, the alarm kind in the OBX whose value is an MDC event
  (e.g. ``MDC_EVT_FLUID_LINE_OCCL``), priority in OBX-8, event phase and alarm state.
* ``ACK`` with MSA (AA/AE/AR) and ERR (HL7 table 0357 code, our English code, Italian text).

Codes are ISO/IEEE 11073-10101 (``MDC``) terms with their numeric code, units in MDC and
UCUM. hl7apy parses the ER7 (structure, version); the reading of each field is ours.
Timestamps must carry their UTC offset: without it "older than" cannot be decided.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from enum import IntEnum, StrEnum
from typing import Any

from hl7apy.exceptions import HL7apyException
from hl7apy.parser import parse_message

from corsia.administration.domain.pump_program import PumpProgramPacket
from corsia.core.domain.errors import CorsiaError

SEGMENT_SEPARATOR = "\r"
HL7_VERSIONS = ("2.5", "2.5.1", "2.6")
PROCESSING_IDS = ("P", "D", "T")


@dataclass(frozen=True)
class Mdc:
    """An ISO/IEEE 11073-10101 term: numeric code and reference id."""

    code: str
    name: str

    def cwe(self) -> str:
        return f"{self.code}^{self.name}^MDC"


@dataclass(frozen=True)
class Unit:
    mdc: Mdc
    ucum: str

    def cwe(self) -> str:
        return f"{self.mdc.code}^{self.mdc.name}^MDC^{self.ucum}^{self.ucum}^UCUM"


# Device containment (IHE PCD Rosetta).
MDC_DEV_PUMP_INFUS_MDS = Mdc("69985", "MDC_DEV_PUMP_INFUS_MDS")
MDC_DEV_PUMP_INFUS_VMD = Mdc("69986", "MDC_DEV_PUMP_INFUS_VMD")
MDC_DEV_PUMP_INFUS_CHAN_DELIVERY = Mdc("126978", "MDC_DEV_PUMP_INFUS_CHAN_DELIVERY")
# Metrics.
MDC_FLOW_FLUID_PUMP = Mdc("157784", "MDC_FLOW_FLUID_PUMP")
MDC_VOL_FLUID_TBI = Mdc("166504", "MDC_VOL_FLUID_TBI")
MDC_VOL_FLUID_TBI_REMAIN = Mdc("157872", "MDC_VOL_FLUID_TBI_REMAIN")
MDC_VOL_FLUID_DELIV = Mdc("157864", "MDC_VOL_FLUID_DELIV")
MDC_PUMP_STAT = Mdc("184508", "MDC_PUMP_STAT")
# Alarms (ACM).
MDC_EVT_ALARM = Mdc("196616", "MDC_EVT_ALARM")
MDC_EVT_FLUID_LINE_OCCL = Mdc("196940", "MDC_EVT_FLUID_LINE_OCCL")
MDC_ATTR_ALERT_SOURCE = Mdc("68480", "MDC_ATTR_ALERT_SOURCE")
MDC_ATTR_EVENT_PHASE = Mdc("68481", "MDC_ATTR_EVENT_PHASE")
MDC_ATTR_ALARM_STATE = Mdc("68482", "MDC_ATTR_ALARM_STATE")
# Units.
UNIT_ML = Unit(Mdc("263762", "MDC_DIM_MILLI_L"), "mL")
UNIT_ML_PER_H = Unit(Mdc("265266", "MDC_DIM_MILLI_L_PER_HR"), "mL/h")
UNIT_MG = Unit(Mdc("263890", "MDC_DIM_MILLI_G"), "mg")
DURATION_UNITS = {"MDC_DIM_MIN": 1, "MDC_DIM_HR": 60}
DIM_MIN_SUBCOMPONENTS = "2208&MDC_DIM_MIN&MDC"
# Message profiles (MSH-21).
PROFILE_PCD01 = "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO"
PROFILE_PCD03 = "IHE_PCD_PIV_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.3.1^ISO"
PROFILE_PCD04 = "IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.4.4.1^ISO"
ROUTE_INTRAVENOUS = "C38276^Intravenous^NCIT"


class AckCode(StrEnum):
    ACCEPT = "AA"
    ERROR = "AE"
    REJECT = "AR"


class Hl7Error(IntEnum):
    """HL7 table 0357 (message error condition codes)."""

    SEGMENT_SEQUENCE = 100
    REQUIRED_FIELD_MISSING = 101
    DATA_TYPE = 102
    TABLE_VALUE_NOT_FOUND = 103
    UNSUPPORTED_MESSAGE_TYPE = 200
    UNSUPPORTED_EVENT = 201
    UNSUPPORTED_PROCESSING_ID = 202
    UNSUPPORTED_VERSION = 203
    UNKNOWN_KEY = 204
    DUPLICATE_KEY = 205
    RECORD_LOCKED = 206
    INTERNAL_ERROR = 207


HL7_ERROR_TEXT = {
    Hl7Error.SEGMENT_SEQUENCE: "Segment sequence error",
    Hl7Error.REQUIRED_FIELD_MISSING: "Required field missing",
    Hl7Error.DATA_TYPE: "Data type error",
    Hl7Error.TABLE_VALUE_NOT_FOUND: "Table value not found",
    Hl7Error.UNSUPPORTED_MESSAGE_TYPE: "Unsupported message type",
    Hl7Error.UNSUPPORTED_EVENT: "Unsupported event code",
    Hl7Error.UNSUPPORTED_PROCESSING_ID: "Unsupported processing id",
    Hl7Error.UNSUPPORTED_VERSION: "Unsupported version id",
    Hl7Error.UNKNOWN_KEY: "Unknown key identifier",
    Hl7Error.DUPLICATE_KEY: "Duplicate key identifier",
    Hl7Error.RECORD_LOCKED: "Application record locked",
    Hl7Error.INTERNAL_ERROR: "Application internal error",
}


class MessageRefused(CorsiaError):
    """A message answered with AE or AR: the HL7 condition, our code, an Italian text."""

    code = "hl7_message_refused"
    status = 422

    def __init__(
        self,
        message: str,
        *,
        code: str,
        ack_code: AckCode,
        hl7_error: Hl7Error,
        location: str = "",
    ) -> None:
        super().__init__(message, code=code)
        self.ack_code = ack_code
        self.hl7_error = hl7_error
        self.location = location


def _refuse(
    text: str, code: str, hl7_error: Hl7Error, location: str = "", *, reject: bool = False
) -> MessageRefused:
    return MessageRefused(
        text,
        code=code,
        ack_code=AckCode.REJECT if reject else AckCode.ERROR,
        hl7_error=hl7_error,
        location=location,
    )


class PumpReportedStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    ALARM = "alarm"
    COMPLETED = "completed"


# MDC_PUMP_STAT enumerations (Rosetta tokens) and what the dashboard makes of them.
STATUS_TOKENS: dict[str, PumpReportedStatus] = {
    "pump-status-infusing": PumpReportedStatus.RUNNING,
    "pump-status-paused": PumpReportedStatus.PAUSED,
    "pump-status-standby": PumpReportedStatus.PAUSED,
    "pump-status-alarming": PumpReportedStatus.ALARM,
    "pump-status-complete": PumpReportedStatus.COMPLETED,
    "pump-status-kvo": PumpReportedStatus.COMPLETED,
}
TOKEN_FOR_STATUS = {
    PumpReportedStatus.RUNNING: "pump-status-infusing",
    PumpReportedStatus.PAUSED: "pump-status-paused",
    PumpReportedStatus.ALARM: "pump-status-alarming",
    PumpReportedStatus.COMPLETED: "pump-status-complete",
}


class AlarmPriority(StrEnum):
    HIGH = "PH"
    MEDIUM = "PM"
    LOW = "PL"
    NONE = "PN"


class AlarmPhase(StrEnum):
    START = "start"
    CONTINUE = "continue"
    END = "end"


# --- Encoding ---------------------------------------------------------------------------

_ESCAPES = (("\\", "\\E\\"), ("|", "\\F\\"), ("^", "\\S\\"), ("&", "\\T\\"), ("~", "\\R\\"))


def escape(text: str) -> str:
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return text.replace("\r", " ").replace("\n", " ")


def unescape(text: str) -> str:
    for raw, escaped in reversed(_ESCAPES):
        text = text.replace(escaped, raw)
    return text


def hl7_datetime(moment: datetime) -> str:
    """DTM with seconds and the UTC offset, e.g. ``20250314103000+0100``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("HL7 timestamps are written with their UTC offset")
    return moment.strftime("%Y%m%d%H%M%S%z")


_DTM = re.compile(
    r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.(\d{1,4}))?([+-])(\d{2})(\d{2})$"
)


def parse_hl7_datetime(value: str, *, location: str) -> datetime:
    match = _DTM.match(value)
    if not match:
        raise _refuse(
            f"Data/ora «{value}» non valida in {location}: serve AAAAMMGGhhmm[ss] con il fuso "
            "orario (es. +0100).",
            "bad_timestamp",
            Hl7Error.DATA_TYPE,
            location,
        )
    year, month, day, hour, minute, second, fraction, sign, off_h, off_m = match.groups()
    offset = timedelta(hours=int(off_h), minutes=int(off_m))
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")[:6]),
            tzinfo=timezone(-offset if sign == "-" else offset),
        )
    except ValueError:
        raise _refuse(
            f"Data/ora «{value}» inesistente in {location}.",
            "bad_timestamp",
            Hl7Error.DATA_TYPE,
            location,
        ) from None


def _number(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _msh(
    *,
    sender: str,
    receiver: str,
    sent_at: datetime,
    message_type: str,
    control_id: str,
    profile: str = "",
) -> str:
    fields = [
        "MSH",
        "^~\\&",
        sender,
        "",
        receiver,
        "",
        hl7_datetime(sent_at),
        "",
        message_type,
        control_id,
        "P",
        "2.6",
        "",
        "",
        "AL",
        "NE",
        "",
        "UNICODE UTF-8",
        "",
        "",
        profile,
    ]
    # MSH-1 is the field separator itself: join from MSH-2 on.
    return "MSH|" + "|".join(fields[1:]).rstrip("|")


def _segment(name: str, *fields: str) -> str:
    return "|".join((name, *fields)).rstrip("|")


CORSIA_APPLICATION = "CORSIA^corsia^L"


def pump_application(device_id: str) -> str:
    return f"PUMP^{escape(device_id)}^L"


def build_pcd03(
    packet: PumpProgramPacket,
    *,
    control_id: str,
    sent_at: datetime,
    device_id: str,
    placer_id: str,
    patient_id: str = "",
) -> str:
    """RGV^O15: the programme for one infusion."""
    rxg = [""] * 24
    rxg[0] = "1"
    rxg[3] = f"{escape(packet.drug_code)}^{escape(packet.drug_name)}^CORSIA"
    rxg[4] = _number(packet.volume_ml)
    rxg[6] = UNIT_ML.cwe()
    rxg[14] = f"{packet.rate_ml_h:.1f}"
    rxg[15] = UNIT_ML_PER_H.cwe()
    rxg[16] = _number(packet.dose_mg)
    rxg[17] = UNIT_MG.cwe()
    rxg[22] = _number(packet.volume_ml)
    rxg[23] = UNIT_ML.cwe()
    tq1 = [""] * 13
    tq1[0] = "1"
    tq1[12] = f"{packet.duration_min}^{DIM_MIN_SUBCOMPONENTS}"
    segments = [
        _msh(
            sender=CORSIA_APPLICATION,
            receiver=pump_application(device_id),
            sent_at=sent_at,
            message_type="RGV^O15^RGV_O15",
            control_id=control_id,
            profile=PROFILE_PCD03,
        ),
        _segment("PID", "", "", f"{escape(patient_id)}^^^CORSIA^PI" if patient_id else ""),
        _segment("ORC", "XO", f"{escape(placer_id)}^CORSIA"),
        _segment("RXG", *rxg),
        _segment("TQ1", *tq1),
        _segment("RXR", ROUTE_INTRAVENOUS),
        _segment(
            "OBX",
            "1",
            "NM",
            MDC_FLOW_FLUID_PUMP.cwe(),
            "1.1.1.1",
            f"{packet.rate_ml_h:.1f}",
            UNIT_ML_PER_H.cwe(),
            "",
            "",
            "",
            "",
            "F",
        ),
        _segment(
            "OBX",
            "2",
            "NM",
            MDC_VOL_FLUID_TBI.cwe(),
            "1.1.1.2",
            _number(packet.volume_ml),
            UNIT_ML.cwe(),
            "",
            "",
            "",
            "",
            "F",
        ),
    ]
    return SEGMENT_SEPARATOR.join(segments)


def build_pcd01(
    *,
    device_id: str,
    control_id: str,
    sent_at: datetime,
    status: PumpReportedStatus,
    rate_ml_h: Decimal,
    volume_infused_ml: Decimal,
    vtbi_ml: Decimal,
) -> str:
    """ORU^R01: the pump's status (delivery channel observations)."""
    remaining = max(vtbi_ml - volume_infused_ml, Decimal(0))
    when = hl7_datetime(sent_at)

    def nm(set_id: int, metric: Mdc, sub_id: str, value: Decimal, unit: Unit) -> str:
        return _segment(
            "OBX",
            str(set_id),
            "NM",
            metric.cwe(),
            sub_id,
            _number(value),
            unit.cwe(),
            "",
            "",
            "",
            "",
            "R",
            "",
            "",
            when,
        )

    segments = [
        _msh(
            sender=pump_application(device_id),
            receiver=CORSIA_APPLICATION,
            sent_at=sent_at,
            message_type="ORU^R01^ORU_R01",
            control_id=control_id,
            profile=PROFILE_PCD01,
        ),
        _segment(
            "OBR", "1", "", f"{escape(control_id)}^PUMP", MDC_DEV_PUMP_INFUS_MDS.cwe(), "", "", when
        ),
        _segment(
            "OBX", "1", "", MDC_DEV_PUMP_INFUS_MDS.cwe(), "1.0.0.0", "", "", "", "", "", "", "X"
        ),
        _segment(
            "OBX", "2", "", MDC_DEV_PUMP_INFUS_VMD.cwe(), "1.1.0.0", "", "", "", "", "", "", "X"
        ),
        _segment(
            "OBX",
            "3",
            "",
            MDC_DEV_PUMP_INFUS_CHAN_DELIVERY.cwe(),
            "1.1.1.0",
            "",
            "",
            "",
            "",
            "",
            "",
            "X",
        ),
        _segment(
            "OBX",
            "4",
            "CWE",
            MDC_PUMP_STAT.cwe(),
            "1.1.1.1",
            f"^{TOKEN_FOR_STATUS[status]}",
            "",
            "",
            "",
            "",
            "",
            "R",
            "",
            "",
            when,
        ),
        nm(5, MDC_FLOW_FLUID_PUMP, "1.1.1.2", rate_ml_h, UNIT_ML_PER_H),
        nm(6, MDC_VOL_FLUID_DELIV, "1.1.1.3", volume_infused_ml, UNIT_ML),
        nm(7, MDC_VOL_FLUID_TBI, "1.1.1.4", vtbi_ml, UNIT_ML),
        nm(8, MDC_VOL_FLUID_TBI_REMAIN, "1.1.1.5", remaining, UNIT_ML),
    ]
    return SEGMENT_SEPARATOR.join(segments)


def build_pcd04(
    *,
    device_id: str,
    control_id: str,
    sent_at: datetime,
    alarm_ref: str,
    alarm: Mdc,
    alarm_text: str,
    priority: AlarmPriority,
    phase: AlarmPhase,
    active: bool,
) -> str:
    """ORU^R40: one alarm (technical alarm ``ST``) with its priority, phase and state."""
    when = hl7_datetime(sent_at)
    segments = [
        _msh(
            sender=pump_application(device_id),
            receiver=CORSIA_APPLICATION,
            sent_at=sent_at,
            message_type="ORU^R40^ORU_R40",
            control_id=control_id,
            profile=PROFILE_PCD04,
        ),
        _segment("OBR", "1", "", f"{escape(alarm_ref)}^PUMP", MDC_EVT_ALARM.cwe(), "", "", when),
        _segment(
            "OBX",
            "1",
            "CWE",
            MDC_EVT_ALARM.cwe(),
            "1.1.1.1.1",
            f"{alarm.cwe()}^^^^^^{escape(alarm_text)}",
            "",
            "",
            f"{priority.value}~ST",
            "",
            "",
            "F",
        ),
        _segment(
            "OBX",
            "2",
            "CWE",
            MDC_ATTR_ALERT_SOURCE.cwe(),
            "1.1.1.1.2",
            MDC_DEV_PUMP_INFUS_CHAN_DELIVERY.cwe(),
            "",
            "",
            "",
            "",
            "",
            "F",
        ),
        _segment(
            "OBX",
            "3",
            "ST",
            MDC_ATTR_EVENT_PHASE.cwe(),
            "1.1.1.1.3",
            phase.value,
            "",
            "",
            "",
            "",
            "",
            "F",
        ),
        _segment(
            "OBX",
            "4",
            "ST",
            MDC_ATTR_ALARM_STATE.cwe(),
            "1.1.1.1.4",
            "active" if active else "inactive",
            "",
            "",
            "",
            "",
            "",
            "F",
        ),
    ]
    return SEGMENT_SEPARATOR.join(segments)


def build_ack(
    *,
    control_id: str,
    sent_at: datetime,
    ack_code: AckCode,
    ref_control_id: str,
    trigger: str = "",
    receiver: str = "",
    sender: str = CORSIA_APPLICATION,
    refusal: MessageRefused | None = None,
) -> str:
    """ACK with MSA and, for AE/AR, an ERR naming the condition."""
    segments = [
        _msh(
            sender=sender,
            receiver=receiver,
            sent_at=sent_at,
            message_type=f"ACK^{trigger}^ACK" if trigger else "ACK",
            control_id=control_id,
        ),
        # MSA-2 is required: written even when the refused message had no readable id.
        f"MSA|{ack_code.value}|{escape(ref_control_id)}",
    ]
    if refusal is not None:
        segments.append(
            _segment(
                "ERR",
                "",
                refusal.location,
                f"{int(refusal.hl7_error)}^{HL7_ERROR_TEXT[refusal.hl7_error]}^HL70357",
                "E",
                f"{escape(refusal.code)}^^L",
                "",
                "",
                escape(refusal.message),
            )
        )
    return SEGMENT_SEPARATOR.join(segments)


# --- Parsing ----------------------------------------------------------------------------


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


class _Segment:
    """Field access over an hl7apy segment: ``seg.field(5)`` → ER7 text of OBX-5."""

    def __init__(self, element: Any) -> None:
        self.name: str = str(element.name).upper()
        self.fields: dict[int, list[str]] = {}
        for child in element.children:
            _, _, number = str(child.name).rpartition("_")
            if number.isdigit():
                self.fields.setdefault(int(number), []).append(str(child.to_er7()))

    def field(self, number: int) -> str:
        values = self.fields.get(number)
        return values[0] if values else ""

    def repetitions(self, number: int) -> list[str]:
        return list(self.fields.get(number, []))

    def component(self, number: int, index: int) -> str:
        parts = self.field(number).split("^")
        return unescape(parts[index - 1]) if len(parts) >= index else ""


def _decimal(text: str, *, location: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _refuse(
            f"Valore numerico «{text}» non valido in {location}.",
            "bad_number",
            Hl7Error.DATA_TYPE,
            location,
        ) from None
    if not value.is_finite():
        raise _refuse(
            f"Valore numerico «{text}» non valido in {location}.",
            "bad_number",
            Hl7Error.DATA_TYPE,
            location,
        )
    return value


_CONTROL_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")


def _header(msh: _Segment) -> MessageHeader:
    control_id = msh.field(10)
    if not _CONTROL_ID.match(control_id):
        raise _refuse(
            "Identificativo del messaggio (MSH-10) mancante o non valido.",
            "bad_control_id",
            Hl7Error.REQUIRED_FIELD_MISSING,
            "MSH^1^10",
            reject=True,
        )
    processing = msh.component(11, 1)
    if processing not in PROCESSING_IDS:
        raise _refuse(
            f"Processing ID «{processing}» non supportato.",
            "unsupported_processing_id",
            Hl7Error.UNSUPPORTED_PROCESSING_ID,
            "MSH^1^11",
            reject=True,
        )
    version = msh.component(12, 1)
    if version not in HL7_VERSIONS:
        raise _refuse(
            f"Versione HL7 «{version}» non supportata.",
            "unsupported_version",
            Hl7Error.UNSUPPORTED_VERSION,
            "MSH^1^12",
            reject=True,
        )
    message_type = f"{msh.component(9, 1)}^{msh.component(9, 2)}".rstrip("^")
    device_id = msh.component(3, 2)
    if not device_id:
        raise _refuse(
            "Il mittente (MSH-3) non identifica il dispositivo.",
            "unknown_sender",
            Hl7Error.REQUIRED_FIELD_MISSING,
            "MSH^1^3",
        )
    sent_text = msh.component(7, 1)
    if not sent_text:
        raise _refuse(
            "Data/ora del messaggio (MSH-7) mancante.",
            "missing_timestamp",
            Hl7Error.REQUIRED_FIELD_MISSING,
            "MSH^1^7",
        )
    return MessageHeader(
        control_id=control_id,
        message_type=message_type,
        sender=msh.field(3),
        device_id=device_id,
        sent_at=parse_hl7_datetime(sent_text, location="MSH^1^7"),
        version=version,
    )


def _observations(segments: list[_Segment]) -> list[tuple[int, _Segment]]:
    return [(i + 1, s) for i, s in enumerate(s for s in segments if s.name == "OBX")]


def _status(header: MessageHeader, segments: list[_Segment]) -> PumpStatusReport:
    token = ""
    values: dict[str, Decimal] = {}
    for index, obx in _observations(segments):
        code = obx.component(3, 1)
        location = f"OBX^{index}^5"
        if code == MDC_PUMP_STAT.code:
            token = obx.component(5, 2) or obx.component(5, 1)
        elif code in {
            MDC_FLOW_FLUID_PUMP.code,
            MDC_VOL_FLUID_DELIV.code,
            MDC_VOL_FLUID_TBI.code,
            MDC_VOL_FLUID_TBI_REMAIN.code,
        }:
            value = _decimal(obx.component(5, 1), location=location)
            if value < 0:
                raise _refuse(
                    f"Valore negativo in {location}.",
                    "negative_value",
                    Hl7Error.DATA_TYPE,
                    location,
                )
            values[code] = value
    if not token:
        raise _refuse(
            "Lo stato della pompa (MDC_PUMP_STAT) manca nel messaggio.",
            "missing_pump_status",
            Hl7Error.REQUIRED_FIELD_MISSING,
            "OBX",
        )
    status = STATUS_TOKENS.get(token)
    if status is None:
        raise _refuse(
            f"Stato della pompa «{token}» sconosciuto.",
            "unknown_pump_status",
            Hl7Error.TABLE_VALUE_NOT_FOUND,
            "OBX",
        )
    return PumpStatusReport(
        header=header,
        status=status,
        status_token=token,
        rate_ml_h=values.get(MDC_FLOW_FLUID_PUMP.code),
        volume_infused_ml=values.get(MDC_VOL_FLUID_DELIV.code),
        vtbi_ml=values.get(MDC_VOL_FLUID_TBI.code),
        volume_remaining_ml=values.get(MDC_VOL_FLUID_TBI_REMAIN.code),
    )


def _alarm(header: MessageHeader, segments: list[_Segment]) -> PumpAlarmReport:
    obr = next((s for s in segments if s.name == "OBR"), None)
    if obr is None or obr.component(4, 1) != MDC_EVT_ALARM.code:
        raise _refuse(
            "Manca il segmento OBR con MDC_EVT_ALARM.",
            "missing_alarm_obr",
            Hl7Error.SEGMENT_SEQUENCE,
            "OBR^1^4",
        )
    parent = obr.component(29, 2).split("&")[0]
    alarm_ref = parent or obr.component(3, 1) or header.control_id
    raised_text = obr.component(7, 1)
    raised_at = (
        parse_hl7_datetime(raised_text, location="OBR^1^7") if raised_text else header.sent_at
    )
    kind: _Segment | None = None
    phase_text = ""
    state_text = ""
    for index, obx in _observations(segments):
        code = obx.component(3, 1)
        if code == MDC_EVT_ALARM.code and kind is None:
            kind = obx
        elif code == MDC_ATTR_EVENT_PHASE.code:
            phase_text = obx.component(5, 1)
        elif code == MDC_ATTR_ALARM_STATE.code:
            state_text = obx.component(5, 1)
        del index
    if kind is None or not kind.component(5, 1):
        raise _refuse(
            "Il tipo di allarme (OBX MDC_EVT_ALARM) manca nel messaggio.",
            "missing_alarm_kind",
            Hl7Error.REQUIRED_FIELD_MISSING,
            "OBX^1^5",
        )
    try:
        phase = AlarmPhase(phase_text or "start")
    except ValueError:
        raise _refuse(
            f"Fase dell'allarme «{phase_text}» sconosciuta.",
            "unknown_alarm_phase",
            Hl7Error.TABLE_VALUE_NOT_FOUND,
            "OBX",
        ) from None
    if state_text not in {"", "active", "inactive", "latched"}:
        raise _refuse(
            f"Stato dell'allarme «{state_text}» sconosciuto.",
            "unknown_alarm_state",
            Hl7Error.TABLE_VALUE_NOT_FOUND,
            "OBX",
        )
    priority: AlarmPriority | None = None
    for flag in kind.repetitions(8):
        if flag in AlarmPriority.__members__.values():
            priority = AlarmPriority(flag)
    name = kind.component(5, 2)
    return PumpAlarmReport(
        header=header,
        alarm_ref=alarm_ref,
        alarm_code=kind.component(5, 1),
        alarm_name=name,
        alarm_text=kind.component(5, 9) or name,
        priority=priority,
        phase=phase,
        active=state_text != "inactive" and phase != AlarmPhase.END,
        raised_at=raised_at,
    )


def _ack(header: MessageHeader, segments: list[_Segment]) -> AckReport:
    msa = next((s for s in segments if s.name == "MSA"), None)
    if msa is None:
        raise _refuse(
            "Manca il segmento MSA.", "missing_msa", Hl7Error.SEGMENT_SEQUENCE, "MSA", reject=True
        )
    try:
        code = AckCode(msa.component(1, 1))
    except ValueError:
        raise _refuse(
            f"Codice di conferma «{msa.field(1)}» sconosciuto.",
            "unknown_ack_code",
            Hl7Error.TABLE_VALUE_NOT_FOUND,
            "MSA^1^1",
        ) from None
    err = next((s for s in segments if s.name == "ERR"), None)
    return AckReport(
        header=header,
        ack_code=code,
        ref_control_id=msa.component(2, 1),
        error_code=err.component(5, 1) if err else "",
        error_text=unescape(err.field(8)) if err else "",
    )


def _programme(header: MessageHeader, segments: list[_Segment]) -> ProgrammeOrder:
    rxg = next((s for s in segments if s.name == "RXG"), None)
    orc = next((s for s in segments if s.name == "ORC"), None)
    tq1 = next((s for s in segments if s.name == "TQ1"), None)
    if rxg is None or orc is None:
        raise _refuse(
            "Mancano i segmenti ORC/RXG del programma.",
            "missing_rxg",
            Hl7Error.SEGMENT_SEQUENCE,
            "RXG",
        )
    for number, unit in ((7, UNIT_ML), (16, UNIT_ML_PER_H), (18, UNIT_MG), (24, UNIT_ML)):
        if rxg.component(number, 2) != unit.mdc.name:
            raise _refuse(
                f"Unità in RXG-{number} «{rxg.component(number, 2)}» invece di {unit.mdc.name}.",
                "unexpected_unit",
                Hl7Error.TABLE_VALUE_NOT_FOUND,
                f"RXG^1^{number}",
            )
    duration_text = tq1.field(13) if tq1 else ""
    amount, _, unit_text = duration_text.partition("^")
    factor = DURATION_UNITS.get(unit_text.split("&")[1] if "&" in unit_text else "")
    if not amount or factor is None:
        raise _refuse(
            "Durata (TQ1-13) mancante o in unità non supportate.",
            "missing_duration",
            Hl7Error.REQUIRED_FIELD_MISSING,
            "TQ1^1^13",
        )
    minutes = _decimal(amount, location="TQ1^1^13") * factor
    if minutes != minutes.to_integral_value():
        raise _refuse(
            "La durata deve essere un numero intero di minuti.",
            "bad_duration",
            Hl7Error.DATA_TYPE,
            "TQ1^1^13",
        )
    volume = _decimal(rxg.component(5, 1), location="RXG^1^5")
    strength_volume = _decimal(rxg.component(23, 1), location="RXG^1^23")
    if strength_volume != volume:
        raise _refuse(
            "Il volume della concentrazione (RXG-23) differisce dal volume da infondere (RXG-5).",
            "volume_mismatch",
            Hl7Error.DATA_TYPE,
            "RXG^1^23",
        )
    pid = next((s for s in segments if s.name == "PID"), None)
    return ProgrammeOrder(
        header=header,
        placer_id=orc.component(2, 1),
        patient_id=pid.component(3, 1) if pid else "",
        drug_code=rxg.component(4, 1),
        drug_name=rxg.component(4, 2),
        dose_mg=_decimal(rxg.component(17, 1), location="RXG^1^17"),
        volume_ml=volume,
        duration_min=int(minutes),
        rate_ml_h=_decimal(rxg.component(15, 1), location="RXG^1^15"),
    )


_READERS: dict[str, Callable[[MessageHeader, list[_Segment]], InboundMessage]] = {
    "ORU^R01": _status,
    "ORU^R40": _alarm,
    "ACK": _ack,
    "RGV^O15": _programme,
}


def normalise(raw: str) -> str:
    """Segments separated by CR (tolerating LF and CRLF), no trailing empties."""
    lines = raw.replace("\r\n", "\r").replace("\n", "\r").split("\r")
    return "\r".join(line for line in lines if line.strip())


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


def read_header(raw: str) -> RawHeader | None:
    first = normalise(raw).split("\r", 1)[0]
    if not first.startswith("MSH|^~\\&"):
        return None
    fields = first.split("|")

    def msh(number: int) -> str:  # fields[0] is "MSH", fields[1] is MSH-2
        return fields[number - 1] if len(fields) >= number else ""

    sent_at: datetime | None
    try:
        sent_at = parse_hl7_datetime(msh(7).split("^")[0], location="MSH^1^7")
    except MessageRefused:
        sent_at = None
    control_id = msh(10)
    kind = msh(9).split("^")
    sender = msh(3).split("^")
    return RawHeader(
        control_id=control_id if _CONTROL_ID.match(control_id) else "",
        message_type="^".join(kind[:2]).rstrip("^"),
        sender=msh(3),
        device_id=unescape(sender[1]) if len(sender) > 1 else "",
        sent_at=sent_at,
    )


def _parse(raw: str) -> list[_Segment]:
    text = normalise(raw)
    if not text.startswith("MSH|^~\\&"):
        raise _refuse(
            "Il messaggio non inizia con un segmento MSH valido.",
            "malformed_message",
            Hl7Error.SEGMENT_SEQUENCE,
            "MSH",
            reject=True,
        )
    try:
        message = parse_message(text, find_groups=False)
    except HL7apyException as problem:
        unsupported = "version" in type(problem).__name__.lower()
        raise _refuse(
            f"Messaggio HL7 non leggibile: {problem}.",
            "unsupported_version" if unsupported else "malformed_message",
            Hl7Error.UNSUPPORTED_VERSION if unsupported else Hl7Error.SEGMENT_SEQUENCE,
            "MSH^1^12" if unsupported else "MSH",
            reject=True,
        ) from None
    return [_Segment(child) for child in message.children]


def parse_pcd(raw: str) -> InboundMessage:
    """Read one message; raises :class:`MessageRefused` carrying the right AE/AR."""
    segments = _parse(raw)
    header = _header(segments[0])
    reader = _READERS.get(header.message_type) or _READERS.get(header.message_type.split("^")[0])
    if reader is None:
        raise _refuse(
            f"Tipo di messaggio «{header.message_type}» non supportato.",
            "unsupported_message_type",
            Hl7Error.UNSUPPORTED_MESSAGE_TYPE,
            "MSH^1^9",
            reject=True,
        )
    return reader(header, segments[1:])
