"""The wards' templates page: the active templates by ward (the retired ones listed apart),
a new one from the order form's fields, a template retired with a reason (nothing deleted),
and «Usa» to start a patient's order from it (the patient page's form, prefilled). The
API's services and selectors, with the same permissions."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.core.refusals import refusal_kept
from corsia.core.web import acting, posted_decimal, posted_version, request_actor
from corsia.nutrition import selectors, services
from corsia.nutrition.domain.composition import Unit
from corsia.nutrition.models import AgeGroup
from corsia.nutrition.permissions import PRESCRIBE, VIEW_ORDER
from corsia.nutrition.views import ROWS, _catalogue_groups, _rows
from corsia.nutrition.views_orders import _lines


def _render(
    request: HttpRequest,
    *,
    error: CorsiaError | None = None,
    rows: list[dict[str, str]] | None = None,
    values: dict[str, Any] | None = None,
) -> HttpResponse:
    user = request_actor(request)
    every = selectors.ward_templates(user=user, retired=True)
    active = [t for t in every if t.active]
    context = {
        "wards": [(ward, list(rows_)) for ward, rows_ in groupby(active, key=lambda t: t.ward)],
        "retired": [t for t in every if not t.active],
        "may_prescribe": user.has_perm(PRESCRIBE),
        "age_groups": AgeGroup.choices,
        "groups": _catalogue_groups(),
        "units": [u.value for u in Unit],
        "rows": rows or [{"code": "", "amount": "", "unit": "mL/kg"}] * ROWS,
        "values": values or {},
        "error": error,
        "for_template": True,
    }
    status = error.status if error is not None else 200
    return render(request, "nutrition/templates.html", context, status=status)


@require_perm(VIEW_ORDER)
def templates_page(request: HttpRequest) -> HttpResponse:
    return _render(request)


@require_perm(PRESCRIBE)
@require_POST
def template_new(request: HttpRequest) -> HttpResponse:
    rows = _rows(request)
    with refusal_kept() as kept:
        hours = posted_decimal(request.POST.get("infusion_hours"), "infusion_hours")
        if hours is None:
            raise ValidationFailed(
                _("Indica le ore di infusione."),
                code="infusion_hours_out_of_range",
                field="infusion_hours",
            )
        template = services.template_save(
            **acting(request),
            data=services.TemplateInput(
                name=request.POST.get("name", ""),
                ward=request.POST.get("ward", ""),
                age_group=request.POST.get("age_group", "")[:12],
                route=request.POST.get("route", "")[:12],
                infusion_hours=hours,
                lines=_lines(rows),
            ),
        )
        messages.success(
            request, _("Schema «%(name)s» salvato per %(ward)s.") % {
                "name": template.name, "ward": template.ward,
            },
        )  # fmt: skip
        return redirect("nutrition:templates")
    values = {k: v[:200] for k, v in request.POST.items()}
    return _render(request, error=kept.error, rows=rows, values=values)


@require_perm(PRESCRIBE)
@require_POST
def template_retire(request: HttpRequest, template_id: int) -> HttpResponse:
    with refusal_kept() as kept:
        template = services.template_retire(
            **acting(request), template_id=template_id,
            reason=request.POST.get("reason", ""), expected_version=posted_version(request),
        )  # fmt: skip
        messages.success(request, _("Schema «%(name)s» ritirato.") % {"name": template.name})
        return redirect("nutrition:templates")
    return _render(request, error=kept.error)
