"""The pages of the saved orders: the patient's orders with a new draft (its components,
or a ward template's), one order with its acts by state and permission (sign, validate,
reject, prepare, administer, cancel) and the pharmacy's work plan of a day — the API's
services and selectors, with the same permissions. A refusal re-renders the page with the
Italian message and the HTTP status of the refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.core.refusals import refusal_kept
from corsia.core.web import (
    acting,
    parse_id,
    posted_date,
    posted_decimal,
    posted_version,
    request_actor,
    viewing,
)
from corsia.nutrition import selectors, services
from corsia.nutrition.domain.composition import Unit
from corsia.nutrition.domain.label import Label, bag_label
from corsia.nutrition.models import NutritionOrder, OrderState, RouteChoice
from corsia.nutrition.permissions import (
    ADMINISTER,
    PREPARE,
    PRESCRIBE,
    VALIDATE,
    VIEW_ORDER,
)
from corsia.nutrition.views import ROWS, _catalogue_groups, _rows
from corsia.patients.selectors import patient_get


def _lines(rows: list[dict[str, str]]) -> tuple[services.LineInput, ...]:
    lines = []
    for index, row in enumerate(rows):
        if not row["code"] and not row["amount"]:
            continue
        amount = posted_decimal(row["amount"], f"components.{index}.amount")
        if amount is None:
            raise ValidationFailed(
                _("Indica la quantità di ogni componente scelto."),
                code="amount_not_positive",
                field=f"components.{index}.amount",
            )
        lines.append(services.LineInput(row["code"], amount, row["unit"]))
    return tuple(lines)


def label_of(order: NutritionOrder, entry: selectors.PlanEntry) -> Label:
    patient = order.patient
    return bag_label(
        bag_id=order.bag_id,
        patient=f"{patient.surname} {patient.given_names} ({patient.date_of_birth:%d/%m/%Y})",
        route=str(RouteChoice(order.route).label),
        steps=entry.steps,
        infusion_hours=order.infusion_hours,
        prepared_at=order.prepared_at,
        stability_hours=settings.CORSIA_NUTRITION_STABILITY_HOURS,
    )


def _patient_context(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    user = request_actor(request)
    return {
        "patient": patient_get(user=user, patient_id=patient_id),
        "orders": selectors.patient_orders(**viewing(request), patient_id=patient_id),
        "templates": selectors.ward_templates(user=user),
        "groups": _catalogue_groups(),
        "units": [u.value for u in Unit],
        "rows": [{"code": "", "amount": "", "unit": "mL"}] * ROWS,
        "may_prescribe": user.has_perm(PRESCRIBE),
        "today": timezone.localdate(),
        "values": {},
        "error": None,
    }


@require_perm(VIEW_ORDER)
def patient_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    return render(request, "nutrition/patient_orders.html", _patient_context(request, patient_id))


@require_perm(PRESCRIBE)
@require_POST
def order_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    rows = _rows(request)
    with refusal_kept() as kept:
        data = services.OrderInput(
            route=request.POST.get("route", "")[:12],
            infusion_hours=posted_decimal(request.POST.get("infusion_hours"), "infusion_hours"),
            for_date=posted_date(request.POST.get("for_date"), "for_date"),
            preterm=request.POST.get("preterm") == "on",
            template_id=parse_id(request.POST.get("template_id")),
            lines=_lines(rows),
        )
        order = services.order_create(**acting(request), patient_id=patient_id, data=data)
        messages.success(request, _("Bozza salvata: controlla i risultati e firma."))
        return redirect("nutrition:order", order_id=order.pk)
    assert kept.error is not None
    if kept.error.status == 404 and kept.error.code == "patient_not_found":
        raise Http404
    context = _patient_context(request, patient_id)
    context |= {"rows": rows, "values": request.POST, "error": kept.error}
    return render(request, "nutrition/patient_orders.html", context, status=kept.error.status)


def _order_context(request: HttpRequest, order_id: int) -> dict[str, Any]:
    user = request_actor(request)
    order = selectors.order_get(**viewing(request), order_id=order_id)
    entry = None
    if order.state in (OrderState.VALIDATED, OrderState.PREPARED, OrderState.ADMINISTERED):
        entry = selectors.plan_entry(order)
    return {
        "order": order,
        "results": order.results,
        "entry": entry,
        "label": label_of(order, entry) if entry is not None else None,
        "may_prescribe": user.has_perm(PRESCRIBE),
        "may_validate": user.has_perm(VALIDATE) and user.pk != order.prescriber_id,
        "may_prepare": user.has_perm(PREPARE),
        "may_administer": user.has_perm(ADMINISTER),
        "values": {},
        "error": None,
    }


@require_perm(VIEW_ORDER)
def order_page(request: HttpRequest, order_id: int) -> HttpResponse:
    return render(request, "nutrition/order.html", _order_context(request, order_id))


def _act(request: HttpRequest, order_id: int, act: Callable[[], object], done: str) -> HttpResponse:
    with refusal_kept() as kept:
        act()
        messages.success(request, done)
        return redirect("nutrition:order", order_id=order_id)
    error: CorsiaError | None = kept.error
    assert error is not None
    if error.status == 404:
        raise Http404
    context = _order_context(request, order_id)
    context |= {"error": error, "values": {k: v[:2000] for k, v in request.POST.items()}}
    return render(request, "nutrition/order.html", context, status=error.status)


@require_perm(PRESCRIBE)
@require_POST
def order_sign(request: HttpRequest, order_id: int) -> HttpResponse:
    return _act(
        request, order_id,
        lambda: services.order_sign(
            **acting(request), order_id=order_id, expected_version=posted_version(request),
            warning_reason=request.POST.get("warning_reason", ""),
        ),
        _("Nutrizione parenterale firmata."),
    )  # fmt: skip


@require_perm(VALIDATE)
@require_POST
def order_validate(request: HttpRequest, order_id: int) -> HttpResponse:
    return _act(
        request, order_id,
        lambda: services.order_validate(
            **acting(request), order_id=order_id, expected_version=posted_version(request),
            note=request.POST.get("note", ""),
        ),
        _("Nutrizione parenterale validata."),
    )  # fmt: skip


@require_perm(VALIDATE)
@require_POST
def order_reject(request: HttpRequest, order_id: int) -> HttpResponse:
    return _act(
        request, order_id,
        lambda: services.order_reject(
            **acting(request), order_id=order_id, expected_version=posted_version(request),
            reason=request.POST.get("reason", ""),
        ),
        _("Nutrizione parenterale respinta."),
    )  # fmt: skip


@require_perm(PREPARE)
@require_POST
def order_prepare(request: HttpRequest, order_id: int) -> HttpResponse:
    return _act(
        request, order_id,
        lambda: services.order_prepare(
            **acting(request), order_id=order_id, expected_version=posted_version(request)
        ),
        _("Allestimento registrato."),
    )  # fmt: skip


@require_perm(ADMINISTER)
@require_POST
def order_administer(request: HttpRequest, order_id: int) -> HttpResponse:
    return _act(
        request, order_id,
        lambda: services.order_administer(
            **acting(request), order_id=order_id, expected_version=posted_version(request)
        ),
        _("Avvio dell'infusione registrato."),
    )  # fmt: skip


@require_perm(PRESCRIBE)
@require_POST
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    return _act(
        request, order_id,
        lambda: services.order_cancel(
            **acting(request), order_id=order_id, expected_version=posted_version(request),
            reason=request.POST.get("reason", ""),
        ),
        _("Nutrizione parenterale annullata."),
    )  # fmt: skip


@require_perm(VIEW_ORDER)
def order_csv(request: HttpRequest, order_id: int) -> HttpResponse:
    with refusal_kept() as kept:
        text = selectors.order_compounder_csv(**viewing(request), order_id=order_id)
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="npt-{order_id}.csv"'
        return response
    assert kept.error is not None
    if kept.error.status == 404:
        raise Http404
    messages.error(request, kept.error.message)
    return redirect("nutrition:order", order_id=order_id)


@require_perm(VIEW_ORDER)
def work_plan_page(request: HttpRequest) -> HttpResponse:
    day: date = timezone.localdate()
    error = None
    with refusal_kept() as kept:
        day = posted_date(request.GET.get("day"), "day") or day
    if kept.error is not None:
        error = kept.error
    entries = selectors.work_plan(**viewing(request), day=day)
    context = {
        "day": day,
        "rows": [(e, label_of(e.order, e)) for e in entries],
        "error": error,
    }
    return render(
        request, "nutrition/work_plan.html", context, status=error.status if error else 200
    )
