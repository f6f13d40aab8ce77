"""JSON API of the HL7 interface: /api/v1/interop/messages (received: list, one, replay),
/outbound (sent: list, one, resend) and /subscribers (list, create, update)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from corsia.core.access import api_perm
from corsia.core.paging import api_page
from corsia.core.schemas import BoundedInt, IsoDatetime, Reason
from corsia.core.web import acting, reading, request_actor
from corsia.interop import selectors, services
from corsia.interop.models import InboundMessage, OutboundMessage, Subscriber
from corsia.interop.selectors import MessageFilter, OutboundFilter

router = Router(tags=["interop"])


class MessageOut(Schema):
    id: int
    received_at: IsoDatetime
    control_id: str
    sending_application: str
    sending_facility: str
    message_type: str
    state: str
    ack_code: str
    error_code: str
    error_location: str
    error_text: str
    outcome: str
    attempts: int
    processed_at: IsoDatetime | None


class ResultOut(Schema):
    lab_result_id: int
    filler_number: str
    code: str
    code_system: str
    segment: str


class MessageDetailOut(MessageOut):
    raw: str
    ack: str
    patient_id: int | None
    results: list[ResultOut]


class ReplayIn(Schema):
    reason: Reason


def _out(row: InboundMessage) -> MessageOut:
    return MessageOut(
        id=row.pk,
        received_at=row.received_at,
        control_id=row.control_id,
        sending_application=row.sending_application,
        sending_facility=row.sending_facility,
        message_type=row.message_type,
        state=row.state,
        ack_code=row.ack_code,
        error_code=row.error_code,
        error_location=row.error_location,
        error_text=row.error_text,
        outcome=row.outcome,
        attempts=row.attempts,
        processed_at=row.processed_at,
    )


class MessagePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MessageOut]


@router.get("/messages", response=MessagePage)
@api_perm(services.VIEW)
def messages(
    request: HttpRequest,
    *,
    state: str = "",
    type: str = "",
    control_id: str = "",
    limit: BoundedInt = 100,
    offset: BoundedInt = 0,
) -> MessagePage:
    """The inbound messages, newest first, ``limit`` (1–500) from ``offset`` and ``count``
    in all; ``state`` (received, processed, error, parked, ignored), ``type`` (ADT, ORU,
    SIU), ``control_id`` (MSH-10)."""
    rows = selectors.messages_list(
        user=request_actor(request),
        filters=MessageFilter(state=state, message_code=type, control_id=control_id),
    )
    page = api_page(rows, limit=limit, offset=offset)
    return MessagePage(**{**page, "items": [_out(row) for row in page["items"]]})


def _detail(request: HttpRequest, message_id: int) -> MessageDetailOut:
    detail = selectors.message_detail(**reading(request), message_id=message_id)
    row = detail.message
    return MessageDetailOut(
        **_out(row).dict(),
        raw=row.raw,
        ack=row.ack,
        patient_id=row.patient_id,
        results=[
            ResultOut(
                lab_result_id=r.lab_result_id,
                filler_number=r.filler_number,
                code=r.code,
                code_system=r.code_system,
                segment=r.segment,
            )
            for r in detail.results
        ],
    )


@router.get("/messages/{message_id}", response=MessageDetailOut)
@api_perm(services.VIEW)
def message(request: HttpRequest, message_id: int) -> MessageDetailOut:
    """One message: its raw text, the ACK sent, the outcome (access-logged when it names
    a patient)."""
    return _detail(request, message_id)


@router.post("/messages/{message_id}/replay", response=MessageOut)
@api_perm(services.REPLAY)
def replay(request: HttpRequest, message_id: int, payload: ReplayIn) -> MessageOut:
    """Apply a message in error or parked again, with a reason (audited)."""
    row = services.message_replay(**acting(request), message_id=message_id, reason=payload.reason)
    return _out(row)


# --- outgoing messages and subscribers -----------------------------------------------------


class OutboundOut(Schema):
    id: int
    created_at: IsoDatetime
    subscriber_id: int
    subscriber: str
    message_type: str
    control_id: str
    state: str
    attempts: int
    next_attempt_at: IsoDatetime
    last_attempt_at: IsoDatetime | None
    sent_at: IsoDatetime | None
    ack_code: str
    error_text: str


class OutboundDetailOut(OutboundOut):
    raw: str
    ack: str
    patient_id: int | None


class ResendIn(Schema):
    reason: Reason


class SubscriberIn(Schema):
    name: str
    receiving_application: str
    receiving_facility: str
    host: str
    port: int
    message_types: list[str]
    active: bool = True


class SubscriberUpdateIn(SubscriberIn):
    expected_version: int


class SubscriberOut(Schema):
    id: int
    name: str
    receiving_application: str
    receiving_facility: str
    host: str
    port: int
    message_types: list[str]
    active: bool
    version: int


def _outbound(row: OutboundMessage) -> OutboundOut:
    return OutboundOut(
        id=row.pk,
        created_at=row.created_at,
        subscriber_id=row.subscriber_id,
        subscriber=row.subscriber.name,
        message_type=row.message_type,
        control_id=row.control_id,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_attempt_at=row.last_attempt_at,
        sent_at=row.sent_at,
        ack_code=row.ack_code,
        error_text=row.error_text,
    )


def _subscriber(row: Subscriber) -> SubscriberOut:
    return SubscriberOut(
        id=row.pk,
        name=row.name,
        receiving_application=row.receiving_application,
        receiving_facility=row.receiving_facility,
        host=row.host,
        port=row.port,
        message_types=list(row.message_types),
        active=row.active,
        version=row.version,
    )


class OutboundPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OutboundOut]


@router.get("/outbound", response=OutboundPage)
@api_perm(services.VIEW)
def outbound_messages(
    request: HttpRequest,
    *,
    state: str = "",
    type: str = "",
    control_id: str = "",
    subscriber: int | None = None,
    limit: BoundedInt = 100,
    offset: BoundedInt = 0,
) -> OutboundPage:
    """The outgoing messages, newest first, ``limit`` (1–500) from ``offset`` and ``count``
    in all; ``state`` (pending, sent, failed, expired: the last two are the dead letters),
    ``type`` (RAS, RDS), ``control_id`` (MSH-10), ``subscriber`` (id)."""
    rows = selectors.outbound_list(
        user=request_actor(request),
        filters=OutboundFilter(
            state=state, message_code=type, control_id=control_id, subscriber_id=subscriber
        ),
    )
    page = api_page(rows, limit=limit, offset=offset)
    return OutboundPage(**{**page, "items": [_outbound(row) for row in page["items"]]})


@router.get("/outbound/{message_id}", response=OutboundDetailOut)
@api_perm(services.VIEW)
def outbound_message(request: HttpRequest, message_id: int) -> OutboundDetailOut:
    """One outgoing message: its text, the ACK received (access-logged: it names a patient)."""
    row = selectors.outbound_detail(**reading(request), message_id=message_id)
    return OutboundDetailOut(
        **_outbound(row).dict(), raw=row.raw, ack=row.ack, patient_id=row.patient_id
    )


@router.post("/outbound/{message_id}/resend", response=OutboundOut)
@api_perm(services.REPLAY)
def outbound_resend(request: HttpRequest, message_id: int, payload: ResendIn) -> OutboundOut:
    """Send a refused or unanswered message again (same text, same MSH-10), with a reason."""
    row = services.outbound_resend(**acting(request), message_id=message_id, reason=payload.reason)
    return _outbound(row)


@router.get("/subscribers", response=list[SubscriberOut])
@api_perm(services.MANAGE_SUBSCRIBERS)
def subscribers(request: HttpRequest) -> list[SubscriberOut]:
    """The systems that receive Corsia's messages."""
    return [_subscriber(s) for s in selectors.subscribers_list(user=request_actor(request))]


