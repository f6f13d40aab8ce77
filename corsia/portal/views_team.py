"""The care team's side of the portal: the worklist (unread messages per patient, and the
items other modules register), a patient's thread with its reply, an attachment.
Staff pages: the staff's login and permissions; every read in the access log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError, NotFound
from corsia.core.web import acting, request_actor, request_workstation
from corsia.patients.selectors import patient_record
from corsia.portal.forms import ReplyForm
from corsia.portal.registry import worklist_items
from corsia.portal.selectors import thread_messages
from corsia.portal.services.messages import (
    REPLY_MESSAGE,
    VIEW_MESSAGES,
    attachment_for_team,
    message_send_by_team,
    thread_read_by_team,
)
from corsia.portal.views_patient import _file


@require_perm(VIEW_MESSAGES)
def worklist(request: HttpRequest) -> HttpResponse:
    items = worklist_items(user=request_actor(request))
    names: dict[int, str] = {}
    for item in items:
        if item.patient_id not in names:
            patient = patient_record(patient_id=item.patient_id)
            names[item.patient_id] = f"{patient.surname} {patient.given_names} · {patient.mrn}"
    rows = [(names[item.patient_id], item) for item in items]
    return render(request, "portal/team_worklist.html", {"rows": rows})


@require_perm(VIEW_MESSAGES)
def team_thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    user = request_actor(request)
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if not user.has_perm(REPLY_MESSAGE):
            form.add_error(None, _("Non hai il permesso di rispondere ai pazienti."))
        elif form.is_valid():
            try:
                message_send_by_team(
                    **acting(request), thread_id=thread_id, body=form.cleaned_data["body"]
                )
            except NotFound as error:
                raise Http404(error.message) from error
            except CorsiaError as error:
                form.add_error("body", error.message)
            else:
                messages.success(request, _("Risposta inviata al paziente."))
                return redirect("portal:team_thread", thread_id)
    try:
        found = thread_read_by_team(
            user=user, workstation=request_workstation(request), thread_id=thread_id
        )
    except NotFound as error:
        raise Http404(error.message) from error
    patient = patient_record(patient_id=found.patient_id)
    return render(
        request,
        "portal/team_thread.html",
        {
            "thread": found,
            "patient": patient,
            "messages_list": thread_messages(found),
            "form": form,
            "may_reply": user.has_perm(REPLY_MESSAGE),
        },
    )


@require_perm(VIEW_MESSAGES)
def team_attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    try:
        found = attachment_for_team(
            user=request_actor(request),
            workstation=request_workstation(request),
            attachment_id=attachment_id,
        )
    except NotFound as error:
        raise Http404(error.message) from error
    return _file(found.content, found.media_type, found.filename)
