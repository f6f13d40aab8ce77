"""The agenda's organisation and set-up pages (coordinators): opening hours and shifts,
closed days, the nurses on duty with their real shift and breaks; booking types, places,
the CUP's services. Thin: each form calls the service the
API calls (``services.organisation``), with the same permission; a refusal is shown in
Italian at the top of the page and nothing is written."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from corsia.agenda import selectors, services
from corsia.agenda.domain.calendar import WEEKDAYS_IT
from corsia.agenda.forms import BookingTypeForm, CupMappingForm
from corsia.agenda.models import BookingType
from corsia.agenda.permissions import MANAGE
from corsia.agenda.views import _time, ward_places
from corsia.core.access import require_perm
from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import ValidationFailed
from corsia.core.refusals import form_refusals, refusals_as_messages
from corsia.core.web import (
    parse_id,
    posted_date,
    posted_version,
    request_actor,
    request_workstation,
)

BREAKS_ON_THE_PAGE = 2  # the form's break rows (the API takes up to four)


@require_perm(MANAGE)
def organisation_page(request: HttpRequest, agenda_id: int) -> HttpResponse:
    org = selectors.agenda_organisation(user=request_actor(request), agenda_id=agenda_id)
    done = False
    if request.method == "POST":
        with refusals_as_messages(request):
            _organise(request, agenda_id)
            messages.success(request, _("Organizzazione aggiornata."))
            done = True
        if done or request.POST.get("action") != "nurse":
            return redirect("agenda:organisation", agenda_id=agenda_id)
    # a refused nurse form comes back with what was typed (nothing to type again)
    posted = request.POST if request.method == "POST" else {}
    today = timezone.localdate()
    return render(
        request,
        "agenda/organisation.html",
        {
            "org": org,
            "weekdays": list(enumerate(WEEKDAYS_IT)),
            "nurses": selectors.nurse_choices(),
            "on_duty": selectors.nurses_on_duty_between(
                org.agenda, today, today + timedelta(days=13)
            ),
            "posted": posted,
            "break_rows": [
                (
                    suffix,
                    n,
                    posted.get(f"break_start{suffix}", ""),
                    posted.get(f"break_end{suffix}", ""),
                )
                for suffix, n in [("", 1), ("_2", 2)][:BREAKS_ON_THE_PAGE]
            ],
        },
        status=422 if posted else 200,
    )


def _breaks(request: HttpRequest) -> list[tuple[time | None, time | None]]:
    return [
        (
            _time(request.POST.get(f"break_start{suffix}"), f"break_start{suffix}"),
            _time(request.POST.get(f"break_end{suffix}"), f"break_end{suffix}"),
        )
        for suffix in ("", "_2")
    ]


def _organise(request: HttpRequest, agenda_id: int) -> None:
    actor, workstation = request_actor(request), request_workstation(request)
    action = request.POST.get("action")
    if action == "hours":
        weekday = parse_id(request.POST.get("weekday"))
        opens, closes = (
            _time(request.POST.get("opens"), "opens"),
            _time(request.POST.get("closes"), "closes"),
        )
        services.hours_set(
            actor=actor,
            workstation=workstation,
            agenda_id=agenda_id,
            weekday=-1 if weekday is None else weekday,
            shifts=[(opens, closes, request.POST.get("shift", ""))] if opens and closes else [],
        )
    elif action in {"close", "reopen"}:
        services.closed_day_set(
            actor=actor,
            workstation=workstation,
            agenda_id=agenda_id,
            day=posted_date(request.POST.get("day"), "day") or timezone.localdate(),
            reason=request.POST.get("reason", ""),
            closed=action == "close",
        )
    elif action == "nurse":
        on_duty = request.POST.get("on_duty", "1") == "1"
        services.nurse_on_duty_set(
            actor=actor,
            workstation=workstation,
            agenda_id=agenda_id,
            day=posted_date(request.POST.get("day"), "day") or timezone.localdate(),
            nurse_id=parse_id(request.POST.get("nurse")) or 0,
            shift=request.POST.get("shift", ""),
            on_duty=on_duty,
            starts_at=_time(request.POST.get("starts_at"), "starts_at") if on_duty else None,
            ends_at=_time(request.POST.get("ends_at"), "ends_at") if on_duty else None,
            breaks=_breaks(request) if on_duty else (),
        )
    else:
        raise ValidationFailed("Azione sconosciuta.", code="action_unknown")


# --- the set-up: booking types, places, the CUP's services (coordinators) -------------------


def _type_initial(t: BookingType) -> dict[str, Any]:
    return {
        **{f: getattr(t, f) for f in BookingTypeForm.base_fields if f != "expected_version"},
        "expected_version": t.version,
    }


@require_perm(MANAGE)
def setup_page(request: HttpRequest, agenda_id: int) -> HttpResponse:
    """Booking types (create, edit, deactivate), the ward's places on or off the agenda and
    the CUP's services → booking types: an agenda configured without the Django admin."""
    actor, workstation = request_actor(request), request_workstation(request)
    org = selectors.agenda_organisation(user=actor, agenda_id=agenda_id)
    editing = next(
        (t for t in org.booking_types if t.pk == parse_id(request.GET.get("type"))), None
    )
    type_form = BookingTypeForm(
        request.POST if request.POST.get("action") == "type" else None,
        initial=_type_initial(editing) if editing else None,
    )
    types = [(t.pk, f"{t.name} ({t.code})") for t in org.booking_types if t.is_active]
    cup_form = CupMappingForm(
        request.POST if request.POST.get("action") == "cup" else None, types=types
    )
    if request.method == "POST":
        action = request.POST.get("action")
        form = type_form if action == "type" else cup_form if action == "cup" else None
        if form is None:
            with refusals_as_messages(request):
                _set_up(request, agenda_id)
                messages.success(request, _("Configurazione aggiornata."))
            return redirect("agenda:setup", agenda_id=agenda_id)
        if form.is_valid():
            with form_refusals(form, rename={"booking_type_id": "booking_type"}):
                _set_up_form(actor, workstation, agenda_id, action or "", form.cleaned_data)
                messages.success(request, _("Configurazione aggiornata."))
                return redirect("agenda:setup", agenda_id=agenda_id)
    on_agenda = {p.place_id for p in org.places}
    return render(
        request,
        "agenda/setup.html",
        {
            "org": org,
            "agenda": org.agenda,
            "type_form": type_form,
            "editing": editing,
            "cup_form": cup_form,
            "ward_places": [(p, p.pk in on_agenda) for p in ward_places(org.agenda.ward_id)],
        },
        status=422 if request.method == "POST" else 200,
    )


