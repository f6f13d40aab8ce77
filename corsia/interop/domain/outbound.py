"""Outgoing HL7 v2.5 messages, pure: RAS^O17 (an administration recorded at the bedside)
and RDS^O13 (preparations dispensed by the pharmacy to the ward), the reading of the
subscriber's ACK, the retry schedule and the states of a message sent.

Identifiers follow HL7 Italia: the codice fiscale in PID-3 with the assigning authority of
the Ministero dell'Economia e delle Finanze (``^^^&2.16.840.1.113883.2.9.4.3.2&ISO^NNITA``),
Corsia's MRN with the hospital's authority (``^^^CORSIA&<OID>&ISO^MR``). Drugs are coded by
ATC (HL7 table 0396 ``WC``) with Corsia's own code as the alternate (``99CORSIA``), or the
AIC (``AIC``) when the product is known; doses in UCUM; routes by HL7 table 0162."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from corsia.administration.domain.hl7_pcd import AckCode, escape
from corsia.administration.domain.hl7_pcd.terms import hl7_datetime
from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import InvalidTransition
from corsia.interop.domain.ack import CORSIA_APPLICATION
from corsia.interop.domain.adt import CODICE_FISCALE_OID, CODICE_FISCALE_TYPE
from corsia.interop.domain.er7 import MSH_START

RAS_O17 = "RAS^O17"
RDS_O13 = "RDS^O13"
OUTBOUND_TYPES = (RAS_O17, RDS_O13)
LOCAL_SYSTEM = "99CORSIA"  # HL7 table 0396: 99zzz, a locally defined coding system
ATC_SYSTEM = "WC"  # HL7 table 0396: WHO ATC
AIC_SYSTEM = "AIC"  # AIFA's marketing authorisation code (HL7 Italia)

# Corsia's dose units → UCUM (code, and the unit's print name)
UCUM = {
    "mg": "mg",
    "g": "g",
    "mcg": "ug",
    "µg": "ug",
    "ug": "ug",
    "IU": "[iU]",
    "UI": "[iU]",
    "U": "U",
    "mmol": "mmol",
    "mL": "mL",
}

# Corsia's routes → HL7 table 0162 (route of administration)
ROUTES = {
    "iv": ("IV", "Intravenous"),
    "it": ("IT", "Intrathecal"),
    "po": ("PO", "Oral"),
    "sc": ("SC", "Subcutaneous"),
    "im": ("IM", "Intramuscular"),
}


class Completion(StrEnum):
    """RXA-20, HL7 table 0322."""

    COMPLETE = "CP"
    PARTIAL = "PA"
    NOT_ADMINISTERED = "NA"
    REFUSED = "RE"


# ---------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class PatientIdentity:
    mrn: str
    codice_fiscale: str
    stp_eni_code: str
    surname: str
    given_names: str
    date_of_birth: date
    sex: str  # M, F (HL7 table 0001), else U


@dataclass(frozen=True)
class Sender:
    """Our MSH-3/4 and the subscriber's MSH-5/6; the MRN's assigning authority."""

    facility: str
    receiving_application: str
    receiving_facility: str
    processing_id: str
    mrn_namespace: str
    mrn_oid: str


@dataclass(frozen=True)
class Drug:
    code: str  # Corsia's ingredient code
    name: str
    atc: str = ""
    aic: str = ""


@dataclass(frozen=True)
class AdministrationEvent:
    """One administration at the bedside that ended (or was not given)."""

    administration_id: int
    order_id: int
    preparation_ref: str  # the bag's label, PRP00000042 / WRD17
    drug: Drug
    dose: Decimal  # the amount given, in dose_unit
    dose_unit: str
    route: str
    started_at: datetime
    ended_at: datetime
    completion: Completion
    nurse_username: str
    nurse_surname: str
    nurse_given_name: str
    reason: str = ""  # why partial, stopped or not given
    volume_given_ml: Decimal | None = None


@dataclass(frozen=True)
class DispensedItem:
    preparation_ref: str
    order_item_id: int
    drug: Drug
    dose: Decimal
    dose_unit: str
    volume_ml: Decimal | None
    route: str
    lot: str = ""
    expiry: datetime | None = None


@dataclass(frozen=True)
class DispensingEvent:
    """Preparations handed to the ward (the UFA's check-out of one order's bag)."""

    dispensing_id: int
    order_id: int
    dispensed_at: datetime
    pharmacist_username: str
    pharmacist_surname: str
    pharmacist_given_name: str
    delivery_document: str
    items: tuple[DispensedItem, ...]


# ---------------------------------------------------------------------------- building


def _ts(moment: datetime) -> str:
    return hl7_datetime(moment)


def _number(value: Decimal) -> str:
    """An NM without trailing zeros, never in exponent form (``Decimal('80.0000')`` → 80)."""
    return format(value.normalize(), "f")


def _unit(unit: str) -> str:
    code = UCUM.get(unit.strip())
    if code is None:
        return f"{escape(unit)}^{escape(unit)}^{LOCAL_SYSTEM}"
    return f"{escape(code)}^{escape(code)}^UCUM"


def _drug(drug: Drug) -> str:
    """CE: ATC (else Corsia's code) as the identifier; the AIC, else Corsia's code, as the
    alternate."""
    name = escape(drug.name)
    if drug.atc:
        first = f"{escape(drug.atc)}^{name}^{ATC_SYSTEM}"
    else:
        first = f"{escape(drug.code)}^{name}^{LOCAL_SYSTEM}"
    if drug.aic:
        return f"{first}^{escape(drug.aic)}^{name}^{AIC_SYSTEM}"
    if drug.atc:
        return f"{first}^{escape(drug.code)}^{name}^{LOCAL_SYSTEM}"
    return first


def _route(route: str) -> str:
    known = ROUTES.get(route)
    if known is None:
        return f"{escape(route or 'UNK')}^{escape(route or 'non indicata')}^{LOCAL_SYSTEM}"
    return f"{known[0]}^{known[1]}^HL70162"


def _person(username: str, surname: str, given: str, sender: Sender) -> str:
    return f"{escape(username)}^{escape(surname)}^{escape(given)}^^^^^^{escape(sender.facility)}"


def msh(message_type: str, control_id: str, sent_at: datetime, sender: Sender) -> str:
    code, trigger = message_type.split("^")
    return "|".join(
        [
            MSH_START,
            escape(CORSIA_APPLICATION),
            escape(sender.facility),
            escape(sender.receiving_application),
            escape(sender.receiving_facility),
            _ts(sent_at),
            "",
            f"{code}^{trigger}^{code}_{trigger}",
            control_id,
            sender.processing_id,
            "2.5",
            "",
            "",
            "",
            "",
            "ITA",
            "UNICODE UTF-8",
        ]
    )


def pid(patient: PatientIdentity, sender: Sender) -> str:
    authority = escape(sender.mrn_namespace)
    if sender.mrn_oid:
        authority += f"&{escape(sender.mrn_oid)}&ISO"
    ids = [f"{escape(patient.mrn)}^^^{authority}^MR"]
    if patient.codice_fiscale:
        ids.insert(
            0,
            f"{escape(patient.codice_fiscale)}^^^&{CODICE_FISCALE_OID}&ISO^{CODICE_FISCALE_TYPE}",
        )
    elif patient.stp_eni_code:
        kind = patient.stp_eni_code[:3].upper()
        ids.insert(0, f"{escape(patient.stp_eni_code)}^^^^{escape(kind)}")
    sex = patient.sex if patient.sex in {"M", "F"} else "U"
    return "|".join(
        [
            "PID",
            "1",
            "",
            "~".join(ids),
            "",
            f"{escape(patient.surname)}^{escape(patient.given_names)}^^^^^L",
            "",
            patient.date_of_birth.strftime("%Y%m%d"),
            sex,
        ]
    )


def _orc(order_id: int, preparation_ref: str, when: datetime) -> str:
    """ORC-1 RE (observations to follow), ORC-2 placer = Corsia's order, ORC-3 filler = the
    bag's label, ORC-5 CM (completed), ORC-9 when."""
    corsia = escape(CORSIA_APPLICATION)
    placer, filler = f"{order_id}^{corsia}", f"{escape(preparation_ref)}^{corsia}"
    return "|".join(["ORC", "RE", placer, filler, "", "CM", "", "", "", _ts(when)])


def build_ras(
    *,
    event: AdministrationEvent,
    patient: PatientIdentity,
    sender: Sender,
    control_id: str,
    sent_at: datetime,
) -> str:
    """RAS^O17: MSH, PID, ORC (RE, the order, the bag), RXA (what was given, how much, from
    when to when, by whom, how it ended), RXR (the route)."""
    orc = _orc(event.order_id, event.preparation_ref, event.ended_at)
    notes = f"^{escape(event.reason)}" if event.reason else ""
    amount = "0" if event.completion is Completion.NOT_ADMINISTERED else _number(event.dose)
    rxa = [
        "RXA",
        "0",
        "1",
        _ts(event.started_at),
        _ts(event.ended_at),
        _drug(event.drug),
        amount,
        _unit(event.dose_unit),
        "",
        notes,
        _person(event.nurse_username, event.nurse_surname, event.nurse_given_name, sender),
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        event.completion.value,
        "A",
    ]
    rxr = f"RXR|{_route(event.route)}"
    segments = [
        msh(RAS_O17, control_id, sent_at, sender),
        pid(patient, sender),
        orc,
        "|".join(rxa),
        rxr,
    ]
    return "\r".join(segments)


def build_rds(
    *,
    event: DispensingEvent,
    patient: PatientIdentity,
    sender: Sender,
    control_id: str,
    sent_at: datetime,
) -> str:
    """RDS^O13: MSH, PID, then for each preparation ORC (RE, the order, the bag), RXD (what,
    how much, when, the order, the dispensing pharmacist, lot and expiry), RXR."""
    segments = [msh(RDS_O13, control_id, sent_at, sender), pid(patient, sender)]
    pharmacist = _person(
        event.pharmacist_username,
        event.pharmacist_surname,
        event.pharmacist_given_name,
        sender,
    )
    for counter, item in enumerate(event.items, start=1):
        segments.append(_orc(event.order_id, item.preparation_ref, event.dispensed_at))
        rxd = [
            "RXD",
            str(counter),
            _drug(item.drug),
            _ts(event.dispensed_at),
            _number(item.dose),
            _unit(item.dose_unit),
            "",
            f"{event.order_id}-{item.order_item_id}",
            "",
            "",
            pharmacist,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            escape(item.lot),
            _ts(item.expiry) if item.expiry else "",
        ]
        segments.append("|".join(rxd).rstrip("|"))
        segments.append(f"RXR|{_route(item.route)}")
    return "\r".join(segments)


# ---------------------------------------------------------------------------- the answer


@dataclass(frozen=True)
class AckRead:
    code: AckCode | None  # None: not an ACK to this message
    text: str


def read_ack(answer: str, *, control_id: str) -> AckRead:
    """The subscriber's answer: MSA-1 and, for AE/AR, its reason (ERR-8, else MSA-3, else
    ERR-3's text). An answer to another message, or no MSA, is no answer."""
    segments = [s for s in answer.replace("\n", "\r").split("\r") if s.strip()]
    msa = next((s.split("|") for s in segments if s.startswith("MSA|")), None)
    if msa is None or len(msa) < 3:
        return AckRead(None, "Risposta senza segmento MSA.")
    if msa[2].strip() != control_id:
        return AckRead(None, f"Risposta a un altro messaggio ({msa[2].strip()}).")
    code = msa[1].strip().upper()
    # the enhanced acknowledgement codes (CA/CE/CR) are read as the original ones
    code = {"CA": "AA", "CE": "AE", "CR": "AR"}.get(code, code)
    if code not in {c.value for c in AckCode}:
        return AckRead(None, f"Codice di risposta «{msa[1]}» sconosciuto.")
    reasons: list[str] = []
    for segment in segments:
        if segment.startswith("ERR|"):
            fields = segment.split("|")
            text = fields[8] if len(fields) > 8 else ""
            condition = fields[3].split("^") if len(fields) > 3 else []
            reasons.append(text or (condition[1] if len(condition) > 1 else ""))
    if not any(reasons) and len(msa) > 3:
        reasons.append(msa[3])
    return AckRead(AckCode(code), "; ".join(r for r in reasons if r).strip())


# ---------------------------------------------------------------------------- the states


class OutboundState(LabelledCode):
    PENDING = "pending", "da inviare"  # waiting for its (next) attempt
    SENT = "sent", "inviato"  # AA
    FAILED = "failed", "rifiutato"  # AE / AR: the subscriber refused it
    EXPIRED = "expired", "senza risposta"  # no answer after every attempt


OUTBOUND_STATE_LABELS_IT: dict[OutboundState, str] = OutboundState.labels_it()
DEAD_LETTERS = frozenset({OutboundState.FAILED, OutboundState.EXPIRED})


def ensure_resendable(current: str) -> None:
    state = OutboundState(current)
    if state not in DEAD_LETTERS:
        raise InvalidTransition(
            f"Il messaggio è «{OUTBOUND_STATE_LABELS_IT[state]}»: si reinviano solo i "
            "messaggi rifiutati o rimasti senza risposta.",
            code="message_not_resendable",
            details={"state": state.value},
        )


@dataclass(frozen=True)
class Attempt:
    """What one attempt ends in: the new state, when to try again, the error kept."""

    state: OutboundState
    retry_at: datetime | None
    error: str


def attempt_outcome(
    *,
    ack: AckRead | None,
    no_answer: str,
    attempts: int,
    max_attempts: int,
    now: datetime,
    base_seconds: int,
    cap_seconds: int,
) -> Attempt:
    """After the ``attempts``-th attempt: AA → sent; AE/AR → failed with its reason; no
    answer (``ack`` None, or not an ACK to this message) → tried again after an exponential
    backoff (``base × 2^(n-1)``, capped), or expired after ``max_attempts``."""
    if ack is not None and ack.code is AckCode.ACCEPT:
        return Attempt(OutboundState.SENT, None, "")
    if ack is not None and ack.code is not None:
        text = ack.text or "nessun motivo indicato"
        return Attempt(OutboundState.FAILED, None, f"{ack.code.value}: {text}")
    error = no_answer if ack is None else ack.text
    if attempts >= max_attempts:
        return Attempt(OutboundState.EXPIRED, None, error)
    return Attempt(OutboundState.PENDING, now + backoff(attempts, base_seconds, cap_seconds), error)


def backoff(attempts: int, base_seconds: int, cap_seconds: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 30 s, 1 min, 2 min, … ≤ cap."""
    exponent = max(0, attempts - 1)
    seconds = base_seconds * (2 ** min(exponent, 30))
    return timedelta(seconds=min(seconds, cap_seconds))
