"""What applying one message needs (the actor, the workstation, the message's row) and
what it ends in; the patient named by a message's identifiers; a refusal of another
module's service turned into the ACK's error, naming the HL7 field."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from corsia.administration.domain.hl7_pcd import Hl7Error, MessageRefused
from corsia.administration.domain.hl7_pcd.terms import refused
from corsia.core.actors import User
from corsia.core.domain.errors import CorsiaError, InvalidTransition, NotFound
from corsia.interop.domain.adt import Identity, IdKind
from corsia.interop.domain.states import MessageState
from corsia.interop.models import InboundMessage
from corsia.patients.domain import identifiers as patient_ids
from corsia.patients.selectors import patients_by_identifiers

if TYPE_CHECKING:
    from corsia.patients.models import Patient


@dataclass(frozen=True)
class Context:
    actor: User
    workstation: str  # the sending application
    row: InboundMessage
    now: datetime
    tz: tzinfo

    @property
    def reason(self) -> str:
        return f"{self.row.message_type} da {self.workstation}, messaggio {self.row.control_id}"


@dataclass(frozen=True)
class Outcome:
    state: MessageState
    text: str
    patient_id: int | None = None
    waiting_for: tuple[str, ...] = ()
    # identifiers now known: parked messages waiting for one of them are retried
    resolved: tuple[str, ...] = field(default_factory=tuple)


def parked(text: str, *keys: str) -> Outcome:
    return Outcome(MessageState.PARKED, text, waiting_for=tuple(dict.fromkeys(keys)))


def local_tz() -> tzinfo:
    return timezone.get_default_timezone()


def mrn_authorities() -> frozenset[str]:
    return frozenset(settings.CORSIA_HL7_MRN_AUTHORITIES)


def checked_identity(identity: Identity) -> None:
    """The codice fiscale and STP/ENI code checked as the registry checks them (check
    character, omocodia, shape) before anyone is looked up: a bad one is an AE naming the
    field, never a silent miss."""
    with refusal_at({"": identity.location}):
        cf = identity.of(IdKind.CODICE_FISCALE)
        if cf:
            patient_ids.fiscal_code_facts(cf)
        foreign = identity.of(IdKind.STP_ENI)
        if foreign:
            patient_ids.foreign_code_kind(foreign)


def patient_of(identity: Identity) -> Patient | None:
    """The one patient (a survivor) the identifiers name; two different ones: AE."""
    found = patients_by_identifiers(
        codice_fiscale=identity.of(IdKind.CODICE_FISCALE),
        stp_eni_code=identity.of(IdKind.STP_ENI),
        mrn=identity.of(IdKind.MRN),
        external=identity.others,
    )
    if len(found) > 1:
        raise refused(
            "Gli identificativi in "
            f"{identity.location} indicano pazienti diversi (MRN "
            f"{', '.join(p.mrn for p in found)}): va risolto in anagrafe (A40).",
            "patient_identifiers_conflict",
            Hl7Error.DUPLICATE_KEY,
            identity.location,
        )
    return found[0] if found else None


@contextmanager
def refusal_at(locations: Mapping[str, str]) -> Iterator[None]:
    """Inside the block, a refusal of another module's service becomes a
    ``MessageRefused`` (AE) at the HL7 location of the field it names (``locations``:
    service field → ``PID^1^7``; the key ``""`` for any other field)."""
    try:
        yield
    except MessageRefused:
        raise
    except CorsiaError as error:
        where = locations.get(error.field or "", locations.get("", ""))
        if isinstance(error, InvalidTransition):
            condition = Hl7Error.INTERNAL_ERROR
        elif isinstance(error, NotFound):
            condition = Hl7Error.UNKNOWN_KEY
        else:
            condition = Hl7Error.DATA_TYPE if error.field else Hl7Error.INTERNAL_ERROR
        raise refused(error.message, error.code, condition, where) from None
