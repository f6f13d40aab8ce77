"""Writing the messages: PCD-03 (Corsia → pump), PCD-01 and PCD-04 (the simulator's pump →
Corsia) and the ACK, in ER7."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from corsia.administration.domain.hl7_pcd.terms import (
    DIM_MIN_SUBCOMPONENTS,
    HL7_ERROR_TEXT,
    MDC_ATTR_ALARM_STATE,
    MDC_ATTR_ALERT_SOURCE,
    MDC_ATTR_EVENT_PHASE,
    MDC_DEV_PUMP_INFUS_CHAN_DELIVERY,
    MDC_DEV_PUMP_INFUS_MDS,
    MDC_DEV_PUMP_INFUS_VMD,
    MDC_EVT_ALARM,
    MDC_FLOW_FLUID_PUMP,
    MDC_PUMP_STAT,
    MDC_VOL_FLUID_DELIV,
    MDC_VOL_FLUID_TBI,
    MDC_VOL_FLUID_TBI_REMAIN,
    PROFILE_PCD01,
    PROFILE_PCD03,
    PROFILE_PCD04,
    ROUTE_INTRAVENOUS,
    SEGMENT_SEPARATOR,
    TOKEN_FOR_STATUS,
    UNIT_MG,
    UNIT_ML,
    UNIT_ML_PER_H,
    AckCode,
    AlarmPhase,
    AlarmPriority,
    Mdc,
    MessageRefused,
    PumpReportedStatus,
    Unit,
    escape,
    hl7_datetime,
)
from corsia.administration.domain.pump_program import PumpProgramPacket


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


def _obx(
    set_id: int,
    value_type: str,
    identifier: Mdc,
    sub_id: str,
    value: str = "",
    *,
    units: Unit | None = None,
    abnormal: str = "",
    status: str = "F",
    observed: str = "",
) -> str:
    """One OBX: OBX-1 to OBX-8, the result status (OBX-11) and the time observed (OBX-14)."""
    return _segment(
        "OBX",
        str(set_id),
        value_type,
        identifier.cwe(),
        sub_id,
        value,
        units.cwe() if units is not None else "",
        "",
        abnormal,
        "",
        "",
        status,
        "",
        "",
        observed,
    )


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
        _obx(
            1, "NM", MDC_FLOW_FLUID_PUMP, "1.1.1.1", f"{packet.rate_ml_h:.1f}", units=UNIT_ML_PER_H
        ),
        _obx(2, "NM", MDC_VOL_FLUID_TBI, "1.1.1.2", _number(packet.volume_ml), units=UNIT_ML),
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
        return _obx(
            set_id, "NM", metric, sub_id, _number(value), units=unit, status="R", observed=when
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
        _obx(1, "", MDC_DEV_PUMP_INFUS_MDS, "1.0.0.0", status="X"),
        _obx(2, "", MDC_DEV_PUMP_INFUS_VMD, "1.1.0.0", status="X"),
        _obx(3, "", MDC_DEV_PUMP_INFUS_CHAN_DELIVERY, "1.1.1.0", status="X"),
        _obx(
            4,
            "CWE",
            MDC_PUMP_STAT,
            "1.1.1.1",
            f"^{TOKEN_FOR_STATUS[status]}",
            status="R",
            observed=when,
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
        _obx(
            1,
            "CWE",
            MDC_EVT_ALARM,
            "1.1.1.1.1",
            f"{alarm.cwe()}^^^^^^{escape(alarm_text)}",
            abnormal=f"{priority.value}~ST",
        ),
        _obx(2, "CWE", MDC_ATTR_ALERT_SOURCE, "1.1.1.1.2", MDC_DEV_PUMP_INFUS_CHAN_DELIVERY.cwe()),
        _obx(3, "ST", MDC_ATTR_EVENT_PHASE, "1.1.1.1.3", phase.value),
        _obx(4, "ST", MDC_ATTR_ALARM_STATE, "1.1.1.1.4", "active" if active else "inactive"),
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
