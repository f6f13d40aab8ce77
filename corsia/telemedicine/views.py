"""Pages of telemedicine: the clinician's televisits (schedule one on a booking, request a
teleconsultation), one televisit (consent, room, close, report, answer), the patient's
room through their personal link; and the built-in room's signalling endpoints (JSON).
Thin: parse, call the service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from corsia.accounts.domain.roles import Role
from corsia.accounts.selectors import users_in_role
from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError, NotFound
from corsia.core.web import acting, posted_int, posted_moment, request_actor, viewing
from corsia.portal.access import portal_login_required, portal_patient
from corsia.portal.services import activity_record
from corsia.telemedicine import rooms, selectors, services
from corsia.telemedicine.domain.signalling import Side
from corsia.telemedicine.domain.states import (
    CONSENT_SOURCES,
    CONSENT_TEXT_IT,
    CONSENT_VERSION,
    KIND_LABELS_IT,
    STATE_LABELS_IT,
    VisitKind,
    VisitState,
)
from corsia.telemedicine.models import Televisit
from corsia.telemedicine.permissions import CONDUCT, VIEW

NUMBER = "Valore numerico non valido."


def _refused(request: HttpRequest, error: CorsiaError) -> None:
    if error.status == 404:
        raise Http404
    messages.error(request, error.message)


@require_perm(VIEW)
def home(request: HttpRequest) -> HttpResponse:
    rows = selectors.my_televisits(**viewing(request))
    return render(
        request,
        "telemedicine/home.html",
        {
            "rows": [
                (v, KIND_LABELS_IT[VisitKind(v.kind)], STATE_LABELS_IT[VisitState(v.state)])
                for v in rows
            ],
            "physicians": users_in_role(role=Role.PHYSICIAN),
            "may_conduct": request.user.has_perm(CONDUCT),
        },
    )


@require_perm(CONDUCT)
@require_POST
def schedule(request: HttpRequest) -> HttpResponse:
    try:
        booking_id = posted_int(request.POST.get("booking_id"), 0, "booking_id", NUMBER)
        clinician_id = posted_int(request.POST.get("clinician_id"), 0, "clinician_id", NUMBER)
        visit = services.televisit_schedule(
            **acting(request), booking_id=booking_id, clinician_id=clinician_id
        )
    except CorsiaError as error:
        if error.status == 404:
            messages.error(request, error.message)
            return redirect("telemedicine:home")
        _refused(request, error)
        return redirect("telemedicine:home")
    messages.success(
        request,
        "Televisita programmata: il paziente la trova nel portale del paziente (Televisite).",
    )
    return redirect("telemedicine:visit", visit.pk)


@require_perm(CONDUCT)
@require_POST
def consultation_request(request: HttpRequest) -> HttpResponse:
    try:
        patient_id = posted_int(request.POST.get("patient_id"), 0, "patient_id", NUMBER)
        consultant_id = posted_int(request.POST.get("consultant_id"), 0, "consultant_id", NUMBER)
        start = posted_moment(request.POST.get("start"), "start") or timezone.now()
        visit = services.teleconsultation_request(
            **acting(request),
            patient_id=patient_id,
            consultant_id=consultant_id,
            question=request.POST.get("question", ""),
            start=start,
        )
    except CorsiaError as error:
        messages.error(request, error.message)
        return redirect("telemedicine:home")
    messages.success(request, "Teleconsulto richiesto.")
    return redirect("telemedicine:visit", visit.pk)


def _visit_context(request: HttpRequest, visit: Televisit) -> dict[str, Any]:
    user = request_actor(request)
    side = Side.HOST if visit.clinician_id == user.pk else Side.GUEST
    jitsi = ""
    if visit.state == VisitState.OPEN.value and rooms.jitsi_configured():
        jitsi = rooms.jitsi_room_url(
            visit,
            user_id=f"user-{user.pk}",
            display_name=user.get_full_name() or user.username,
            moderator=side is Side.HOST,
        )
    return {
        "visit": visit,
        "kind_label": KIND_LABELS_IT[VisitKind(visit.kind)],
        "state_label": STATE_LABELS_IT[VisitState(visit.state)],
        "is_host": side is Side.HOST,
        "may_conduct": request.user.has_perm(CONDUCT),
        "consent_sources": CONSENT_SOURCES.items(),
        "consent_text": CONSENT_TEXT_IT,
        "consent_version": CONSENT_VERSION,
        "report": selectors.report_of(visit),
        "jitsi_url": jitsi,
        "room": {
            "signal_url": reverse("telemedicine:signal", args=[visit.pk]),
            "side": side.value,
            "room": visit.room_name,
            "ice": rooms.ice_servers_json(),
            "after": selectors.last_signal_id(visit) if side is Side.GUEST else 0,
        },
    }


@require_perm(VIEW)
def visit_page(request: HttpRequest, televisit_id: int) -> HttpResponse:
    try:
        visit = selectors.televisit_get(**viewing(request), televisit_id=televisit_id)
    except CorsiaError as error:
        raise Http404 from error
    return render(request, "telemedicine/visit.html", _visit_context(request, visit))


def _act(request: HttpRequest, televisit_id: int, action: str) -> HttpResponse:
    try:
        if action == "consent":
            services.televisit_consent_record(
                **acting(request), televisit_id=televisit_id, source=request.POST.get("source", "")
            )
            messages.success(request, "Consenso registrato.")
        elif action == "open":
            services.televisit_open(**acting(request), televisit_id=televisit_id)
        elif action == "close":
            services.televisit_close(**acting(request), televisit_id=televisit_id)
            messages.success(request, "Televisita conclusa: stanza chiusa.")
        elif action == "cancel":
            services.televisit_cancel(
                **acting(request), televisit_id=televisit_id, reason=request.POST.get("reason", "")
            )
            messages.success(request, "Televisita annullata.")
        elif action == "report":
            services.televisit_report_sign(
                **acting(request),
                televisit_id=televisit_id,
                history=request.POST.get("history", ""),
                findings=request.POST.get("findings", ""),
                conclusions=request.POST.get("conclusions", ""),
            )
            messages.success(request, "Referto di televisita firmato e archiviato.")
        elif action == "answer":
            services.teleconsultation_answer(
                **acting(request), televisit_id=televisit_id, answer=request.POST.get("answer", "")
            )
            messages.success(request, "Risposta al teleconsulto registrata.")
    except CorsiaError as error:
        _refused(request, error)
    return redirect("telemedicine:visit", televisit_id)


@require_perm(CONDUCT)
@require_POST
def consent(request: HttpRequest, televisit_id: int) -> HttpResponse:
    return _act(request, televisit_id, "consent")


@require_perm(CONDUCT)
@require_POST
def open_room(request: HttpRequest, televisit_id: int) -> HttpResponse:
    return _act(request, televisit_id, "open")


@require_perm(CONDUCT)
@require_POST
def close_room(request: HttpRequest, televisit_id: int) -> HttpResponse:
    return _act(request, televisit_id, "close")


@require_perm(CONDUCT)
@require_POST
def cancel(request: HttpRequest, televisit_id: int) -> HttpResponse:
    return _act(request, televisit_id, "cancel")


@require_perm(CONDUCT)
@require_POST
def report(request: HttpRequest, televisit_id: int) -> HttpResponse:
    return _act(request, televisit_id, "report")


@require_perm(CONDUCT)
@require_POST
def answer(request: HttpRequest, televisit_id: int) -> HttpResponse:
    return _act(request, televisit_id, "answer")


# --- signalling (JSON) ---------------------------------------------------------------------


def _problem(error: CorsiaError) -> JsonResponse:
    response = JsonResponse(
        {"title": error.message, "status": error.status, "code": error.code}, status=error.status
    )
    response["Content-Type"] = "application/problem+json"
    return response


def _signal(request: HttpRequest, participant: rooms.Participant) -> JsonResponse:
    try:
        if request.method == "POST":
            message = services.signal_post(
                televisit_id=participant.visit.pk, side=participant.side, body=request.body
            )
            return JsonResponse({"id": message.pk}, status=201)
        after = posted_int(request.GET.get("after"), 0, "after", NUMBER)
        poll = services.signal_poll(
            televisit_id=participant.visit.pk, side=participant.side, after=after
        )
    except CorsiaError as error:
        return _problem(error)
    return JsonResponse({"state": poll.state, "messages": poll.messages, "last_id": poll.last_id})


@require_http_methods(["GET", "POST"])
@require_perm(VIEW)
def signal(request: HttpRequest, televisit_id: int) -> JsonResponse:
    """The clinician's (or consultant's) side of the room; anyone else: 404."""
    try:
        participant = rooms.staff_participant(user=request.user, televisit_id=televisit_id)
    except CorsiaError as error:
        return _problem(error)
    return _signal(request, participant)


# --- the patient's side, in the patient portal -------------------------------------------


def _portal_participant(request: HttpRequest, televisit_id: int) -> rooms.Participant:
    patient = portal_patient(request)
    if patient is None:  # portal_login_required let nobody else in
        raise Http404
    try:
        return rooms.patient_participant(patient_id=patient.patient_id, televisit_id=televisit_id)
    except CorsiaError as error:
        raise Http404 from error


@portal_login_required
@require_http_methods(["GET"])
def portal_list(request: HttpRequest) -> HttpResponse:
    """The signed-in patient's televisits."""
    patient = portal_patient(request)
    assert patient is not None
    activity_record(
        account_id=patient.account_id, patient_id=patient.patient_id, action="televisit_list"
    )
    rows = rooms.patient_televisits(patient_id=patient.patient_id)
    return render(
        request,
        "telemedicine/portal_list.html",
        {"rows": [(v, STATE_LABELS_IT[VisitState(v.state)]) for v in rows]},
    )


