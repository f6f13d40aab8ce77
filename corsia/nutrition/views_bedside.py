"""The bag's pages after compounding: the check-out from the pharmacy (the label scanned,
from the work plan), the bedside start (the patient's wristband and the bag's label
scanned, the pump's rate checked against the label's) and the end of the infusion — the
API's services with the same permissions. A refusal
re-renders the page with the Italian message, its code and the HTTP status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.refusals import refusal_kept
from corsia.core.web import (
    acting,
    posted_decimal,
    posted_moment,
    posted_version,
    request_actor,
    viewing,
)
from corsia.nutrition import selectors, services
from corsia.nutrition.domain.label import bag_expiry
from corsia.nutrition.models import NutritionOrder, OrderState
from corsia.nutrition.permissions import ADMINISTER, PREPARE
from corsia.nutrition.views_orders import work_plan_render
from corsia.patients.selectors import patient_get


def _expiry(order: NutritionOrder) -> datetime | None:
    if order.prepared_at is None:
        return None
    return bag_expiry(order.prepared_at, settings.CORSIA_NUTRITION_STABILITY_HOURS)


def _bedside_context(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    orders = selectors.patient_orders(**viewing(request), patient_id=patient_id)
    return {
        "patient": patient_get(user=request_actor(request), patient_id=patient_id),
        "bags": [
            (o, _expiry(o), services.bag_label_rate(o))
            for o in orders
            if o.state == OrderState.PREPARED
        ],
        "running": [
            (o, services.bag_label_rate(o))
            for o in orders
            if o.state == OrderState.ADMINISTERED and o.ended_at is None
        ],
        "tolerance_percent": services.rate_tolerance_percent(),
        "values": {},
        "error": None,
    }


@require_perm(ADMINISTER)
def bedside_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's compounded bags and the scans that start one."""
    return render(request, "nutrition/bedside.html", _bedside_context(request, patient_id))


@require_perm(ADMINISTER)
@require_POST
def bedside_start(request: HttpRequest, patient_id: int) -> HttpResponse:
    with refusal_kept() as kept:
        order = services.order_administer(
            **acting(request), patient_id=patient_id,
            wristband=request.POST.get("wristband", ""), label=request.POST.get("label", ""),
            rate_ml_h=posted_decimal(request.POST.get("rate_ml_h"), "rate_ml_h"),
        )  # fmt: skip
        messages.success(request, _("Avvio dell'infusione registrato."))
        return redirect("nutrition:order", order_id=order.pk)
    error = kept.error
    assert error is not None
    if error.status == 404:
        raise Http404
    context = _bedside_context(request, patient_id)
    context |= {"error": error, "values": {k: v[:200] for k, v in request.POST.items()}}
    return render(request, "nutrition/bedside.html", context, status=error.status)


@require_perm(ADMINISTER)
@require_POST
def bedside_end(request: HttpRequest, patient_id: int, order_id: int) -> HttpResponse:
    """The end of a running bag's infusion, from the patient's bedside page."""
    with refusal_kept() as kept:
        order = selectors.order_get(**viewing(request), order_id=order_id)
        if order.patient_id != patient_id:
            raise Http404
        services.order_end(
            **acting(request), order_id=order_id,
            ended_at=posted_moment(request.POST.get("ended_at"), "ended_at"),
            infused_ml=posted_decimal(request.POST.get("infused_ml"), "infused_ml"),
            reason=request.POST.get("reason", ""), expected_version=posted_version(request),
        )  # fmt: skip
        messages.success(request, _("Fine dell'infusione registrata."))
        return redirect("nutrition:bedside", patient_id=patient_id)
    error = kept.error
    assert error is not None
    if error.status == 404:
        raise Http404
    context = _bedside_context(request, patient_id)
    context |= {
        "error": error,
        "ending": order_id,
        "values": {k: v[:2000] for k, v in request.POST.items()},
    }
    return render(request, "nutrition/bedside.html", context, status=error.status)


@require_perm(PREPARE)
@require_POST
def check_out(request: HttpRequest) -> HttpResponse:
    """The bag's label scanned on its way out of the pharmacy (from the work plan)."""
    with refusal_kept() as kept:
        order = services.order_check_out(**acting(request), label=request.POST.get("label", ""))
        messages.success(request, _("Sacca %(bag)s consegnata al reparto.") % {"bag": order.bag_id})
        return redirect(f"{reverse('nutrition:work_plan')}?day={order.for_date:%Y-%m-%d}")
    assert kept.error is not None
    return work_plan_render(request, refusal=kept.error)
