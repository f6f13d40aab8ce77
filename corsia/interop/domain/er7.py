"""Reading an HL7 v2.5 message in ER7: the header, then every segment through hl7apy (its
structure checked one segment at a time, so a broken one is named), fields by number.

Timestamps without a UTC offset are the hospital's local time (``tz``): Italian ADT
systems seldom send the offset."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from hl7apy.exceptions import HL7apyException
from hl7apy.parser import parse_segment

from corsia.administration.domain.hl7_pcd import Hl7Error, MessageRefused, normalise
from corsia.administration.domain.hl7_pcd.terms import no_msh, refused, unescape

VERSIONS = ("2.5", "2.5.1")
MSH_START = "MSH|^~\\&"
_CONTROL_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
_DTM = re.compile(
    r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?(?:\.\d{1,4})?)?(?:([+-])(\d{2})(\d{2}))?$"
)


@dataclass(frozen=True)
class Header:
    control_id: str
    sending_application: str
    sending_facility: str
    receiving_application: str
    message_code: str  # MSH-9.1, e.g. ADT
    trigger: str  # MSH-9.2, e.g. A01
    version: str
    processing_id: str

    @property
    def message_type(self) -> str:
        return f"{self.message_code}^{self.trigger}" if self.trigger else self.message_code


def _namespace(hd: str) -> str:
    """The readable name of an HD (``namespace^universal id^type``): its namespace, else
    its universal id."""
    parts = [unescape(p) for p in hd.split("^")]
    return (parts[0] or (parts[1] if len(parts) > 1 else "")).strip()


def read_header(raw: str) -> Header | None:
    """The MSH as written, without judging it (``None``: no MSH to read)."""
    first = normalise(raw).split("\r", 1)[0]
    if not first.startswith(MSH_START):
        return None
    fields = first.split("|")

    def msh(number: int) -> str:  # fields[0] is "MSH", fields[1] is MSH-2
        return fields[number - 1] if len(fields) >= number else ""

    kind = msh(9).split("^")
    control_id = msh(10).strip()
    return Header(
        control_id=control_id if _CONTROL_ID.match(control_id) else "",
        sending_application=_namespace(msh(3))[:80],
        sending_facility=_namespace(msh(4))[:80],
        receiving_application=_namespace(msh(5))[:80],
        message_code=kind[0].strip().upper()[:3],
        trigger=(kind[1].strip().upper() if len(kind) > 1 else "")[:3],
        version=msh(12).split("^")[0].strip()[:10],
        processing_id=msh(11).split("^")[0].strip()[:1],
    )


@dataclass(frozen=True)
class Segment:
    """One segment: its name, which occurrence of that name it is (1 for the first PID),
    and its fields (ER7 text of each repetition, by field number)."""

    name: str
    occurrence: int
    fields: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def get(self, number: int) -> str:
        values = self.fields.get(number)
        return values[0] if values else ""

    def repetitions(self, number: int) -> tuple[str, ...]:
        return self.fields.get(number, ())

    def part(self, number: int, component: int, repetition: str | None = None) -> str:
        """A component, unescaped (its first subcomponent)."""
        text = self.get(number) if repetition is None else repetition
        parts = text.split("^")
        if len(parts) < component:
            return ""
        return unescape(parts[component - 1].split("&")[0]).strip()

    def at(self, number: int) -> str:
        """The ERR-2 location of a field: ``PID^1^3``."""
        return f"{self.name}^{self.occurrence}^{number}"


@dataclass(frozen=True)
class Message:
    header: Header
    segments: tuple[Segment, ...]

    def all(self, name: str) -> list[Segment]:
        return [s for s in self.segments if s.name == name]

    def first(self, name: str) -> Segment | None:
        found = self.all(name)
        return found[0] if found else None

    def required(self, name: str) -> Segment:
        found = self.first(name)
        if found is None:
            raise refused(
                f"Manca il segmento {name}.", "segment_missing", Hl7Error.SEGMENT_SEQUENCE, name
            )
        return found


def _fields(element: Any) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for child in element.children:
        _, _, number = str(child.name).rpartition("_")
        if number.isdigit():
            found.setdefault(int(number), []).append(str(child.to_er7()))
    return {k: tuple(v) for k, v in found.items()}


def read_message(raw: str, *, processing_id: str) -> Message:
    """The whole message, or ``MessageRefused``: AR when it cannot be read as HL7 v2.5 for
    this system (no MSH, no control id, another version or processing id), AE naming the
    first segment whose structure is broken."""
    header = read_header(raw)
    if header is None:
        raise no_msh()
    if not header.control_id:
        raise refused(
            "MSH-10 (identificativo del messaggio) manca o non è valido.",
            "control_id_invalid",
            Hl7Error.REQUIRED_FIELD_MISSING,
            "MSH^1^10",
            reject=True,
        )
    if header.version not in VERSIONS:
        raise refused(
            f"Versione HL7 «{header.version}» non supportata: si accetta la 2.5.",
            "unsupported_version",
            Hl7Error.UNSUPPORTED_VERSION,
            "MSH^1^12",
            reject=True,
        )
    if header.processing_id != processing_id:
        raise refused(
            f"Identificativo di elaborazione «{header.processing_id}» diverso da quello di "
            f"questo sistema («{processing_id}»).",
            "unsupported_processing_id",
            Hl7Error.UNSUPPORTED_PROCESSING_ID,
            "MSH^1^11",
            reject=True,
        )
    segments: list[Segment] = []
    seen: dict[str, int] = {}
    for line in normalise(raw).split("\r"):
        name = line[:3].upper()
        seen[name] = seen.get(name, 0) + 1
        try:
            element = parse_segment(line, version="2.5")
        except HL7apyException as problem:
            raise refused(
                f"Segmento {seen[name]} «{name}» non leggibile: {problem}.",
                "segment_invalid",
                Hl7Error.SEGMENT_SEQUENCE,
                f"{name}^{seen[name]}",
            ) from None
        segments.append(Segment(name=name, occurrence=seen[name], fields=_fields(element)))
    return Message(header=header, segments=tuple(segments))


def read_datetime(text: str, *, location: str, tz: tzinfo) -> datetime | None:
    """A DTM (``YYYYMMDD[HHMM[SS]][±ZZZZ]``), local time ``tz`` when no offset is written;
    ``None`` when empty."""
    value = text.split("^", maxsplit=1)[0].strip()
    if not value:
        return None
    match = _DTM.match(value)
    if match is None:
        raise _bad_date(value, location)
    year, month, day, hour, minute, second, sign, off_h, off_m = match.groups()
    zone: tzinfo = tz
    if sign is not None:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        zone = timezone(offset if sign == "+" else -offset)
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=zone,
        )
    except ValueError:
        raise _bad_date(value, location) from None


def read_date(text: str, *, location: str) -> date | None:
    value = text.split("^", maxsplit=1)[0].strip()[:8]
    if not value:
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise _bad_date(value, location) from None


def read_decimal(text: str, *, location: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise refused(
            f"Valore numerico «{text}» non valido in {location}.",
            "number_invalid",
            Hl7Error.DATA_TYPE,
            location,
        )
    return value


def _bad_date(value: str, location: str) -> MessageRefused:
    return refused(
        f"Data «{value}» non valida in {location}.", "date_invalid", Hl7Error.DATA_TYPE, location
    )
