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

The package: ``terms`` (MDC terms, codes, the refusal, ER7 values), ``messages`` (the frozen
dataclasses), ``build`` (writing) and ``parse`` (reading); every public name is here.
"""

from __future__ import annotations

from corsia.administration.domain.hl7_pcd.build import (
    CORSIA_APPLICATION,
    build_ack,
    build_pcd01,
    build_pcd03,
    build_pcd04,
    pump_application,
)
from corsia.administration.domain.hl7_pcd.messages import (
    AckReport,
    InboundMessage,
    MessageHeader,
    ProgrammeOrder,
    PumpAlarmReport,
    PumpStatusReport,
    RawHeader,
    to_json,
)
from corsia.administration.domain.hl7_pcd.parse import (
    normalise,
    parse_pcd,
    read_header,
)
from corsia.administration.domain.hl7_pcd.terms import (
    DIM_MIN_SUBCOMPONENTS,
    DURATION_UNITS,
    HL7_ERROR_TEXT,
    HL7_VERSIONS,
    MDC_ATTR_ALARM_STATE,
    MDC_ATTR_ALERT_SOURCE,
    MDC_ATTR_EVENT_PHASE,
    MDC_DEV_PUMP_INFUS_CHAN_DELIVERY,
    MDC_DEV_PUMP_INFUS_MDS,
    MDC_DEV_PUMP_INFUS_VMD,
    MDC_EVT_ALARM,
    MDC_EVT_FLUID_LINE_OCCL,
    MDC_FLOW_FLUID_PUMP,
    MDC_PUMP_STAT,
    MDC_VOL_FLUID_DELIV,
    MDC_VOL_FLUID_TBI,
    MDC_VOL_FLUID_TBI_REMAIN,
    PROCESSING_IDS,
    PROFILE_PCD01,
    PROFILE_PCD03,
    PROFILE_PCD04,
    ROUTE_INTRAVENOUS,
    SEGMENT_SEPARATOR,
    STATUS_TOKENS,
    TOKEN_FOR_STATUS,
    UNIT_MG,
    UNIT_ML,
    UNIT_ML_PER_H,
    AckCode,
    AlarmPhase,
    AlarmPriority,
    Hl7Error,
    Mdc,
    MessageRefused,
    PumpReportedStatus,
    Unit,
    escape,
    hl7_datetime,
    parse_hl7_datetime,
    unescape,
)

__all__ = [
    "CORSIA_APPLICATION",
    "DIM_MIN_SUBCOMPONENTS",
    "DURATION_UNITS",
    "HL7_ERROR_TEXT",
    "HL7_VERSIONS",
    "MDC_ATTR_ALARM_STATE",
    "MDC_ATTR_ALERT_SOURCE",
    "MDC_ATTR_EVENT_PHASE",
    "MDC_DEV_PUMP_INFUS_CHAN_DELIVERY",
    "MDC_DEV_PUMP_INFUS_MDS",
    "MDC_DEV_PUMP_INFUS_VMD",
    "MDC_EVT_ALARM",
    "MDC_EVT_FLUID_LINE_OCCL",
    "MDC_FLOW_FLUID_PUMP",
    "MDC_PUMP_STAT",
    "MDC_VOL_FLUID_DELIV",
    "MDC_VOL_FLUID_TBI",
    "MDC_VOL_FLUID_TBI_REMAIN",
    "PROCESSING_IDS",
    "PROFILE_PCD01",
    "PROFILE_PCD03",
    "PROFILE_PCD04",
    "ROUTE_INTRAVENOUS",
    "SEGMENT_SEPARATOR",
    "STATUS_TOKENS",
    "TOKEN_FOR_STATUS",
    "UNIT_MG",
    "UNIT_ML",
    "UNIT_ML_PER_H",
    "AckCode",
    "AckReport",
    "AlarmPhase",
    "AlarmPriority",
    "Hl7Error",
    "InboundMessage",
    "Mdc",
    "MessageHeader",
    "MessageRefused",
    "ProgrammeOrder",
    "PumpAlarmReport",
    "PumpReportedStatus",
    "PumpStatusReport",
    "RawHeader",
    "Unit",
    "build_ack",
    "build_pcd01",
    "build_pcd03",
    "build_pcd04",
    "escape",
    "hl7_datetime",
    "normalise",
    "parse_hl7_datetime",
    "parse_pcd",
    "pump_application",
    "read_header",
    "to_json",
    "unescape",
]
