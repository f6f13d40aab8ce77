"""JSON API of telemedicine: /api/v1/telemedicine/... — the same services and selectors as
the pages, with the same permissions; refusals are problem+json with a stable ``code``.
The built-in room's signalling for the clinician is here too (``.../signal``); the patient
signals through their personal link (pages, ``views.patient_signal``).

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from corsia.core.access import api_perm
from corsia.core.schemas import AwareDatetime, RecordId
from corsia.core.web import acting, reading
from corsia.telemedicine import rooms, selectors, services
from corsia.telemedicine.models import Televisit
from corsia.telemedicine.permissions import CONDUCT, VIEW

router = Router(tags=["telemedicine"])

Text = str


class TelevisitOut(Schema):
    id: int
    kind: str
    state: str
    patient_id: int
    booking_id: int | None
    clinician_id: int
    consultant_id: int | None
    scheduled_start: datetime
    scheduled_end: datetime
    consent_at: datetime | None
    consent_source: str
    consent_version: str
    question: str
    answer: str
    opened_at: datetime | None
    closed_at: datetime | None
    version: int


class ScheduleIn(Schema):
    booking_id: RecordId
    clinician_id: RecordId


class ConsultationIn(Schema):
    patient_id: RecordId
    consultant_id: RecordId
    question: Text = Field(max_length=4000)
    start: AwareDatetime
    minutes: int = Field(default=30, ge=5, le=240)


class ConsentIn(Schema):
    source: str = Field(max_length=20)


class CancelIn(Schema):
    reason: Text = Field(max_length=4000)


class ReportIn(Schema):
    history: Text = Field(max_length=4000)
    findings: Text = Field(max_length=4000)
    conclusions: Text = Field(max_length=4000)


class ReportOut(Schema):
    televisit_id: int
    document_id: int
    signed_at: datetime


class AnswerIn(Schema):
    answer: Text = Field(max_length=4000)


class SignalAck(Schema):
    id: int


class SignalMessageOut(Schema):
    id: int
    kind: str
    payload: dict[str, object]


class PollOut(Schema):
    state: str
    messages: list[SignalMessageOut]
    last_id: int


def _out(visit: Televisit) -> TelevisitOut:
    return TelevisitOut(
        id=visit.pk,
        kind=visit.kind,
        state=visit.state,
        patient_id=visit.patient_id,
        booking_id=visit.booking_id,
        clinician_id=visit.clinician_id,
        consultant_id=visit.consultant_id,
        scheduled_start=visit.scheduled_start,
        scheduled_end=visit.scheduled_end,
        consent_at=visit.consent_at,
        consent_source=visit.consent_source,
        consent_version=visit.consent_version,
        question=visit.question,
        answer=visit.answer,
        opened_at=visit.opened_at,
        closed_at=visit.closed_at,
        version=visit.version,
    )


@router.get("/televisits", response=list[TelevisitOut])
@api_perm(VIEW)
def televisits(request: HttpRequest) -> list[TelevisitOut]:
    """The caller's televisits and teleconsultations (held or asked), from a week back."""
    return [_out(v) for v in selectors.my_televisits(**reading(request))]


@router.get("/televisits/{televisit_id}", response=TelevisitOut)
@api_perm(VIEW)
def televisit(request: HttpRequest, televisit_id: int) -> TelevisitOut:
    """One televisit, for its clinician or consultant (anyone else: ``televisit_not_found``)."""
    return _out(selectors.televisit_get(**reading(request), televisit_id=televisit_id))


@router.post("/televisits", response={201: TelevisitOut})
@api_perm(CONDUCT)
def schedule(request: HttpRequest, payload: ScheduleIn) -> Status[TelevisitOut]:
    """A televisit on an agenda booking. Refusals: ``booking_not_found``,
    ``booking_not_active``, ``booking_kind_not_visit``, ``clinician_unknown``,
    ``televisit_exists``."""
    visit = services.televisit_schedule(
        **acting(request), booking_id=payload.booking_id, clinician_id=payload.clinician_id
    )
    return Status(201, _out(visit))


@router.post("/consultations", response={201: TelevisitOut})
@api_perm(CONDUCT)
def consultation(request: HttpRequest, payload: ConsultationIn) -> Status[TelevisitOut]:
    """A teleconsultation asked of another physician. Refusals: ``clinician_unknown``,
    ``consultant_is_requester``, ``text_required``, ``text_invalid``."""
    visit = services.teleconsultation_request(
        **acting(request),
        patient_id=payload.patient_id,
        consultant_id=payload.consultant_id,
        question=payload.question,
        start=payload.start,
        minutes=payload.minutes,
    )
    return Status(201, _out(visit))


