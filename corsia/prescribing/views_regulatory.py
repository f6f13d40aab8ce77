"""Pages of the regulatory documentation: the physician records an order's AIFA registry
request, 648/96 reference or off-label documentation (from the order page); the pharmacist
overrides missing documentation at validation; the pharmacy's list of prescriptions under
AIFA monitoring, where the "scheda di dispensazione" entered in the registry is recorded."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from corsia.core.access import require_perm
from corsia.core.paging import paginate
from corsia.core.refusals import refusals_as_messages
from corsia.core.web import acting, posted_date, request_actor
from corsia.core.web import posted_version as _version
from corsia.core.web import request_workstation as _ws
from corsia.drugs.selectors import ingredient_names
from corsia.drugs.selectors_regulatory import regulatory_table
from corsia.prescribing.domain.regulatory import Kind
from corsia.prescribing.models_regulatory import OrderRegulatoryRequirement
from corsia.prescribing.selectors_regulatory import MONITORING, monitoring_rows, monitoring_shown
from corsia.prescribing.services import PRESCRIBE
from corsia.prescribing.services.regulatory import (
    FIELDS,
    PHARMACIST,
    regulatory_dispensing_record,
    regulatory_document,
    regulatory_pharmacy_override,
)

_DATES = {"request_date", "consent_date", "authorisation_date"}
MONITORING_PAGE_SIZE = 50  # cycles per page of the monitoring list, the newest first


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def _query_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@require_perm(PRESCRIBE)
@require_POST
def document(request: HttpRequest, order_id: int, requirement_id: int) -> HttpResponse:
    row = OrderRegulatoryRequirement.objects.filter(pk=requirement_id, order_id=order_id).first()
    with refusals_as_messages(request, not_found_is_404=False):
        if row is None:
            messages.error(request, "Requisito regolatorio inesistente.")
        else:
            values: dict[str, object] = {}
            for name in FIELDS[Kind(row.kind)]:
                if name == "pending_acknowledged":
                    values[name] = request.POST.get(name) == "1"
                elif name in _DATES:
                    values[name] = posted_date(request.POST.get(name), name)
                elif name in request.POST:
                    values[name] = request.POST.get(name, "")
            regulatory_document(
                **acting(request),
                requirement_id=requirement_id,
                values=values,
                expected_version=_version(request),
            )
            messages.success(request, "Documentazione regolatoria registrata.")
    return redirect(reverse("prescribing:order", args=[order_id]) + "#regulatory")


@require_perm(PHARMACIST)
@require_POST
def override(request: HttpRequest, order_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        regulatory_pharmacy_override(
            **acting(request), order_id=order_id, reason=request.POST.get("reason", "")
        )
        messages.success(request, "Motivo registrato: la prescrizione si può validare.")
    return _back(request, reverse("prescribing:order", args=[order_id]))


@require_perm(MONITORING)
@require_GET
def monitoring(request: HttpRequest) -> HttpResponse:
    date_from = _query_date(request.GET.get("date_from"))
    date_to = _query_date(request.GET.get("date_to"))
    drug = request.GET.get("drug", "")[:40]
    user = request_actor(request)
    # paged (issue 27): every cycle reachable, the newest first (before: the newest 500)
    paged = paginate(
        request,
        monitoring_rows(user=user, date_from=date_from, date_to=date_to, ingredient_code=drug),
        page_size=MONITORING_PAGE_SIZE,
    )
    rows = monitoring_shown(user=user, rows=paged.page, workstation=_ws(request))
    codes = sorted({r.ingredient for r in regulatory_table().registries})
    names = ingredient_names(codes)
    return render(
        request,
        "prescribing/aifa_monitoring.html",
        {
            "rows": rows,
            "paged": paged,
            "date_from": date_from,
            "date_to": date_to,
            "drug": drug,
            "drugs": sorted(((c, names.get(c, c)) for c in codes), key=lambda p: p[1]),
            "may_record": request_actor(request).has_perm(PHARMACIST),
        },
    )


@require_perm(PHARMACIST)
@require_POST
def dispensing(request: HttpRequest, requirement_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        regulatory_dispensing_record(**acting(request), requirement_id=requirement_id)
        messages.success(request, "Dispensazione registrata nel registro AIFA.")
    return _back(request, reverse("prescribing:aifa_monitoring"))
