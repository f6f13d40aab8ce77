"""Reads of the inbound and outgoing messages and the subscribers, for IT staff. The lists
show no patient data (type, sender, control id, state, the error); a message's detail shows its raw text, which
carries the patient's identity: opening it writes the access log for that patient."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.interop.domain.outbound import OutboundState
from corsia.interop.domain.states import MessageState
from corsia.interop.models import (
    InboundMessage,
    LabCodeMapping,
    OutboundMessage,
    ReceivedResult,
    Subscriber,
)
from corsia.interop.services.account import VIEW

MESSAGE_CODES = ("ADT", "ORU", "SIU")


@dataclass(frozen=True)
class MessageFilter:
    state: str = ""
    message_code: str = ""  # ADT, ORU, SIU
    control_id: str = ""

    def checked(self) -> MessageFilter:
        if self.state and self.state not in {s.value for s in MessageState}:
            raise ValidationFailed("Stato non valido.", code="state_invalid", field="state")
        code = self.message_code.upper()
        if code and code not in MESSAGE_CODES:
            raise ValidationFailed(
                "Tipo di messaggio non valido.", code="message_type_invalid", field="type"
            )
        control_id = self.control_id.strip()
        if len(control_id) > 64 or "\x00" in control_id:
            raise ValidationFailed(
                "Identificativo non valido.", code="control_id_invalid", field="control_id"
            )
        return MessageFilter(state=self.state, message_code=code, control_id=control_id)


def messages_list(*, user: User, filters: MessageFilter) -> QuerySet[InboundMessage]:
    """The messages matching the filters, newest first, as a query to page (issue 27)."""
    require_permission(user, VIEW)
    wanted = filters.checked()
    rows = InboundMessage.objects.defer("raw", "ack")
    if wanted.state:
        rows = rows.filter(state=wanted.state)
    if wanted.message_code:
        rows = rows.filter(message_type__startswith=wanted.message_code + "^")
    if wanted.control_id:
        rows = rows.filter(control_id=wanted.control_id)
    return rows.order_by("-received_at", "-pk")


def _state_counts(
    rows: QuerySet[InboundMessage] | QuerySet[OutboundMessage], states: list[str]
) -> dict[str, int]:
    counts = dict.fromkeys(states, 0)
    for row in rows.values("state").annotate(n=Count("pk")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def message_counts(*, user: User) -> dict[str, int]:
    """How many messages are in each state (the dead letters: error and parked)."""
    require_permission(user, VIEW)
    return _state_counts(InboundMessage.objects.all(), [s.value for s in MessageState])


@dataclass(frozen=True)
class MessageDetail:
    message: InboundMessage
    results: list[ReceivedResult]


def message_detail(
    *, user: User, message_id: int, workstation: Workstation = None, channel: str = "web"
) -> MessageDetail:
    require_permission(user, VIEW)
    row = InboundMessage.objects.filter(pk=message_id).first()
    if row is None:
        raise NotFound("Messaggio non trovato.", code="message_not_found")
    if row.patient_id is not None:
        access_log_record(
            user=user,
            patient_id=row.patient_id,
            what=f"messaggio HL7 {row.message_type} {row.control_id}",
            workstation=workstation,
            channel=channel,
        )
    return MessageDetail(message=row, results=list(row.results.order_by("pk")))


# --- outbound ----------------------------------------------------------------------------

OUTBOUND_CODES = ("RAS", "RDS")


@dataclass(frozen=True)
class OutboundFilter:
    state: str = ""
    message_code: str = ""  # RAS, RDS
    control_id: str = ""
    subscriber_id: int | None = None

    def checked(self) -> OutboundFilter:
        if self.state and self.state not in {s.value for s in OutboundState}:
            raise ValidationFailed("Stato non valido.", code="state_invalid", field="state")
        code = self.message_code.upper()
        if code and code not in OUTBOUND_CODES:
            raise ValidationFailed(
                "Tipo di messaggio non valido.", code="message_type_invalid", field="type"
            )
        base = MessageFilter(control_id=self.control_id).checked()
        return OutboundFilter(
            state=self.state,
            message_code=code,
            control_id=base.control_id,
            subscriber_id=self.subscriber_id,
        )


def outbound_list(*, user: User, filters: OutboundFilter) -> QuerySet[OutboundMessage]:
    """The outgoing messages, newest first, as a query to page (issue 27); no patient
    data (type, subscriber, control id, state, the error)."""
    require_permission(user, VIEW)
    wanted = filters.checked()
    rows = OutboundMessage.objects.defer("raw", "ack").select_related("subscriber")
    if wanted.state:
        rows = rows.filter(state=wanted.state)
    if wanted.message_code:
        rows = rows.filter(message_type__startswith=wanted.message_code + "^")
    if wanted.control_id:
        rows = rows.filter(control_id=wanted.control_id)
    if wanted.subscriber_id is not None:
        rows = rows.filter(subscriber_id=wanted.subscriber_id)
    return rows.order_by("-created_at", "-pk")


def outbound_counts(*, user: User) -> dict[str, int]:
    """How many outgoing messages are in each state (the dead letters: failed, expired)."""
    require_permission(user, VIEW)
    return _state_counts(OutboundMessage.objects.all(), [s.value for s in OutboundState])


def outbound_detail(
    *, user: User, message_id: int, workstation: Workstation = None, channel: str = "web"
) -> OutboundMessage:
    """One outgoing message with its text (the patient's identity: access-logged)."""
    require_permission(user, VIEW)
    row = OutboundMessage.objects.select_related("subscriber").filter(pk=message_id).first()
    if row is None:
        raise NotFound("Messaggio non trovato.", code="message_not_found")
    if row.patient_id is not None:
        access_log_record(
            user=user,
            patient_id=row.patient_id,
            what=f"messaggio HL7 inviato {row.message_type} {row.control_id}",
            workstation=workstation,
            channel=channel,
        )
    return row


def subscribers_list(*, user: User) -> list[Subscriber]:
    require_permission(user, VIEW)
    return list(Subscriber.objects.order_by("name"))


def subscriber_get(*, user: User, subscriber_id: int) -> Subscriber:
    require_permission(user, VIEW)
    row = Subscriber.objects.filter(pk=subscriber_id).first()
    if row is None:
        raise NotFound("Destinatario non trovato.", code="subscriber_not_found")
    return row


def analyte_loinc_codes() -> dict[str, str]:
    """The chart's analytes the hospital maps to LOINC: analyte → LOINC code, from the
    laboratory code table (``LabCodeMapping``, system ``LN``; its first rows are the
    common analytes' codes, migration ``0002_loinc_codes``, and the hospital adds more). The
    one table of which LOINC code means which analyte, read by the FSE documents; an analyte
    given two LOINC codes answers the first entered. Checks no permission: no patient data."""
    codes: dict[str, str] = {}
    for analyte, code in (
        LabCodeMapping.objects.filter(system="LN").order_by("pk").values_list("analyte", "code")
    ):
        codes.setdefault(analyte, code)
    return codes
