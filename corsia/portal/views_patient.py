"""The patient's pages: appointments, messages with the care team, released documents.
Everything is scoped to the signed-in patient: another patient's id is a 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from corsia.agenda.patient_bookings import patient_bookings
from corsia.core.domain.errors import CorsiaError, NotFound
from corsia.portal.access import PortalPatient, portal_login_required, portal_patient
from corsia.portal.domain.attachments import MAX_BYTES
from corsia.portal.domain.hours import hours_describe, within_hours
from corsia.portal.forms import MessageForm
from corsia.portal.selectors import patient_threads, thread_messages
from corsia.portal.services import activity_record
from corsia.portal.services.documents import released_document_content, released_documents
from corsia.portal.services.messages import (
    Upload,
    attachment_for_patient,
    message_send_by_patient,
    team_hours,
    thread_read_by_patient,
)


def _me(request: HttpRequest) -> PortalPatient:
    patient = portal_patient(request)
    assert patient is not None  # portal_login_required
    return patient


def _hours_context() -> dict[str, object]:
    hours = team_hours()
    return {
        "team_hours": hours_describe(hours),
        "team_open": within_hours(hours, timezone.localtime()),
        "urgent_phone": settings.CORSIA_PORTAL_URGENT_PHONE,
    }


@portal_login_required
def appointments(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    since = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    rows = patient_bookings(patient_id=me.patient_id, since=since)
    activity_record(account_id=me.account_id, patient_id=me.patient_id, action="appointments")
    return render(request, "portal/appointments.html", {"bookings": rows})


def _uploads(form: MessageForm) -> list[Upload]:
    file = form.cleaned_data.get("file")
    if not file:
        return []
    if file.size > MAX_BYTES:
        form.add_error("file", _("Il file allegato supera 5 MB."))
        return []
    return [Upload(name=file.name or "", content=file.read())]


def _send(
    request: HttpRequest, me: PortalPatient, form: MessageForm, thread_id: int | None
) -> HttpResponse | None:
    uploads = _uploads(form)
    if form.errors:
        return None
    try:
        sent = message_send_by_patient(
            account_id=me.account_id,
            patient_id=me.patient_id,
            thread_id=thread_id,
            subject=form.cleaned_data.get("subject", ""),
            body=form.cleaned_data["body"],
            uploads=uploads,
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except CorsiaError as error:
        form.add_error("file" if error.field == "file" else "body", error.message)
        return None
    if sent.out_of_hours:
        when = (
            timezone.localtime(sent.read_from).strftime("%d/%m/%Y %H:%M") if sent.read_from else ""
        )
        messages.warning(
            request,
            _(
                "Messaggio ricevuto e conservato, ma l'équipe ora non è in servizio: lo leggerà "
                "dalle %(when)s. Se hai sintomi urgenti (febbre, difficoltà a respirare, "
                "sanguinamento) non aspettare: chiama subito il %(phone)s."
            )
            % {"when": when, "phone": settings.CORSIA_PORTAL_URGENT_PHONE},
        )
    else:
        messages.success(
            request, _("Messaggio ricevuto: l'équipe lo leggerà in orario di servizio.")
        )
    return redirect("portal:thread", sent.message.thread_id)


@portal_login_required
def message_list(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = _send(request, me, form, None)
        if done is not None:
            return done
    activity_record(account_id=me.account_id, patient_id=me.patient_id, action="threads")
    return render(
        request,
        "portal/messages.html",
        {"threads": patient_threads(patient_id=me.patient_id), "form": form, **_hours_context()},
    )


@portal_login_required
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    me = _me(request)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = _send(request, me, form, thread_id)
        if done is not None:
            return done
    try:
        found = thread_read_by_patient(
            account_id=me.account_id, patient_id=me.patient_id, thread_id=thread_id
        )
    except NotFound as error:
        raise Http404(error.message) from error
    return render(
        request,
        "portal/thread.html",
        {
            "thread": found,
            "messages_list": thread_messages(found),
            "form": form,
            **_hours_context(),
        },
    )


@portal_login_required
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    me = _me(request)
    try:
        found = attachment_for_patient(
            account_id=me.account_id, patient_id=me.patient_id, attachment_id=attachment_id
        )
    except NotFound as error:
        raise Http404(error.message) from error
    return _file(found.content, found.media_type, found.filename)


def _file(content: bytes | memoryview, media_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@portal_login_required
def documents(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    rows = released_documents(account_id=me.account_id, patient_id=me.patient_id)
    return render(request, "portal/documents.html", {"documents": rows})


@portal_login_required
def document(request: HttpRequest, document_id: int) -> HttpResponse:
    me = _me(request)
    try:
        found, content = released_document_content(
            account_id=me.account_id, patient_id=me.patient_id, document_id=document_id
        )
    except NotFound as error:
        raise Http404(error.message) from error
    return _file(content, found.mime_type, found.filename)
