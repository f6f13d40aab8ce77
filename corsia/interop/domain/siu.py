"""What a CUP's scheduling message says (SIU^S12 new, S13 rescheduled, S14 modified, S15
cancelled, S17 deleted, S26 patient did not show up; HL7 v2.5 chapter 10): the appointment (SCH), the patient (PID), the service
(RGS/AIS), the location (AIL) and the personnel (AIP).

* the appointment: SCH-2 filler appointment id (the CUP's, required), SCH-1 the placer's;
* when: TQ1-7, else SCH-11.4 (the TQ start, deprecated in 2.5 but still what many Italian
  CUPs send), else AIS-4;
* how long: TQ1-6 (CQ ``30^min``), else SCH-9/SCH-10, else AIS-7/AIS-8, else the booking
  type's; minutes, hours accepted, 1 to 720 minutes;
* the service: AIS-3.1 (its coding system AIS-3.3), the reason SCH-7, the type SCH-8;
* the location: AIL-3.1 (PL point of care), the personnel AIP-3 (kept in the outcome).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal

from corsia.administration.domain.hl7_pcd import Hl7Error
from corsia.administration.domain.hl7_pcd.terms import refused
from corsia.interop.domain.adt import Identity, identity
from corsia.interop.domain.er7 import Message, Segment, read_datetime, read_decimal

SIU_EVENTS = frozenset({"S12", "S13", "S14", "S15", "S17", "S26"})
TIMED_EVENTS = frozenset({"S12", "S13", "S14"})  # those that book a time: a start needed
MAX_MINUTES = 720
_UNIT_MINUTES = {
    "MIN": 1,
    "M": 1,
    "MINUTES": 1,
    "S": None,
    "H": 60,
    "HR": 60,
    "HOUR": 60,
    "HOURS": 60,
}


@dataclass(frozen=True)
class Appointment:
    trigger: str
    identity: Identity
    filler_id: str  # SCH-2.1
    placer_id: str  # SCH-1.1
    start: datetime | None  # None only for S15, S17, S26
    start_location: str  # where the start was read (ERR-2 of a refusal about it)
    minutes: int | None
    service_code: str  # AIS-3.1
    service_text: str
    location_code: str  # AIL-3.1
    personnel: str  # AIP-3: id and name
    reason: str  # SCH-7 text (else code)


def _minutes(value: str, unit: str, *, location: str) -> int:
    amount = read_decimal(value, location=location)
    factor = _UNIT_MINUTES.get((unit or "min").strip().upper())
    if factor is None:
        raise refused(
            f"Unità di durata «{unit}» non gestita in {location}: si accettano min, h.",
            "duration_unit_invalid",
            Hl7Error.DATA_TYPE,
            location,
        )
    total = amount * factor
    if total != total.to_integral_value() or not Decimal(1) <= total <= MAX_MINUTES:
        raise refused(
            f"Durata «{value} {unit}» non plausibile in {location}: da 1 a {MAX_MINUTES} "
            "minuti interi.",
            "duration_invalid",
            Hl7Error.DATA_TYPE,
            location,
        )
    return int(total)


def _duration(sch: Segment, tq1: Segment | None, ais: Segment | None) -> int | None:
    if tq1 is not None and tq1.part(6, 1):
        return _minutes(tq1.part(6, 1), tq1.part(6, 2), location=tq1.at(6))
    if sch.get(9).strip():
        return _minutes(sch.get(9), sch.part(10, 1), location=sch.at(9))
    if sch.part(11, 3):  # TQ duration, e.g. M30
        text = sch.part(11, 3)
        unit, value = ("h", text[1:]) if text[:1].upper() == "H" else ("min", text.lstrip("Mm"))
        return _minutes(value, unit, location=sch.at(11))
    if ais is not None and ais.get(7).strip():
        return _minutes(ais.get(7), ais.part(8, 1), location=ais.at(7))
    return None


def _start(
    sch: Segment, tq1: Segment | None, ais: Segment | None, tz: tzinfo
) -> tuple[datetime | None, str]:
    candidates: list[tuple[str, str]] = []
    if tq1 is not None:
        candidates.append((tq1.get(7), tq1.at(7)))
    candidates.append((sch.part(11, 4), sch.at(11)))
    if ais is not None:
        candidates.append((ais.get(4), ais.at(4)))
    for text, location in candidates:
        when = read_datetime(text, location=location, tz=tz)
        if when is not None:
            return when, location
    return None, sch.at(11)


def read_siu(message: Message, *, tz: tzinfo, mrn_authorities: frozenset[str]) -> Appointment:
    trigger = message.header.trigger
    if trigger not in SIU_EVENTS:
        raise refused(
            f"Evento SIU {trigger} non gestito (si accettano S12, S13, S14, S15, S17, S26).",
            "unsupported_event",
            Hl7Error.UNSUPPORTED_EVENT,
            "MSH^1^9",
            reject=True,
        )
    sch = message.required("SCH")
    pid = message.required("PID")
    tq1, ais, ail, aip = (message.first(n) for n in ("TQ1", "AIS", "AIL", "AIP"))
    filler_id = sch.part(2, 1)
    if not filler_id:
        raise refused(
            "Manca l'identificativo dell'appuntamento del CUP (SCH-2).",
            "appointment_id_missing",
            Hl7Error.REQUIRED_FIELD_MISSING,
            sch.at(2),
        )
    start, start_location = _start(sch, tq1, ais, tz)
    service_code = ais.part(3, 1) if ais is not None else ""
    if trigger in TIMED_EVENTS:
        if start is None:
            raise refused(
                "Manca l'ora dell'appuntamento (TQ1-7, SCH-11 o AIS-4).",
                "appointment_start_missing",
                Hl7Error.REQUIRED_FIELD_MISSING,
                start_location,
            )
        if not service_code:
            raise refused(
                "Manca la prestazione prenotata (AIS-3).",
                "service_missing",
                Hl7Error.REQUIRED_FIELD_MISSING,
                "AIS^1^3",
            )
    personnel = ""
    if aip is not None:
        personnel = " ".join(p for p in (aip.part(3, 1), aip.part(3, 2), aip.part(3, 3)) if p)
    return Appointment(
        trigger=trigger,
        identity=identity(
            pid, 3, facility=message.header.sending_facility, mrn_authorities=mrn_authorities
        ),
        filler_id=filler_id[:80],
        placer_id=sch.part(1, 1)[:80],
        start=start,
        start_location=start_location,
        minutes=_duration(sch, tq1, ais) if trigger in TIMED_EVENTS else None,
        service_code=service_code[:40],
        service_text=(ais.part(3, 2) if ais is not None else "")[:120],
        location_code=(ail.part(3, 1) if ail is not None else "")[:40],
        personnel=personnel[:120],
        reason=(sch.part(7, 2) or sch.part(7, 1))[:120],
    )