def _set_up_form(
    actor: User, workstation: Workstation, agenda_id: int, action: str, data: dict[str, Any]
) -> None:
    if action == "type":
        values = {k: v for k, v in data.items() if k != "expected_version"}
        services.booking_type_set(
            actor=actor,
            workstation=workstation,
            agenda_id=agenda_id,
            data=services.BookingTypeInput(**values),
            expected_version=data["expected_version"],
        )
    else:
        services.cup_mapping_set(
            actor=actor,
            workstation=workstation,
            agenda_id=agenda_id,
            data=services.CupMappingInput(
                service_code=data["service_code"],
                booking_type_id=data["booking_type"],
                system=data["system"],
                location_code=data["location_code"],
            ),
            replaces_id=data["replaces"],
        )


def _set_up(request: HttpRequest, agenda_id: int) -> None:
    """The page's buttons: a booking type on or off, a place on or off, a CUP service off."""
    actor, workstation = request_actor(request), request_workstation(request)
    action = request.POST.get("action")
    if action == "type_active":
        org = selectors.agenda_organisation(user=actor, agenda_id=agenda_id)
        row = next((t for t in org.booking_types if t.pk == parse_id(request.POST.get("id"))), None)
        if row is None:
            raise ValidationFailed(
                "Tipo di prenotazione inesistente.", code="booking_type_not_found"
            )
        values = {k: v for k, v in _type_initial(row).items() if k != "expected_version"}
        services.booking_type_set(
            actor=actor,
            workstation=workstation,
            agenda_id=agenda_id,
            data=services.BookingTypeInput(
                **{**values, "is_active": request.POST.get("on") == "1"}
            ),
            expected_version=posted_version(request) or 0,
        )
    elif action in ("place", "cup_off"):
        row_id = parse_id(request.POST.get("place" if action == "place" else "id")) or 0
        if action == "place":
            on = request.POST.get("on") == "1"
            services.agenda_place_set(
                actor=actor,
                workstation=workstation,
                agenda_id=agenda_id,
                place_id=row_id,
                active=on,
            )
        else:
            services.cup_mapping_deactivate(
                actor=actor, workstation=workstation, agenda_id=agenda_id, mapping_id=row_id
            )
    else:
        raise ValidationFailed("Azione sconosciuta.", code="action_unknown")
