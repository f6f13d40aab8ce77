"""The patient's own API: ``/api/v1/portal/me/...``, authenticated by a portal token
(``Authorization: Bearer``, granted to a signed-in portal session at ``POST
/portale/token/``), never a staff token or session. The same services, scoping and
activity log as the pages: a patient reads and writes only their own rows, another
patient's ids answer 404 (like ids that do not exist); refusals are problem+json.

Declared ``public`` for the staff's permission matrix (no staff permission applies: the
portal token decides). No ``from __future__ import annotations`` (ninja)."""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from corsia.agenda.patient_bookings import patient_bookings
from corsia.core.access import public
from corsia.portal.access import PortalBearerAuth, api_patient
from corsia.portal.selectors import patient_threads, thread_messages
from corsia.portal.services import activity_record
from corsia.portal.services.documents import released_documents
from corsia.portal.services.messages import message_send_by_patient, thread_read_by_patient

router = Router(tags=["portal (patient)"], auth=PortalBearerAuth())


class AppointmentOut(Schema):
    booking_id: int
    agenda: str
    kind: str
    arrival_at: datetime
    start_at: datetime
    end_at: datetime
    state: str
    blood_tests: str


class ThreadOut(Schema):
    id: int
    subject: str
    last_message_at: datetime
    unread: int


class MessageOut(Schema):
    id: int
    from_patient: bool
    author: str
    body: str
    sent_at: datetime
    out_of_hours: bool
    read_at: datetime | None


class ThreadDetailOut(Schema):
    id: int
    subject: str
    messages: list[MessageOut]


class MessageIn(Schema):
    body: str = Field(min_length=1, max_length=5000)
    subject: str = Field(default="", max_length=120)


class SentOut(Schema):
    message_id: int
    thread_id: int
    out_of_hours: bool
    read_from: datetime | None


class DocumentOut(Schema):
    id: int
    title: str
    kind: str
    created_at: datetime
    filename: str
    mime_type: str
    size: int
    signed: bool


@router.get("/me/appointments", response=list[AppointmentOut])
@public
def my_appointments(request: HttpRequest) -> list[AppointmentOut]:
    """The patient's appointments from today on (not cancelled), like the page."""
    me = api_patient(request)
    since = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    rows = patient_bookings(patient_id=me.patient_id, since=since)
    activity_record(
        account_id=me.account_id, patient_id=me.patient_id, action="appointments", detail="api"
    )
    return [
        AppointmentOut(
            booking_id=r.booking_id,
            agenda=r.agenda_name,
            kind=r.booking_name,
            arrival_at=r.arrival_at,
            start_at=r.start_at,
            end_at=r.end_at,
            state=r.state,
            blood_tests=r.blood_tests,
        )
        for r in rows
    ]


@router.get("/me/threads", response=list[ThreadOut])
@public
def my_threads(request: HttpRequest) -> list[ThreadOut]:
    """The patient's threads with the care team, newest first, with the team's unread."""
    me = api_patient(request)
    activity_record(
        account_id=me.account_id, patient_id=me.patient_id, action="threads", detail="api"
    )
    return [
        ThreadOut(
            id=row.thread.pk,
            subject=row.thread.subject,
            last_message_at=row.thread.last_message_at,
            unread=row.unread,
        )
        for row in patient_threads(patient_id=me.patient_id)
    ]


def _author(message: object) -> str:
    user = getattr(message, "author_user", None)
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


@router.get("/me/threads/{thread_id}", response=ThreadDetailOut)
@public
def my_thread(request: HttpRequest, thread_id: int) -> ThreadDetailOut:
    """One thread of the patient's; reading it marks the team's messages read (the
    team's read receipt). Another patient's: ``thread_not_found`` 404."""
    me = api_patient(request)
    thread = thread_read_by_patient(
        account_id=me.account_id, patient_id=me.patient_id, thread_id=thread_id
    )
    return ThreadDetailOut(
        id=thread.pk,
        subject=thread.subject,
        messages=[
            MessageOut(
                id=m.pk,
                from_patient=m.from_patient,
                author=_author(m),
                body=m.body,
                sent_at=m.sent_at,
                out_of_hours=m.out_of_hours,
                read_at=m.read_at,
            )
            for m in thread_messages(thread)
        ],
    )


def _sent(request: HttpRequest, payload: MessageIn, thread_id: int | None) -> Status[SentOut]:
    me = api_patient(request)
    sent = message_send_by_patient(
        account_id=me.account_id,
        patient_id=me.patient_id,
        body=payload.body,
        thread_id=thread_id,
        subject=payload.subject,
    )
    return Status(
        201,
        SentOut(
            message_id=sent.message.pk,
            thread_id=sent.message.thread_id,
            out_of_hours=sent.out_of_hours,
            read_from=sent.read_from,
        ),
    )


@router.post("/me/threads", response={201: SentOut})
@public
def my_thread_start(request: HttpRequest, payload: MessageIn) -> Status[SentOut]:
    """A new thread with its first message, stored before the answer. Out of the team's
    hours: ``out_of_hours`` true and ``read_from`` when the team is next at work."""
    return _sent(request, payload, None)


@router.post("/me/threads/{thread_id}/messages", response={201: SentOut})
@public
def my_message_send(request: HttpRequest, thread_id: int, payload: MessageIn) -> Status[SentOut]:
    """A message in one of the patient's threads (another's: ``thread_not_found`` 404)."""
    return _sent(request, payload, thread_id)


@router.get("/me/documents", response=list[DocumentOut])
@public
def my_documents(request: HttpRequest) -> list[DocumentOut]:
    """The documents the hospital released to the patient (the file: the page
    ``/portale/documenti/<id>/``)."""
    me = api_patient(request)
    return [
        DocumentOut(
            id=d.document_id,
            title=d.title,
            kind=d.kind,
            created_at=d.created_at,
            filename=d.filename,
            mime_type=d.mime_type,
            size=d.size,
            signed=d.signed,
        )
        for d in released_documents(account_id=me.account_id, patient_id=me.patient_id)
    ]