def _input(payload: SubscriberIn) -> services.SubscriberInput:
    return services.SubscriberInput(
        name=payload.name,
        receiving_application=payload.receiving_application,
        receiving_facility=payload.receiving_facility,
        host=payload.host,
        port=payload.port,
        message_types=payload.message_types,
        active=payload.active,
    )


@router.post("/subscribers", response={201: SubscriberOut})
@api_perm(services.MANAGE_SUBSCRIBERS)
def subscriber_create(request: HttpRequest, payload: SubscriberIn) -> Status[SubscriberOut]:
    """Add a subscriber: ``message_types`` among ``RAS^O17``, ``RDS^O13``."""
    row = services.subscriber_save(**acting(request), data=_input(payload))
    return Status(201, _subscriber(row))


@router.put("/subscribers/{subscriber_id}", response=SubscriberOut)
@api_perm(services.MANAGE_SUBSCRIBERS)
def subscriber_update(
    request: HttpRequest, subscriber_id: int, payload: SubscriberUpdateIn
) -> SubscriberOut:
    """Change a subscriber (``expected_version``: the version read; 409 if changed since)."""
    row = services.subscriber_save(
        **acting(request),
        data=_input(payload),
        subscriber_id=subscriber_id,
        expected_version=payload.expected_version,
    )
    return _subscriber(row)
