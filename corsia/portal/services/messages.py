"""Messages between a patient and the care team: written in one transaction with their
attachments before the page says "sent" (never acknowledged and lost), read receipts, the
out-of-hours flag the patient is told about, the staff's reads in the access log."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients.selectors import patient_get
from corsia.portal.domain.attachments import MAX_PER_MESSAGE, attachment_check, safe_filename
from corsia.portal.domain.hours import hours_parse, next_opening, within_hours
from corsia.portal.models import Attachment, Message, Thread
from corsia.portal.services.accounts import activity_record

VIEW_MESSAGES = "portal.view_messages"
REPLY_MESSAGE = "portal.reply_message"
MAX_BODY = 4000


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


@dataclass(frozen=True)
class Sent:
    """What the patient is told once the message is stored."""

    message: Message
    out_of_hours: bool
    read_from: datetime | None  # when the team is next at work (out of hours)


def team_hours() -> tuple:  # type: ignore[type-arg]  # tuple[Opening, ...]
    return hours_parse(settings.CORSIA_PORTAL_TEAM_HOURS)


def _body(text: str) -> str:
    body = text.strip()
    if not body:
        raise ValidationFailed("Scrivi il messaggio.", code="body_required", field="body")
    if len(body) > MAX_BODY:
        raise ValidationFailed(
            f"Il messaggio supera {MAX_BODY} caratteri.", code="body_too_long", field="body"
        )
    return body


def _attach(message: Message, uploads: list[Upload]) -> None:
    if len(uploads) > MAX_PER_MESSAGE:
        raise ValidationFailed(
            f"Si possono allegare al massimo {MAX_PER_MESSAGE} file.",
            code="too_many_attachments",
            field="file",
        )
    for upload in uploads:
        kind = attachment_check(content=upload.content)
        Attachment.objects.create(
            message=message,
            filename=safe_filename(upload.name, kind),
            media_type=kind.media_type,
            size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
            content=upload.content,
        )


def message_send_by_patient(
    *,
    account_id: int,
    patient_id: int,
    body: str,
    thread_id: int | None = None,
    subject: str = "",
    uploads: list[Upload] | None = None,
    now: datetime | None = None,
) -> Sent:
    """The patient's message, in a new thread (``subject``) or their own ``thread_id``
    (another patient's: ``thread_not_found``), stored with its attachments at once."""
    now = now or timezone.now()
    text = _body(body)
    local = timezone.localtime(now)
    hours = team_hours()
    open_now = within_hours(hours, local)
    with transaction.atomic():
        if thread_id is None:
            title = subject.strip()[:120] or text[:60]
            thread = Thread.objects.create(
                patient_id=patient_id, subject=title, created_at=now, last_message_at=now
            )
        else:
            found = (
                Thread.objects.select_for_update()
                .filter(pk=thread_id, patient_id=patient_id)
                .first()
            )
            if found is None:
                raise NotFound("Conversazione non trovata.", code="thread_not_found")
            thread = found
            thread.last_message_at = now
            thread.save(update_fields=["last_message_at"])
        message = Message.objects.create(
            thread=thread, from_patient=True, body=text, sent_at=now, out_of_hours=not open_now
        )
        _attach(message, uploads or [])
        activity_record(
            account_id=account_id,
            patient_id=patient_id,
            action="message_sent",
            detail=f"messaggio {message.pk}, conversazione {thread.pk}",
        )
    return Sent(message, not open_now, None if open_now else next_opening(hours, local))


def thread_read_by_patient(*, account_id: int, patient_id: int, thread_id: int) -> Thread:
    """The patient's own thread (another's: ``thread_not_found``); the team's messages in it
    marked read by the patient."""
    with transaction.atomic():
        thread = Thread.objects.filter(pk=thread_id, patient_id=patient_id).first()
        if thread is None:
            raise NotFound("Conversazione non trovata.", code="thread_not_found")
        Message.objects.filter(thread=thread, from_patient=False, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        activity_record(
            account_id=account_id,
            patient_id=patient_id,
            action="thread_read",
            detail=f"conversazione {thread.pk}",
        )
    return thread


def _staff_thread(user: User, thread_id: int) -> Thread:
    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is None:
        raise NotFound("Conversazione non trovata.", code="thread_not_found")
    patient_get(user=user, patient_id=thread.patient_id)  # the care scope: not found
    return thread


def thread_read_by_team(*, user: User, workstation: Workstation, thread_id: int) -> Thread:
    """A member of the team opens a patient's thread: logged in the access log; the
    patient's unread messages get their read receipt."""
    require_permission(user, VIEW_MESSAGES)
    thread = _staff_thread(user, thread_id)
    with transaction.atomic():
        Message.objects.filter(thread=thread, from_patient=True, read_at__isnull=True).update(
            read_at=timezone.now(), read_by=user
        )
        access_log_record(
            user=user,
            patient_id=thread.patient_id,
            what=f"portale: conversazione {thread.pk}",
            workstation=workstation,
        )
    return thread


def message_send_by_team(
    *, actor: User, workstation: Workstation, thread_id: int, body: str
) -> Message:
    require_permission(actor, REPLY_MESSAGE)
    text = _body(body)
    thread = _staff_thread(actor, thread_id)
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        now = timezone.now()
        message = Message.objects.create(
            thread=locked, from_patient=False, author_user=actor, body=text, sent_at=now
        )
        locked.last_message_at = now
        locked.save(update_fields=["last_message_at"])
        # answering is reading: the patient's messages before it are read
        Message.objects.filter(thread=locked, from_patient=True, read_at__isnull=True).update(
            read_at=now, read_by=actor
        )
    return message


def attachment_for_patient(*, account_id: int, patient_id: int, attachment_id: int) -> Attachment:
    found = Attachment.objects.filter(
        pk=attachment_id, message__thread__patient_id=patient_id
    ).first()
    if found is None:
        raise NotFound("Allegato non trovato.", code="attachment_not_found")
    activity_record(
        account_id=account_id,
        patient_id=patient_id,
        action="attachment_read",
        detail=f"allegato {found.pk}",
    )
    return found


def attachment_for_team(*, user: User, workstation: Workstation, attachment_id: int) -> Attachment:
    require_permission(user, VIEW_MESSAGES)
    found = Attachment.objects.select_related("message__thread").filter(pk=attachment_id).first()
    if found is None:
        raise NotFound("Allegato non trovato.", code="attachment_not_found")
    patient_id = found.message.thread.patient_id
    patient_get(user=user, patient_id=patient_id)
    access_log_record(
        user=user,
        patient_id=patient_id,
        what=f"portale: allegato {found.pk}",
        workstation=workstation,
    )
    return found
