"""The agenda's pages: the day as a timeline per chair and bed (keyboard moves), the week,
the call-in list (print and CSV), a booking, booking and the organisation. Thin: each page
calls the selector or service the API calls, with the same permission."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.agenda import selectors, services
from corsia.agenda.domain.calendar import WEEKDAYS_IT
from corsia.agenda.models import Booking
from corsia.agenda.permissions import BOOK, REMIND, VIEW
from corsia.agenda.prints import call_in_print
from corsia.agenda.tasks import reminders_defer
from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.refusals import refusals_as_messages
from corsia.core.web import (
    acting,
    parse_id,
    posted_date,
    posted_version,
    request_actor,
    request_workstation,
    viewing,
)
from corsia.patients.selectors import patient_by_mrn, patient_search, places

TIME_UNREADABLE = "Orario non valido (hh:mm)."


def _day(request: HttpRequest, name: str = "day") -> date:
    """The day asked for in the query (today when none); an unreadable or absurd one is
    refused with a message and today shown."""
    raw = request.GET.get(name, "")
    try:
        day = posted_date(raw, name) or timezone.localdate()
        return selectors.day_in_range(day)
    except ValidationFailed as refused:
        messages.error(request, refused.message)
        return timezone.localdate()


def _time(raw: str | None, field: str) -> time | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        hours, minutes = text.split(":")[:2]
        if not (hours.isdigit() and minutes.isdigit() and len(hours) <= 2 and len(minutes) == 2):
            raise ValueError
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValidationFailed(TIME_UNREADABLE, code="time_invalid", field=field) from None


def _back(request: HttpRequest, agenda_id: int, day: date, anchor: str = "") -> HttpResponse:
    url = reverse("agenda:day", args=[agenda_id]) + f"?day={day.isoformat()}"
    return redirect(url + (f"#{anchor}" if anchor else ""))


@require_perm(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    agendas = selectors.agendas_list(user=request_actor(request))
    if len(agendas) == 1:
        return redirect("agenda:day", agenda_id=agendas[0].pk)
    return render(request, "agenda/index.html", {"agendas": agendas})


def _grid(view: selectors.DayView) -> dict[str, object]:
    """Columns of the timeline: one per slot from opening to closing (07:00–19:00 when the
    day is closed), and each booking's column span and row."""
    slot = view.agenda.slot_minutes
    opens = view.opens or time(7)
    closes = view.closes or time(19)
    start = datetime.combine(view.day, opens)
    first = min(
        [timezone.localtime(b.start_at).replace(tzinfo=None) for b in view.active] + [start]
    )
    first = first.replace(minute=first.minute - first.minute % slot, second=0, microsecond=0)
    end = max(
        [timezone.localtime(b.end_at).replace(tzinfo=None) for b in view.active]
        + [datetime.combine(view.day, closes)]
    )
    columns = max(1, int((end - first).total_seconds() // 60 // slot) + 1)
    ticks = []
    for i in range(0, columns, max(1, 60 // slot)):
        ticks.append(
            {"col": i + 2, "label": (first + timedelta(minutes=i * slot)).strftime("%H:%M")}
        )
    blocks = []
    for row_index, row in enumerate(view.rows):
        for b in row.bookings:
            s = timezone.localtime(b.start_at).replace(tzinfo=None)
            e = timezone.localtime(b.end_at).replace(tzinfo=None)
            blocks.append(
                {
                    "id": b.pk,
                    "row": row_index + 2,
                    "start": int((s - first).total_seconds() // 60 // slot) + 2,
                    "end": max(
                        int((s - first).total_seconds() // 60 // slot) + 3,
                        int(-(-(e - first).total_seconds() // 60 // slot)) + 2,
                    ),
                }
            )
    return {"columns": columns, "ticks": ticks, "blocks": blocks, "first": first}


@require_perm(VIEW)
def day_page(request: HttpRequest, agenda_id: int) -> HttpResponse:
    day = _day(request)
    view = selectors.day_view(**viewing(request), agenda_id=agenda_id, day=day)
    return render(
        request,
        "agenda/day.html",
        {
            "view": view,
            "grid": _grid(view),
            "places": [r for r in view.rows if r.place_id is not None],
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "weekday": WEEKDAYS_IT[day.weekday()],
            "may_book": request.user.has_perm(BOOK),
            "booking_types": view.agenda.booking_types.filter(is_active=True).order_by("name"),
            **_picker(request),
        },
    )


def _picker(request: HttpRequest) -> dict[str, object]:
    """The booking form's patient picker, a plain search step (no script needed): the
    text searched (name, MRN, codice fiscale) through the registry's own search, which
    logs the read of each patient found and keeps to the user's scope."""
    text = request.GET.get("patient_q", "").strip()[:80]
    if not text or not request.user.has_perm(BOOK):
        return {"patient_q": text, "found": None}
    found = patient_search(
        **viewing(request),
        text=text,
    )
    return {"patient_q": text, "found": found[:20]}


def ward_places(ward_id: int) -> list[Any]:
    """The beds and chairs of the agenda's ward (patients' public read)."""
    return [p for p in places() if p.ward_id == ward_id]


@require_perm(VIEW)
def week_page(request: HttpRequest, agenda_id: int) -> HttpResponse:
    day = _day(request)
    monday = day - timedelta(days=day.weekday())
    days = selectors.week_view(**viewing(request), agenda_id=agenda_id, first=monday)
    return render(
        request,
        "agenda/week.html",
        {
            "agenda": selectors.agenda_get(user=request_actor(request), agenda_id=agenda_id),
            "days": [(d, WEEKDAYS_IT[d.day.weekday()]) for d in days],
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
        },
    )


@require_perm(VIEW)
def call_in_page(request: HttpRequest, agenda_id: int) -> HttpResponse:
    day = _day(request)
    agenda, rows = selectors.call_in_list(**viewing(request), agenda_id=agenda_id, day=day)
    return render(
        request,
        "agenda/call_in.html",
        {"agenda": agenda, "day": day, "rows": rows, "weekday": WEEKDAYS_IT[day.weekday()]},
    )


@require_perm(VIEW)
def call_in_pdf(request: HttpRequest, agenda_id: int) -> HttpResponse:
    """The call-in list printed through the editable template ``call_in_list`` and archived
    with its template version (``documents``); the PDF answered is the stored one."""
    day = _day(request)
    document = call_in_print(**acting(request), agenda_id=agenda_id, day=day)
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="convocazioni-{agenda_id}-{day.isoformat()}.pdf"'
    )
    response["X-Corsia-Document"] = str(document.pk)
    return response


@require_perm(VIEW)
def call_in_csv(request: HttpRequest, agenda_id: int) -> HttpResponse:
    day = _day(request)
    agenda, rows = selectors.call_in_list(
        user=request_actor(request),
        agenda_id=agenda_id,
        day=day,
        workstation=request_workstation(request),
        channel="export",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="convocazioni-{agenda.code}-{day.isoformat()}.csv"'
    )
    response.write("\ufeff")  # Excel reads the accents as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Data"),
            _("Ora di arrivo"),
            _("Cognome"),
            _("Nome"),
            _("Codice fiscale o STP/ENI"),
            _("Nosologico"),
            _("Telefono"),
            _("Tipo di prenotazione"),
            _("Agenda"),
            _("Posto"),
            _("Inizio terapia"),
            _("Esami prima dell'accesso"),
            _("Promemoria"),
        ]
    )
    for r in rows:
        b = r.booking
        writer.writerow(
            [
                f"{day:%d/%m/%Y}",
                f"{timezone.localtime(r.arrival):%H:%M}",
                _csv_safe(b.patient.surname),
                _csv_safe(b.patient.given_names),
                b.patient.codice_fiscale or b.patient.stp_eni_code,
                b.patient.mrn,
                _csv_safe(b.patient.phone),
                _csv_safe(b.booking_type.name),
                _csv_safe(agenda.name),
                b.place.code if b.place else "",
                f"{timezone.localtime(b.start_at):%H:%M}",
                _csv_safe(r.blood_tests),
                r.reminder,
            ]
        )
    return response


@require_perm(REMIND)
@require_POST
def reminders(request: HttpRequest, agenda_id: int) -> HttpResponse:
    day = _day_posted(request)
    with refusals_as_messages(request):
        ids = services.reminders_request(**acting(request), agenda_id=agenda_id, day=day)
        queued = reminders_defer(ids)
        messages.success(request, _("Promemoria in invio: %(n)d.") % {"n": queued})
    return redirect(reverse("agenda:call_in", args=[agenda_id]) + f"?day={day.isoformat()}")


def _csv_safe(text: str) -> str:
    """A cell a spreadsheet never runs as a formula."""
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


@require_perm(BOOK)
@require_POST
def book(request: HttpRequest, agenda_id: int) -> HttpResponse:
    day = _day_posted(request)
    with refusals_as_messages(request, not_found_is_404=False):
        patient_id = parse_id(request.POST.get("patient"))
        mrn = request.POST.get("mrn", "").strip()  # a scanned wristband or a typed MRN
        patient = patient_by_mrn(mrn) if mrn and patient_id is None else None
        if patient_id is None and patient is None:
            raise ValidationFailed(
                "Scegliere il paziente tra quelli trovati dalla ricerca.",
                code="patient_not_found",
                field="patient",
            )
        booking = services.booking_create(
            **acting(request),
            data=services.BookingInput(
                agenda_id=agenda_id,
                booking_type_id=parse_id(request.POST.get("booking_type")) or 0,
                patient_id=patient_id or (patient.pk if patient else 0),
                day=day,
                start=_time(request.POST.get("start"), "start") or time(8),
                place_id=parse_id(request.POST.get("place")),
                notes=request.POST.get("notes", ""),
            ),
        )
        messages.success(request, _("Prenotazione registrata."))
        return _back(request, agenda_id, day, f"b{booking.pk}")
    return _back(request, agenda_id, day)


def _day_posted(request: HttpRequest) -> date:
    try:
        return selectors.day_in_range(
            posted_date(request.POST.get("day"), "day") or timezone.localdate()
        )
    except ValidationFailed as refused:
        messages.error(request, refused.message)
        return timezone.localdate()


BookingAct = Callable[..., Booking]


def _on_booking(
    request: HttpRequest,
    booking_id: int,
    act: BookingAct,
    fields: Callable[[QueryDict], dict[str, object]],
    done: str,
) -> HttpResponse:
    """A button or form of the booking's dialog: the service (``act``, called with the
    posted ``fields``), its refusal as a message, and back to the booking's day with the
    focus on it. The fields are read inside the refusal guard: an unreadable time is a
    message, not a 500."""
    actor, workstation = request_actor(request), request_workstation(request)
    booking = selectors.booking_get(user=actor, booking_id=booking_id, workstation=workstation)
    with refusals_as_messages(request):
        booking = act(
            actor=actor,
            workstation=workstation,
            booking_id=booking_id,
            expected_version=posted_version(request) or 0,
            **fields(request.POST),
        )
        if done:
            messages.success(request, done)
    return _back(request, booking.agenda_id, booking.day, f"b{booking_id}")


@require_perm(BOOK)
@require_POST
def move(request: HttpRequest, booking_id: int) -> HttpResponse:
    """A keyboard move (the day page's dialog): another time, place or day, with a reason."""
    return _on_booking(
        request,
        booking_id,
        services.booking_move,
        lambda post: {
            "reason": post.get("reason", ""),
            "day": posted_date(post.get("day"), "day"),
            "start": _time(post.get("start"), "start"),
            "place_id": parse_id(post.get("place")),
            "unplace": post.get("unplace") == "1",
        },
        _("Prenotazione spostata."),
    )


@require_perm(BOOK)
@require_POST
def transition(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _on_booking(
        request,
        booking_id,
        services.booking_transition,
        lambda post: {"event": post.get("event", ""), "reason": post.get("reason", "")},
        _("Stato della prenotazione aggiornato."),
    )


@require_perm(BOOK)
@require_POST
def lock(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _on_booking(
        request,
        booking_id,
        services.booking_lock_set,
        lambda post: {"locked": post.get("locked") == "1"},
        "",
    )
