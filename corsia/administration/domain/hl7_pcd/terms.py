"""The vocabulary of the pump messages: MDC terms and units, message profiles, the ACK and
HL7 error codes, the refusal every reader raises, and ER7 values (escapes, timestamps)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import IntEnum, StrEnum

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


def refused(
    text: str, code: str, hl7_error: Hl7Error, location: str = "", *, reject: bool = False
) -> MessageRefused:
    return MessageRefused(
        text,
        code=code,
        ack_code=AckCode.REJECT if reject else AckCode.ERROR,
        hl7_error=hl7_error,
        location=location,
    )


def no_msh() -> MessageRefused:
    """The refusal (AR) of a text that does not begin with an MSH segment."""
    return refused(
        "Il messaggio non inizia con un segmento MSH valido.",
        "malformed_message",
        Hl7Error.SEGMENT_SEQUENCE,
        "MSH",
        reject=True,
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


# --- ER7 values: escapes and timestamps ----------------------------------------------

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
        raise refused(
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
        raise refused(
            f"Data/ora «{value}» inesistente in {location}.",
            "bad_timestamp",
            Hl7Error.DATA_TYPE,
            location,
        ) from None
