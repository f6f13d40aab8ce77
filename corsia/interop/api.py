"""JSON API of the HL7 interface: /api/v1/interop/messages (list, one, replay)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from corsia.core.access import api_perm
from corsia.core.schemas import IsoDatetime, Reason
from corsia.core.web import request_actor, request_workstation
from corsia.interop import selectors, services
from corsia.interop.models import InboundMessage
from corsia.interop.selectors import MessageFilter

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


@router.get("/messages", response=list[MessageOut])
@api_perm(services.VIEW)
def messages(
    request: HttpRequest, state: str = "", type: str = "", control_id: str = ""
) -> list[MessageOut]:
    """The latest inbound messages (at most 200, newest first); ``state`` (received,
    processed, error, parked, ignored), ``type`` (ADT, ORU), ``control_id`` (MSH-10)."""
    rows = selectors.messages_list(
        user=request_actor(request),
        filters=MessageFilter(state=state, message_code=type, control_id=control_id),
    )
    return [_out(row) for row in rows]


def _detail(request: HttpRequest, message_id: int) -> MessageDetailOut:
    detail = selectors.message_detail(
        user=request_actor(request),
        message_id=message_id,
        workstation=request_workstation(request),
        channel="api",
    )
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
    row = services.message_replay(
        actor=request_actor(request),
        workstation=request_workstation(request),
        message_id=message_id,
        reason=payload.reason,
    )
    return _out(row)
