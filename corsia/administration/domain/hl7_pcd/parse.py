"""Reading the messages: one ER7 text in, a frozen dataclass out, or a :class:`MessageRefused`
carrying the AE/AR, HL7 table 0357 code and location the ACK must name."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from hl7apy.exceptions import HL7apyException
from hl7apy.parser import parse_message

from corsia.administration.domain.hl7_pcd.messages import (
    AckReport,
    InboundMessage,
    MessageHeader,
    ProgrammeOrder,
    PumpAlarmReport,
    PumpStatusReport,
    RawHeader,
)
from corsia.administration.domain.hl7_pcd.terms import (
    DURATION_UNITS,
    HL7_VERSIONS,
    MDC_ATTR_ALARM_STATE,
    MDC_ATTR_EVENT_PHASE,
    MDC_EVT_ALARM,
    MDC_FLOW_FLUID_PUMP,
    MDC_PUMP_STAT,
    MDC_VOL_FLUID_DELIV,
    MDC_VOL_FLUID_TBI,
    MDC_VOL_FLUID_TBI_REMAIN,
    PROCESSING_IDS,
    STATUS_TOKENS,
    UNIT_MG,
    UNIT_ML,
    UNIT_ML_PER_H,
    AckCode,
    AlarmPhase,
    AlarmPriority,
    Hl7Error,
    MessageRefused,
    no_msh,
    parse_hl7_datetime,
    refused,
    unescape,
)


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
        raise refused(
            f"Valore numerico «{text}» non valido in {location}.",
            "bad_number",
            Hl7Error.DATA_TYPE,
            location,
        ) from None
    if not value.is_finite():
        raise refused(
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
        raise refused(
            "Identificativo del messaggio (MSH-10) mancante o non valido.",
            "bad_control_id",
            Hl7Error.REQUIRED_FIELD_MISSING,
            "MSH^1^10",
            reject=True,
        )
    processing = msh.component(11, 1)
    if processing not in PROCESSING_IDS:
        raise refused(
            f"Processing ID «{processing}» non supportato.",
            "unsupported_processing_id",
            Hl7Error.UNSUPPORTED_PROCESSING_ID,
            "MSH^1^11",
            reject=True,
        )
    version = msh.component(12, 1)
    if version not in HL7_VERSIONS:
        raise refused(
            f"Versione HL7 «{version}» non supportata.",
            "unsupported_version",
            Hl7Error.UNSUPPORTED_VERSION,
            "MSH^1^12",
            reject=True,
        )
    message_type = f"{msh.component(9, 1)}^{msh.component(9, 2)}".rstrip("^")
    device_id = msh.component(3, 2)
    if not device_id:
        raise refused(
            "Il mittente (MSH-3) non identifica il dispositivo.",
            "unknown_sender",
            Hl7Error.REQUIRED_FIELD_MISSING,
            "MSH^1^3",
        )
    sent_text = msh.component(7, 1)
    if not sent_text:
        raise refused(
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
                raise refused(
                    f"Valore negativo in {location}.",
                    "negative_value",
                    Hl7Error.DATA_TYPE,
                    location,
                )
            values[code] = value
    if not token:
        raise refused(
            "Lo stato della pompa (MDC_PUMP_STAT) manca nel messaggio.",
            "missing_pump_status",
            Hl7Error.REQUIRED_FIELD_MISSING,
            "OBX",
        )
    status = STATUS_TOKENS.get(token)
    if status is None:
        raise refused(
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
        raise refused(
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
        raise refused(
            "Il tipo di allarme (OBX MDC_EVT_ALARM) manca nel messaggio.",
            "missing_alarm_kind",
            Hl7Error.REQUIRED_FIELD_MISSING,
            "OBX^1^5",
        )
    try:
        phase = AlarmPhase(phase_text or "start")
    except ValueError:
        raise refused(
            f"Fase dell'allarme «{phase_text}» sconosciuta.",
            "unknown_alarm_phase",
            Hl7Error.TABLE_VALUE_NOT_FOUND,
            "OBX",
        ) from None
    if state_text not in {"", "active", "inactive", "latched"}:
        raise refused(
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
        raise refused(
            "Manca il segmento MSA.", "missing_msa", Hl7Error.SEGMENT_SEQUENCE, "MSA", reject=True
        )
    try:
        code = AckCode(msa.component(1, 1))
    except ValueError:
        raise refused(
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
        raise refused(
            "Mancano i segmenti ORC/RXG del programma.",
            "missing_rxg",
            Hl7Error.SEGMENT_SEQUENCE,
            "RXG",
        )
    for number, unit in ((7, UNIT_ML), (16, UNIT_ML_PER_H), (18, UNIT_MG), (24, UNIT_ML)):
        if rxg.component(number, 2) != unit.mdc.name:
            raise refused(
                f"Unità in RXG-{number} «{rxg.component(number, 2)}» invece di {unit.mdc.name}.",
                "unexpected_unit",
                Hl7Error.TABLE_VALUE_NOT_FOUND,
                f"RXG^1^{number}",
            )
    duration_text = tq1.field(13) if tq1 else ""
    amount, _, unit_text = duration_text.partition("^")
    factor = DURATION_UNITS.get(unit_text.split("&")[1] if "&" in unit_text else "")
    if not amount or factor is None:
        raise refused(
            "Durata (TQ1-13) mancante o in unità non supportate.",
            "missing_duration",
            Hl7Error.REQUIRED_FIELD_MISSING,
            "TQ1^1^13",
        )
    minutes = _decimal(amount, location="TQ1^1^13") * factor
    if minutes != minutes.to_integral_value():
        raise refused(
            "La durata deve essere un numero intero di minuti.",
            "bad_duration",
            Hl7Error.DATA_TYPE,
            "TQ1^1^13",
        )
    volume = _decimal(rxg.component(5, 1), location="RXG^1^5")
    strength_volume = _decimal(rxg.component(23, 1), location="RXG^1^23")
    if strength_volume != volume:
        raise refused(
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
        raise no_msh()
    try:
        message = parse_message(text, find_groups=False)
    except HL7apyException as problem:
        unsupported = "version" in type(problem).__name__.lower()
        raise refused(
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
        raise refused(
            f"Tipo di messaggio «{header.message_type}» non supportato.",
            "unsupported_message_type",
            Hl7Error.UNSUPPORTED_MESSAGE_TYPE,
            "MSH^1^9",
            reject=True,
        )
    return reader(header, segments[1:])
