"""«Ottimizza la giornata», the pages: ask for the plan (a background job computes it), see
it («in calcolo», then the preview, the page polling the status), apply it with a reason.
Thin: each page calls the service the API calls, with the same permission."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.agenda import selectors, services
from corsia.agenda.domain.calendar import WEEKDAYS_IT
from corsia.agenda.permissions import BOOK
from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.refusals import refusals_as_messages
from corsia.core.web import acting, posted_date, request_actor


@require_perm(BOOK)
def plan_page(request: HttpRequest, agenda_id: int) -> HttpResponse:
    """The day's plan requests and the button that asks for a new one."""
    actor = request_actor(request)
    try:
        day = selectors.day_in_range(
            posted_date(request.GET.get("day", ""), "day") or timezone.localdate()
        )
    except ValidationFailed as refused:
        messages.error(request, refused.message)
        day = timezone.localdate()
    agenda = selectors.agenda_get(user=actor, agenda_id=agenda_id)
    return render(
        request,
        "agenda/plan.html",
        {
            "agenda": agenda,
            "day": day,
            "weekday": WEEKDAYS_IT[day.weekday()],
            "requests": services.day_plan_requests(actor=actor, agenda_id=agenda_id, day=day),
        },
    )


@require_perm(BOOK)
@require_POST
def plan_request(request: HttpRequest, agenda_id: int) -> HttpResponse:
    """«Calcola il piano»: recorded now, computed by the worker; to its page."""
    back = reverse("agenda:plan", args=[agenda_id])
    with refusals_as_messages(request):
        day = posted_date(request.POST.get("day"), "day") or timezone.localdate()
        back += f"?day={day.isoformat()}"
        asked = services.day_plan_request(**acting(request), agenda_id=agenda_id, day=day)
        return redirect("agenda:plan_status", request_id=asked.pk)
    return redirect(back)


@require_perm(BOOK)
def plan_status(request: HttpRequest, request_id: int) -> HttpResponse:
    """One request: «in calcolo» (the page asks again every few seconds), then the preview
    and «Applica»."""
    view = services.plan_request_view(**acting(request), request_id=request_id)
    preview = view.preview
    return render(
        request,
        "agenda/plan_status.html",
        {
            "view": view,
            "plan": preview,
            "day": view.day,
            "weekday": WEEKDAYS_IT[view.day.weekday()],
            "moved": sum(1 for r in preview.rows if r.moves and not r.fixed) if preview else 0,
            "status_url": f"/api/v1/agenda/plan-requests/{view.request_id}",
        },
    )


@require_perm(BOOK)
@require_POST
def plan_apply(request: HttpRequest, request_id: int) -> HttpResponse:
    """«Applica»: every move of the plan or none; refused: back to the plan, said why."""
    with refusals_as_messages(request):
        done = services.day_plan_request_apply(
            **acting(request),
            request_id=request_id,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Piano della giornata applicato."))
        url = reverse("agenda:day", args=[done.agenda_id]) + f"?day={done.day.isoformat()}"
        return redirect(url)
    return redirect("agenda:plan_status", request_id=request_id)
