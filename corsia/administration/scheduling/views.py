"""Planning a patient's day from the worklist: the posted form, then back to that day."""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import date, time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_time
from django.views.decorators.http import require_POST

from corsia.administration.permissions import SCHEDULE
from corsia.administration.scheduling import services
from corsia.core.access import require_perm
from corsia.core.refusals import refusals_as_messages
from corsia.core.web import acting, parse_id


@require_perm(SCHEDULE)
@require_POST
def appointment(request: HttpRequest) -> HttpResponse:
    """Plan when (and where) a patient's day starts; back to the worklist of that day."""
    day, start = _posted_day_and_time(request)
    back = f"{reverse('administration:worklist')}?day={day or timezone.localdate():%Y-%m-%d}"
    if day is None or start is None:
        messages.error(request, "Indicare giorno e ora di inizio (hh:mm).")
        return redirect(back)
    place = request.POST.get("place", "")
    with refusals_as_messages(request, not_found_is_404=False):
        services.appointment_set(
            **acting(request),
            order_id=parse_id(request.POST.get("order")) or 0,
            day=day,
            start=start,
            place_id=parse_id(place),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"Inizio previsto alle {start:%H:%M}.")
    return redirect(back)


def _posted_day_and_time(request: HttpRequest) -> tuple[date | None, time | None]:
    """The posted ISO day and hh:mm time; None for what is missing or impossible."""
    day = start = None
    with suppress(ValueError):
        day = parse_date(request.POST.get("day", "").strip())
    raw = request.POST.get("start", "").strip()
    if re.fullmatch(r"\d{1,2}:\d{2}", raw):
        with suppress(ValueError):
            start = parse_time(raw)
    return day, start