@portal_login_required
@require_http_methods(["GET"])
def portal_room(request: HttpRequest, televisit_id: int) -> HttpResponse:
    """The patient's room: their camera and the clinician's."""
    participant = _portal_participant(request, televisit_id)
    patient = portal_patient(request)
    assert patient is not None
    activity_record(
        account_id=patient.account_id,
        patient_id=patient.patient_id,
        action="televisit_room",
        detail=str(televisit_id),
    )
    visit = participant.visit
    jitsi = ""
    if visit.state == VisitState.OPEN.value and rooms.jitsi_configured():
        jitsi = rooms.jitsi_room_url(
            visit,
            user_id=f"patient-{visit.patient_id}",
            display_name=patient.display_name,
            moderator=False,
        )
    return render(
        request,
        "telemedicine/patient_room.html",
        {
            "visit": visit,
            "state_label": STATE_LABELS_IT[VisitState(visit.state)],
            "jitsi_url": jitsi,
            "room": {
                "signal_url": reverse("telemedicine:portal_signal", args=[visit.pk]),
                "side": Side.GUEST.value,
                "room": visit.room_name,
                "ice": rooms.ice_servers_json(),
                "after": selectors.last_signal_id(visit),
            },
        },
    )


@portal_login_required
@require_http_methods(["GET", "POST"])
def portal_signal(request: HttpRequest, televisit_id: int) -> JsonResponse:
    """The patient's side of the room (portal session); another patient's televisit: 404."""
    patient = portal_patient(request)
    try:
        if patient is None:
            raise NotFound("Televisita inesistente.", code="televisit_not_found")
        participant = rooms.patient_participant(
            patient_id=patient.patient_id, televisit_id=televisit_id
        )
    except CorsiaError as error:
        return _problem(error)
    return _signal(request, participant)
