"""PCD-03 built, PCD-01/PCD-04 and ACKs read, against messages written out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from corsia.administration.domain.hl7_pcd import (
    AckCode,
    AckReport,
    AlarmPhase,
    AlarmPriority,
    Hl7Error,
    MessageRefused,
    ProgrammeOrder,
    PumpAlarmReport,
    PumpReportedStatus,
    PumpStatusReport,
    build_ack,
    build_pcd03,
    parse_pcd,
)
from corsia.administration.domain.pump_program import pump_program_compute
from corsia.testing.administration import PCD01_RUNNING, PCD04_OCCLUSION, oxaliplatin_packet

ROME = timezone(timedelta(hours=1))
AT = datetime(2025, 3, 14, 10, 30, 0, tzinfo=ROME)

EXPECTED_PCD03 = "\r".join(
    [
        "MSH|^~\\&|CORSIA^corsia^L||PUMP^PMP-0001^L||20250314103000+0100||RGV^O15^RGV_O15|C1|P|2.6"
        "|||AL|NE||UNICODE UTF-8|||IHE_PCD_PIV_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.3.1^ISO",
        "PID|||P123^^^CORSIA^PI",
        "ORC|XO|ORD-42^CORSIA",
        # RXG-4 drug, -5 VTBI 250 mL, -15/16 rate 125.0 mL/h, -17/18 153 mg in -23/24 250 mL
        "RXG|1|||oxaliplatin^Oxaliplatino^CORSIA|250||263762^MDC_DIM_MILLI_L^MDC^mL^mL^UCUM"
        "||||||||125.0|265266^MDC_DIM_MILLI_L_PER_HR^MDC^mL/h^mL/h^UCUM"
        "|153|263890^MDC_DIM_MILLI_G^MDC^mg^mg^UCUM|||||250|263762^MDC_DIM_MILLI_L^MDC^mL^mL^UCUM",
        "TQ1|1||||||||||||120^2208&MDC_DIM_MIN&MDC",
        "RXR|C38276^Intravenous^NCIT",
        "OBX|1|NM|157784^MDC_FLOW_FLUID_PUMP^MDC|1.1.1.1|125.0"
        "|265266^MDC_DIM_MILLI_L_PER_HR^MDC^mL/h^mL/h^UCUM|||||F",
        "OBX|2|NM|166504^MDC_VOL_FLUID_TBI^MDC|1.1.1.2|250|263762^MDC_DIM_MILLI_L^MDC^mL^mL^UCUM|||||F",
    ]
)


def test_pcd03_is_built_field_by_field() -> None:
    packet = oxaliplatin_packet()
    built = build_pcd03(
        packet,
        control_id="C1",
        sent_at=AT,
        device_id="PMP-0001",
        placer_id="ORD-42",
        patient_id="P123",
    )
    assert built == EXPECTED_PCD03


def test_pcd03_reads_back_as_the_pump_sees_it() -> None:
    order = parse_pcd(EXPECTED_PCD03)
    assert isinstance(order, ProgrammeOrder)
    assert (order.drug_code, order.drug_name, order.placer_id, order.patient_id) == (
        "oxaliplatin",
        "Oxaliplatino",
        "ORD-42",
        "P123",
    )
    assert (order.dose_mg, order.volume_ml, order.duration_min, order.rate_ml_h) == (
        Decimal("153"),
        Decimal("250"),
        120,
        Decimal("125.0"),
    )


def test_drug_names_with_separators_are_escaped() -> None:
    packet = pump_program_compute(
        drug_code="x",
        drug_name="A|B^C",
        dose_unit="mg",
        dose_mg=Decimal(1),
        volume_ml=Decimal(60),
        duration_min=60,
    )
    built = build_pcd03(packet, control_id="C2", sent_at=AT, device_id="P", placer_id="1")
    assert "x^A\\F\\B\\S\\C^CORSIA" in built
    order = parse_pcd(built)
    assert isinstance(order, ProgrammeOrder)
    assert order.drug_name == "A|B^C"


def test_pcd01_status_is_read() -> None:
    report = parse_pcd(PCD01_RUNNING)
    assert isinstance(report, PumpStatusReport)
    assert report.header.control_id == "S-7"
    assert report.header.device_id == "PMP-0001"
    assert report.header.sent_at == datetime(2025, 3, 14, 9, 45, tzinfo=UTC)
    assert report.status == PumpReportedStatus.RUNNING
    assert report.rate_ml_h == Decimal("125.0")
    assert report.volume_infused_ml == Decimal("31.3")
    assert report.vtbi_ml == Decimal("250")
    assert report.volume_remaining_ml == Decimal("218.7")


def test_pcd04_occlusion_is_read() -> None:
    alarm = parse_pcd(PCD04_OCCLUSION)
    assert isinstance(alarm, PumpAlarmReport)
    assert alarm.alarm_ref == "E0001_27"
    assert (alarm.alarm_code, alarm.alarm_name) == ("196940", "MDC_EVT_FLUID_LINE_OCCL")
    assert alarm.alarm_text == "Occlusione a valle"
    assert alarm.priority == AlarmPriority.HIGH
    assert alarm.phase == AlarmPhase.START
    assert alarm.active is True
    assert alarm.raised_at == datetime(2025, 3, 14, 10, 49, 58, tzinfo=ROME)


def test_pcd04_end_phase_references_the_parent_alarm() -> None:
    ended = (
        PCD04_OCCLUSION.replace("|A-9|", "|A-10|")
        .replace(
            "OBR|1||E0001_27^PUMP|196616^MDC_EVT_ALARM^MDC|||20250314104958+0100",
            "OBR|1||E0001_34^PUMP|196616^MDC_EVT_ALARM^MDC|||20250314105500+0100"
            + "|" * 22
            + "^E0001_27&PUMP",
        )
        .replace("|start|", "|end|")
        .replace("|active|", "|inactive|")
    )
    alarm = parse_pcd(ended)
    assert isinstance(alarm, PumpAlarmReport)
    assert alarm.alarm_ref == "E0001_27"
    assert alarm.phase == AlarmPhase.END
    assert alarm.active is False


def test_ack_accept_and_error_are_written_by_hand_rules() -> None:
    accepted = build_ack(
        control_id="K1", sent_at=AT, ack_code=AckCode.ACCEPT, ref_control_id="S-7", trigger="R01"
    )
    assert accepted == (
        "MSH|^~\\&|CORSIA^corsia^L||||20250314103000+0100||ACK^R01^ACK|K1|P|2.6|||AL|NE"
        "||UNICODE UTF-8\rMSA|AA|S-7"
    )
    refusal = MessageRefused(
        "Messaggio duplicato.",
        code="duplicate",
        ack_code=AckCode.REJECT,
        hl7_error=Hl7Error.DUPLICATE_KEY,
        location="MSH^1^10",
    )
    rejected = build_ack(
        control_id="K2",
        sent_at=AT,
        ack_code=AckCode.REJECT,
        ref_control_id="S-7",
        trigger="R01",
        refusal=refusal,
    )
    assert rejected.split("\r")[1:] == [
        "MSA|AR|S-7",
        "ERR||MSH^1^10|205^Duplicate key identifier^HL70357|E|duplicate^^L|||Messaggio duplicato.",
    ]
    read = parse_pcd(rejected.replace("CORSIA^corsia^L", "PUMP^P1^L"))
    assert isinstance(read, AckReport)
    assert (read.ack_code, read.ref_control_id, read.error_code, read.error_text) == (
        AckCode.REJECT,
        "S-7",
        "duplicate",
        "Messaggio duplicato.",
    )


@pytest.mark.parametrize(
    ("raw", "ack", "hl7_error", "code"),
    [
        ("garbage", AckCode.REJECT, Hl7Error.SEGMENT_SEQUENCE, "malformed_message"),
        ("PID|||1", AckCode.REJECT, Hl7Error.SEGMENT_SEQUENCE, "malformed_message"),
        (PCD01_RUNNING.replace("|2.6\r", "|2.9\r", 1), AckCode.REJECT, Hl7Error.UNSUPPORTED_VERSION, "unsupported_version"),
        (PCD01_RUNNING.replace("|S-7|P|", "||P|", 1), AckCode.REJECT, Hl7Error.REQUIRED_FIELD_MISSING, "bad_control_id"),
        (PCD01_RUNNING.replace("|S-7|P|", "|S-7|X|", 1), AckCode.REJECT, Hl7Error.UNSUPPORTED_PROCESSING_ID, "unsupported_processing_id"),
        (PCD01_RUNNING.replace("ORU^R01^ORU_R01", "ADT^A01^ADT_A01", 1), AckCode.REJECT, Hl7Error.UNSUPPORTED_MESSAGE_TYPE, "unsupported_message_type"),
        (PCD01_RUNNING.replace("20250314104500+0100||", "20250314104500||", 1), AckCode.ERROR, Hl7Error.DATA_TYPE, "bad_timestamp"),
        (PCD01_RUNNING.replace("PUMP^PMP-0001^L", "PUMP", 1), AckCode.ERROR, Hl7Error.REQUIRED_FIELD_MISSING, "unknown_sender"),
        (PCD01_RUNNING.replace("|31.3|", "|trentuno|"), AckCode.ERROR, Hl7Error.DATA_TYPE, "bad_number"),
        (PCD01_RUNNING.replace("|31.3|", "|-3|"), AckCode.ERROR, Hl7Error.DATA_TYPE, "negative_value"),
        (PCD01_RUNNING.replace("pump-status-infusing", "pump-status-dancing"), AckCode.ERROR, Hl7Error.TABLE_VALUE_NOT_FOUND, "unknown_pump_status"),
        (PCD04_OCCLUSION.replace("196616^MDC_EVT_ALARM^MDC|||2025", "69985^X^MDC|||2025"), AckCode.ERROR, Hl7Error.SEGMENT_SEQUENCE, "missing_alarm_obr"),
        (PCD04_OCCLUSION.replace("|start|", "|sometimes|"), AckCode.ERROR, Hl7Error.TABLE_VALUE_NOT_FOUND, "unknown_alarm_phase"),
    ],
)  # fmt: skip
def test_malformed_messages_get_the_hl7_condition(
    raw: str, ack: AckCode, hl7_error: Hl7Error, code: str
) -> None:
    with pytest.raises(MessageRefused) as refused:
        parse_pcd(raw)
    assert (refused.value.ack_code, refused.value.hl7_error, refused.value.code) == (
        ack,
        hl7_error,
        code,
    )
    assert refused.value.message


def test_line_feeds_instead_of_carriage_returns_are_tolerated() -> None:
    report = parse_pcd(PCD01_RUNNING.replace("\r", "\n"))
    assert isinstance(report, PumpStatusReport)
    assert report.volume_infused_ml == Decimal("31.3")