@router.post("/televisits/{televisit_id}/consent", response=TelevisitOut)
@api_perm(CONDUCT)
def consent(request: HttpRequest, televisit_id: int, payload: ConsentIn) -> TelevisitOut:
    """The patient's consent (``source``: patient, guardian, proxy). Refusals:
    ``consent_source_unknown``, ``consent_already_recorded``, ``televisit_not_scheduled``."""
    return _out(
        services.televisit_consent_record(
            **acting(request), televisit_id=televisit_id, source=payload.source
        )
    )


@router.post("/televisits/{televisit_id}/open", response=TelevisitOut)
@api_perm(CONDUCT)
def open_room(request: HttpRequest, televisit_id: int) -> TelevisitOut:
    """Open the room. Refusals: ``consent_required``, ``televisit_closed``."""
    return _out(services.televisit_open(**acting(request), televisit_id=televisit_id))


@router.post("/televisits/{televisit_id}/close", response=TelevisitOut)
@api_perm(CONDUCT)
def close_room(request: HttpRequest, televisit_id: int) -> TelevisitOut:
    """Close the room at the end (no message accepted after). Refusal: ``televisit_not_open``."""
    return _out(services.televisit_close(**acting(request), televisit_id=televisit_id))


@router.post("/televisits/{televisit_id}/cancel", response=TelevisitOut)
@api_perm(CONDUCT)
def cancel(request: HttpRequest, televisit_id: int, payload: CancelIn) -> TelevisitOut:
    """Cancel a televisit not yet opened, with a reason."""
    return _out(
        services.televisit_cancel(
            **acting(request), televisit_id=televisit_id, reason=payload.reason
        )
    )


@router.post("/televisits/{televisit_id}/report", response={201: ReportOut})
@api_perm(CONDUCT)
def report(request: HttpRequest, televisit_id: int, payload: ReportIn) -> Status[ReportOut]:
    """Sign the Referto di Televisita of a closed televisit. Refusals:
    ``televisit_not_closed``, ``report_already_signed``, ``report_not_applicable``."""
    signed = services.televisit_report_sign(
        **acting(request),
        televisit_id=televisit_id,
        history=payload.history,
        findings=payload.findings,
        conclusions=payload.conclusions,
    )
    return Status(
        201,
        ReportOut(
            televisit_id=televisit_id, document_id=signed.document_id, signed_at=signed.signed_at
        ),
    )


@router.post("/televisits/{televisit_id}/answer", response=TelevisitOut)
@api_perm(CONDUCT)
def answer(request: HttpRequest, televisit_id: int, payload: AnswerIn) -> TelevisitOut:
    """The consultant's answer to a teleconsultation. Refusal: ``already_answered``."""
    return _out(
        services.teleconsultation_answer(
            **acting(request), televisit_id=televisit_id, answer=payload.answer
        )
    )


_SIGNAL_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["room", "kind"],
                    "properties": {
                        "room": {"type": "string"},
                        "kind": {"enum": ["hello", "offer", "answer", "candidate", "bye"]},
                        "payload": {"type": "object"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/televisits/{televisit_id}/signal", response={201: SignalAck}, openapi_extra=_SIGNAL_BODY
)
@api_perm(VIEW)
def signal_post(request: HttpRequest, televisit_id: int) -> Status[SignalAck]:
    """One signalling message of the caller's side of the built-in room (stored, then
    acknowledged). Refusals: ``signal_too_large`` (413), ``signal_not_json``,
    ``signal_wrong_room``, ``signal_kind_unknown``, ``signal_payload_invalid``,
    ``televisit_not_open``, ``televisit_closed``; not a participant: ``televisit_not_found``."""
    who = rooms.staff_participant(user=request.user, televisit_id=televisit_id)
    message = services.signal_post(televisit_id=who.visit.pk, side=who.side, body=request.body)
    return Status(201, SignalAck(id=message.pk))


@router.get("/televisits/{televisit_id}/signal", response=PollOut)
@api_perm(VIEW)
def signal_poll(request: HttpRequest, televisit_id: int, after: int = 0) -> PollOut:
    """The other side's messages after ``after`` and the room's state."""
    who = rooms.staff_participant(user=request.user, televisit_id=televisit_id)
    poll = services.signal_poll(televisit_id=who.visit.pk, side=who.side, after=after)
    return PollOut(
        state=poll.state,
        messages=[SignalMessageOut(**m) for m in poll.messages],
        last_id=poll.last_id,
    )
