"""The team's pages: the open alerts of the patients in reach, one patient's series (SVG
chart and table), thresholds, diaries and the evaluation of an alert. Thin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.paging import paginate
from corsia.core.refusals import refusals_as_messages
from corsia.core.web import (
    acting,
    posted_date,
    posted_decimal,
    posted_int,
    request_actor,
    viewing,
)
from corsia.patients.selectors import patient_get
from corsia.telemonitoring import selectors, services
from corsia.telemonitoring.domain.parameters import LABELS, Parameter
from corsia.telemonitoring.permissions import MANAGE, VIEW

NUMBER = "Valore numerico non valido."


@require_perm(VIEW)
def alerts_page(request: HttpRequest) -> HttpResponse:
    # every open alert reachable, 50 a page (issue 27)
    paged = paginate(request, selectors.open_alerts_query(user=request_actor(request)))
    selectors.open_alerts_shown(alerts=list(paged.page), **viewing(request))
    return render(request, "telemonitoring/alerts.html", {"alerts": paged})


@require_perm(VIEW)
def patient_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_get(user=request_actor(request), patient_id=patient_id)
    monitoring = selectors.patient_monitoring(**viewing(request), patient_id=patient.pk)
    context: dict[str, Any] = {
        "patient": patient,
        "monitoring": monitoring,
        # every alert reachable, the open ones first (issue 27)
        "alerts_page": paginate(request, monitoring.alerts, param="alerts_page"),
        "may_manage": request.user.has_perm(MANAGE),
        "parameters": [(p.value, LABELS[p]) for p in Parameter],
        "grades": range(1, 6),
    }
    return render(request, "telemonitoring/patient.html", context)


@require_perm(MANAGE)
@require_POST
def threshold_set(request: HttpRequest, patient_id: int) -> HttpResponse:
    post = request.POST
    with refusals_as_messages(request):
        services.threshold_set(
            **acting(request),
            patient_id=patient_id,
            parameter=post.get("parameter", "")[:20],
            low=posted_decimal(post.get("low"), "low"),
            high=posted_decimal(post.get("high"), "high"),
            reason=post.get("reason", "")[:500],
        )
        messages.success(request, _("Soglia impostata."))
    return redirect("telemonitoring:patient", patient_id=patient_id)


@require_perm(MANAGE)
@require_POST
def diary_schedule(request: HttpRequest, patient_id: int) -> HttpResponse:
    post = request.POST
    with refusals_as_messages(request):
        day_one = posted_date(post.get("chemotherapy_on"), "chemotherapy_on")
        if day_one is None:
            raise ValidationFailed(
                "Indica il giorno 1 del ciclo.", code="diary_day_one", field="chemotherapy_on"
            )
        cycle = post.get("cycle_number", "").strip()
        services.diary_schedule(
            **acting(request),
            patient_id=patient_id,
            chemotherapy_on=day_one,
            days=posted_int(post.get("days"), 21, "days", NUMBER),
            baseline_stools=posted_int(post.get("baseline_stools"), 1, "baseline_stools", NUMBER),
            regimen=post.get("regimen", "")[:200],
            cycle_number=posted_int(cycle, 1, "cycle_number", NUMBER) if cycle else None,
        )
        messages.success(request, _("Diario dei sintomi programmato."))
    return redirect("telemonitoring:patient", patient_id=patient_id)


@require_perm(MANAGE)
@require_POST
def alert_close(request: HttpRequest, alert_id: int) -> HttpResponse:
    post = request.POST
    grade = post.get("ctcae_grade", "").strip()
    patient_id = None
    with refusals_as_messages(request):
        alert = services.alert_close(
            **acting(request),
            alert_id=alert_id,
            note=post.get("note", "")[:2000],
            ctcae_grade=posted_int(grade, 1, "ctcae_grade", NUMBER) if grade else None,
        )
        patient_id = alert.patient_id
        messages.success(request, _("Allerta valutata."))
    if patient_id is None:
        return redirect("telemonitoring:alerts")
    return redirect("telemonitoring:patient", patient_id=patient_id)
