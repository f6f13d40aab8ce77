"""What an ADT message says: who the patient is (PID-3 identifiers, HL7 Italia style),
their demographics (PID), the visit (PV1) and, for a merge or an identifier change, the
prior identifiers (MRG)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import StrEnum

from corsia.administration.domain.hl7_pcd import Hl7Error
from corsia.administration.domain.hl7_pcd.terms import refused
from corsia.interop.domain.er7 import Message, Segment, read_date, read_datetime

# The OID of the codice fiscale (Ministero dell'Economia e delle Finanze) and the HL7
# Italia identifier type code: PID-3 ``RSSMRA70A01H501S^^^&2.16.840.1.113883.2.9.4.3.2&ISO^NNITA``.
CODICE_FISCALE_OID = "2.16.840.1.113883.2.9.4.3.2"
CODICE_FISCALE_TYPE = "NNITA"


class IdKind(StrEnum):
    CODICE_FISCALE = "cf"
    STP_ENI = "stp_eni"
    MRN = "mrn"  # Corsia's own MRN, sent back to us by the hospital's systems
    OTHER = "other"  # another system's id (the ADT's patient id, the regional registry's)


@dataclass(frozen=True)
class Identifier:
    kind: IdKind
    value: str
    system: str  # for OTHER: the assigning authority (OID or namespace) and the type

    @property
    def key(self) -> str:
        """A string naming the identifier, for the parked messages waiting on it."""
        if self.kind is IdKind.OTHER:
            return f"other:{self.system}:{self.value}"
        return f"{self.kind.value}:{self.value}"


@dataclass(frozen=True)
class Identity:
    identifiers: tuple[Identifier, ...]
    location: str  # PID^1^3 or MRG^1^1

    def of(self, kind: IdKind) -> str:
        return next((i.value for i in self.identifiers if i.kind is kind), "")

    @property
    def others(self) -> dict[str, str]:
        return {i.system: i.value for i in self.identifiers if i.kind is IdKind.OTHER}

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.identifiers)


def identifier(cx: str, *, facility: str, mrn_authorities: frozenset[str]) -> Identifier | None:
    """One CX (``value^^^namespace&OID&ISO^type``) classified; ``None`` when it has no value."""
    parts = cx.split("^")
    value = parts[0].split("&")[0].strip().upper()
    if not value:
        return None
    authority = parts[3].split("&") if len(parts) > 3 else [""]
    namespace = authority[0].strip()
    oid = authority[1].strip() if len(authority) > 1 else ""
    type_code = parts[4].strip().upper() if len(parts) > 4 else ""
    if oid == CODICE_FISCALE_OID or type_code == CODICE_FISCALE_TYPE:
        return Identifier(IdKind.CODICE_FISCALE, value, "")
    if value[:3] in ("STP", "ENI") and value[3:].isdigit():
        return Identifier(IdKind.STP_ENI, value, "")
    if type_code == "MR" and ({namespace, oid} & mrn_authorities):
        return Identifier(IdKind.MRN, value, "")
    system = f"{oid or namespace or facility}:{type_code or 'PI'}"
    return Identifier(IdKind.OTHER, value, system[:80])


def identity(
    segment: Segment, number: int, *, facility: str, mrn_authorities: frozenset[str]
) -> Identity:
    found = []
    for cx in segment.repetitions(number):
        one = identifier(cx, facility=facility, mrn_authorities=mrn_authorities)
        if one is not None:
            found.append(one)
    location = segment.at(number)
    if not found:
        raise refused(
            f"Nessun identificativo del paziente in {location}.",
            "patient_identifier_missing",
            Hl7Error.REQUIRED_FIELD_MISSING,
            location,
        )
    return Identity(identifiers=tuple(found), location=location)


@dataclass(frozen=True)
class Demographics:
    surname: str
    given_names: str
    sex: str
    date_of_birth: date | None
    address: str
    phone: str


def demographics(pid: Segment) -> Demographics:
    names = [pid.part(5, 2), pid.part(5, 3)]
    address = ""
    for repetition in pid.repetitions(11):
        if pid.part(11, 7, repetition) == "BDL":  # the place of birth, not where they live
            continue
        pieces = [pid.part(11, i, repetition) for i in (1, 5, 3, 4)]
        address = " ".join(p for p in pieces if p)
        break
    phone = pid.part(13, 1) or pid.part(13, 12)
    return Demographics(
        surname=pid.part(5, 1),
        given_names=" ".join(n for n in names if n),
        sex=pid.part(8, 1).upper(),
        date_of_birth=read_date(pid.get(7), location=pid.at(7)),
        address=address[:250],
        phone=phone[:40],
    )


# PV1-2 patient class (HL7 table 0004) → the encounter's kind; "D" (day hospital) is a
# local code Italian ADT systems use.
PATIENT_CLASS_KIND = {
    "I": "inpatient",
    "D": "day_hospital",
    "O": "outpatient",
    "E": "outpatient",
    "R": "outpatient",
}


@dataclass(frozen=True)
class Location:
    ward: str  # PL.1 point of care: the Corsia ward code
    bed: str  # PL.3 bed (or chair)


@dataclass(frozen=True)
class Visit:
    kind: str
    location: Location | None
    prior_location: Location | None
    visit_number: str
    admitted_at: datetime | None
    discharged_at: datetime | None
    location_at: str  # ERR location of PV1-3


def _location(pv1: Segment, number: int) -> Location | None:
    ward = pv1.part(number, 1).upper()
    if not ward:
        return None
    return Location(ward=ward, bed=pv1.part(number, 3).upper())


def visit(pv1: Segment, *, tz: tzinfo) -> Visit:
    patient_class = pv1.part(2, 1).upper()
    kind = PATIENT_CLASS_KIND.get(patient_class)
    if kind is None and patient_class not in ("", "N", "P", "B"):
        raise refused(
            f"Classe del paziente «{patient_class}» non prevista in {pv1.at(2)}.",
            "patient_class_unknown",
            Hl7Error.TABLE_VALUE_NOT_FOUND,
            pv1.at(2),
        )
    return Visit(
        kind=kind or "inpatient",
        location=_location(pv1, 3),
        prior_location=_location(pv1, 6),
        visit_number=pv1.part(19, 1)[:80],
        admitted_at=read_datetime(pv1.get(44), location=pv1.at(44), tz=tz),
        discharged_at=read_datetime(pv1.get(45), location=pv1.at(45), tz=tz),
        location_at=pv1.at(3),
    )


@dataclass(frozen=True)
class AdtMessage:
    trigger: str
    identity: Identity
    demographics: Demographics
    visit: Visit | None
    event_at: datetime | None  # EVN-6 (when it happened), else EVN-2 (when recorded)
    prior: Identity | None  # MRG-1 for A40 and A47; the second PID-3 for A37


# The events read here and what each needs besides PID.
ADT_EVENTS = frozenset(
    {
        *("A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08"),
        *("A11", "A12", "A13", "A28", "A31", "A37", "A40", "A47"),
    }
)
_NEEDS_PV1 = frozenset({"A01", "A02", "A03", "A04", "A06", "A07", "A11", "A12", "A13"})
_NEEDS_MRG = frozenset({"A40", "A47"})
# A37 (unlink, ADT_A37): two PID segments, the patient that stays and the one to set apart
# again; Corsia reads it as the registry's correction of a merge (README, "A40 corrected").
_TWO_PIDS = frozenset({"A37"})


def read_adt(message: Message, *, tz: tzinfo, mrn_authorities: frozenset[str]) -> AdtMessage:
    trigger = message.header.trigger
    if trigger not in ADT_EVENTS:
        raise refused(
            f"Evento ADT {trigger} non gestito.",
            "unsupported_event",
            Hl7Error.UNSUPPORTED_EVENT,
            "MSH^1^9",
            reject=True,
        )
    facility = message.header.sending_facility
    pid = message.required("PID")
    evn = message.first("EVN")
    event_at = None
    if evn is not None:
        event_at = read_datetime(evn.get(6), location=evn.at(6), tz=tz) or read_datetime(
            evn.get(2), location=evn.at(2), tz=tz
        )
    pv1 = message.required("PV1") if trigger in _NEEDS_PV1 else message.first("PV1")
    prior = None
    if trigger in _NEEDS_MRG:
        prior = identity(
            message.required("MRG"), 1, facility=facility, mrn_authorities=mrn_authorities
        )
    if trigger in _TWO_PIDS:
        pids = message.all("PID")
        if len(pids) < 2:
            raise refused(
                "Il messaggio A37 deve nominare i due pazienti (due segmenti PID).",
                "segment_missing",
                Hl7Error.SEGMENT_SEQUENCE,
                "PID^2",
            )
        prior = identity(pids[1], 3, facility=facility, mrn_authorities=mrn_authorities)
    return AdtMessage(
        trigger=trigger,
        identity=identity(pid, 3, facility=facility, mrn_authorities=mrn_authorities),
        demographics=demographics(pid),
        visit=visit(pv1, tz=tz) if pv1 is not None else None,
        event_at=event_at,
        prior=prior,
    )
