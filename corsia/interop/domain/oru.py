"""What a laboratory ORU^R01 says: the patient (PID-3), each order (OBR: filler order
number, collection time) and its numeric results (OBX of type NM with units, reference
range and status)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal

from corsia.administration.domain.hl7_pcd import Hl7Error
from corsia.administration.domain.hl7_pcd.terms import refused
from corsia.interop.domain.adt import Identity, identity
from corsia.interop.domain.er7 import Message, Segment, read_datetime, read_decimal

# OBX-11 statuses recorded: final and corrected (a correction is a new result, as by hand).
RECORDED_STATUSES = frozenset({"F", "C"})
_RANGE = re.compile(r"^\s*(-?[\d.]+)\s*-\s*(-?[\d.]+)\s*$")
_BOUND = re.compile(r"^\s*([<>])=?\s*(-?[\d.]+)\s*$")


@dataclass(frozen=True)
class LabObservation:
    code: str  # OBX-3.1 (LOINC or the laboratory's own code)
    code_system: str  # OBX-3.3 (LN, or the lab's local system)
    text: str  # OBX-3.2
    value: Decimal
    unit: str
    reference_low: Decimal | None
    reference_high: Decimal | None
    observed_at: datetime | None  # OBX-14
    location: str  # OBX^n^5


@dataclass(frozen=True)
class LabOrder:
    filler_number: str  # OBR-3.1: the laboratory's accession
    placer_number: str  # OBR-2.1
    collected_at: datetime | None  # OBR-7
    observations: tuple[LabObservation, ...]
    skipped: tuple[str, ...]  # OBX locations not recorded (not numeric, not final)


@dataclass(frozen=True)
class LabReport:
    identity: Identity
    orders: tuple[LabOrder, ...]

    @property
    def result_count(self) -> int:
        return sum(len(o.observations) for o in self.orders)


def reference_range(text: str, *, location: str) -> tuple[Decimal | None, Decimal | None]:
    """OBX-7 as labs write it: ``3.5-5.0``, ``<5``, ``>10`` (empty: no range)."""
    if not text.strip():
        return None, None
    both = _RANGE.match(text)
    if both:
        return (
            read_decimal(both.group(1), location=location),
            read_decimal(both.group(2), location=location),
        )
    bound = _BOUND.match(text)
    if bound:
        value = read_decimal(bound.group(2), location=location)
        return (None, value) if bound.group(1) == "<" else (value, None)
    raise refused(
        f"Intervallo di riferimento «{text}» non leggibile in {location}.",
        "reference_range_invalid",
        Hl7Error.DATA_TYPE,
        location,
    )


def _observation(obx: Segment, *, tz: tzinfo) -> LabObservation:
    unit = obx.part(6, 1) or obx.part(6, 2)
    low, high = reference_range(obx.get(7), location=obx.at(7))
    code = obx.part(3, 1)
    if not code:
        raise refused(
            f"Manca il codice dell'esame in {obx.at(3)}.",
            "observation_code_missing",
            Hl7Error.REQUIRED_FIELD_MISSING,
            obx.at(3),
        )
    return LabObservation(
        code=code[:40],
        code_system=obx.part(3, 3).upper()[:20],
        text=obx.part(3, 2)[:80],
        value=read_decimal(obx.part(5, 1), location=obx.at(5)),
        unit=unit[:20],
        reference_low=low,
        reference_high=high,
        observed_at=read_datetime(obx.get(14), location=obx.at(14), tz=tz),
        location=obx.at(5),
    )


def read_oru(message: Message, *, tz: tzinfo, mrn_authorities: frozenset[str]) -> LabReport:
    if message.header.trigger != "R01":
        raise refused(
            f"Evento ORU {message.header.trigger} non gestito.",
            "unsupported_event",
            Hl7Error.UNSUPPORTED_EVENT,
            "MSH^1^9",
            reject=True,
        )
    pid = message.required("PID")
    who = identity(
        pid, 3, facility=message.header.sending_facility, mrn_authorities=mrn_authorities
    )
    orders: list[LabOrder] = []
    current: tuple[Segment, list[LabObservation], list[str]] | None = None

    def close() -> None:
        if current is not None:
            obr, found, skipped = current
            orders.append(
                LabOrder(
                    filler_number=obr.part(3, 1)[:40],
                    placer_number=obr.part(2, 1)[:40],
                    collected_at=read_datetime(obr.get(7), location=obr.at(7), tz=tz),
                    observations=tuple(found),
                    skipped=tuple(skipped),
                )
            )

    for segment in message.segments:
        if segment.name == "OBR":
            close()
            current = (segment, [], [])
        elif segment.name == "OBX":
            if current is None:
                raise refused(
                    "Un segmento OBX precede il primo OBR.",
                    "segment_sequence",
                    Hl7Error.SEGMENT_SEQUENCE,
                    f"OBX^{segment.occurrence}",
                )
            numeric = segment.part(2, 1).upper() == "NM"
            status = segment.part(11, 1).upper()
            if numeric and status in RECORDED_STATUSES:
                current[1].append(_observation(segment, tz=tz))
            else:
                current[2].append(f"OBX^{segment.occurrence}")
    close()
    if not orders:
        raise refused(
            "Nessun segmento OBR nel referto.", "segment_missing", Hl7Error.SEGMENT_SEQUENCE, "OBR"
        )
    return LabReport(identity=who, orders=tuple(orders))
