"""Pages of the direct distribution desk: the desk (the patient found by the health card
or typed, today's dispensings), the patient's desk page (after a dispensing, its receipt
to print), the dispensing form (one scan field, each pack listed), the forms of a therapy
plan and of a delegation; the receipt itself is an archived print (``views_prints.py``).
Thin: parse, call the same services and selectors as the API, render or redirect; a
refusal is shown next to its form and nothing is written."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.core.paging import paginate
from corsia.core.refusals import act_with_reason, refusal_kept
from corsia.core.web import acting, parse_id, posted_date, posted_decimal, viewing
from corsia.core.web import request_actor as _actor
from corsia.dispensing import desk, selectors, services
from corsia.dispensing.models import Collector, DispensingKind
from corsia.dispensing.permissions import DISPENSE, VIEW
from corsia.dispensing.services.dispensings import MAX_SCANS
from corsia.drugs.selectors import product_choices
from corsia.inventory.selectors import cost_center_options, location_options
from corsia.patients.domain.search import QueryKind, classify
from corsia.patients.selectors import patient_search

SESSION_PLACE = "dispensing_desk_place"  # the desk's place and cost centre, last used
MAX_SUGGESTION_DAYS = 366
DESK_PAGE_SIZE = 50  # today's dispensings per page of the desk, the newest first


@require_perm(VIEW)
def desk_page(request: HttpRequest) -> HttpResponse:
    """The desk: scan the health card (or type codice fiscale, STP/ENI, name)."""
    text = request.GET.get("q", "").strip()[:100]
    found = None
    if text:
        found = patient_search(**viewing(request), text=text)
        query = classify(text)
        exact = query is not None and query.kind in (QueryKind.FISCAL_CODE, QueryKind.FOREIGN_CODE)
        if exact and len(found) == 1:
            return redirect(_patient_url(found[0].pk, query.value if query else ""))
    # paged (issue 27): every dispensing of the day reachable (before: the newest 200)
    paged = paginate(
        request,
        desk.desk_today(**viewing(request), day=timezone.localdate()),
        page_size=DESK_PAGE_SIZE,
    )
    return render(
        request,
        "dispensing/desk.html",
        {
            "text": text,
            "found": found,
            "today": desk.desk_shown(**viewing(request), rows=paged.page),
            "paged": paged,
        },
    )


def _patient_url(patient_id: int, code: str = "", receipt: int | None = None) -> str:
    url = reverse("dispensing:patient", args=[patient_id])
    query = {"code": code} if code else {}
    if receipt is not None:
        query["receipt"] = str(receipt)
    return f"{url}?{urlencode(query)}" if query else url


@require_perm(VIEW)
def patient_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    view = desk.patient_desk(**viewing(request), patient_id=patient_id)
    printed = parse_id(request.GET.get("receipt"))  # just dispensed: its receipt to print
    return render(
        request,
        "dispensing/patient.html",
        {
            "view": view,
            "patient": view.patient,
            "code": _card_code(request),
            "may_dispense": request.user.has_perm(DISPENSE),
            "receipt": next((d for d in view.dispensings if d.pk == printed), None),
        },
    )


def _card_code(request: HttpRequest) -> str:
    """The code read from the health card at the desk, carried from page to page."""
    raw = request.GET.get("code") or request.POST.get("code", "")
    return "".join(ch for ch in raw[:40] if ch.isalnum()).upper()


@dataclass
class _Scan:
    text: str
    refused: bool = False


@dataclass
class _Posted:
    values: dict[str, str] = field(default_factory=dict)
    scans: list[_Scan] = field(default_factory=list)


def _posted(request: HttpRequest) -> _Posted:
    post = request.POST
    names = ("patient_code", "kind", "prescriber", "product", "plan", "daily_units",
             "collected_by", "delegation", "registry_record", "location", "cost_center",
             "order", "interaction_override_reason", "interaction_acknowledged",
             "withdrawn_override_reason")  # fmt: skip
    values = {name: post.get(name, "").strip()[:200] for name in names}
    scans = [s.strip()[:200] for s in post.getlist("scans")[: MAX_SCANS + 1] if s.strip()]
    last = post.get("scan", "").strip()[:200]
    if last:  # typed in the scan field and confirmed without Enter
        scans.append(last)
    return _Posted(values=values, scans=[_Scan(s) for s in scans])


def _dispensing_input(posted: _Posted) -> services.DispensingInput:
    v = posted.values
    delegate = v["collected_by"] == Collector.DELEGATE
    kind = v["kind"]
    return services.DispensingInput(
        patient_code=v["patient_code"],
        kind=kind,
        prescriber_id=parse_id(v["prescriber"]) or 0,
        scans=[s.text for s in posted.scans],
        location_code=v["location"][:40],
        cost_center_code=v["cost_center"][:40],
        product_code="" if kind == DispensingKind.PLAN else v["product"][:120],
        plan_id=parse_id(v["plan"]) if kind == DispensingKind.PLAN else None,
        daily_units=None
        if kind == DispensingKind.PLAN
        else posted_decimal(v["daily_units"][:40], "daily_units"),
        collected_by=v["collected_by"] or Collector.PATIENT,
        delegation_id=parse_id(v["delegation"]) if delegate else None,
        registry_record=v["registry_record"][:60],
        order_id=parse_id(v["order"]),
        interaction_override_reason=v["interaction_override_reason"],
        interaction_acknowledged=v["interaction_acknowledged"] == "1",
        withdrawn_override_reason=v["withdrawn_override_reason"],
    )


def _missing_prescriber(posted: _Posted) -> CorsiaError | None:
    if parse_id(posted.values["prescriber"]):
        return None
    return ValidationFailed(
        "Indica il medico prescrittore.", code="prescriber_required", field="prescriber_id"
    )


@require_perm(DISPENSE)
@require_http_methods(["GET", "POST"])
def dispense(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The dispensing form (GET) and its confirmation (POST): on a refusal the form comes
    back with the Italian message, the packs scanned kept (the refused one marked)."""
    view = desk.patient_desk(**viewing(request), patient_id=patient_id)
    posted = _Posted()
    error: CorsiaError | None = None
    if request.method == "POST":
        posted = _posted(request)
        error = _missing_prescriber(posted)
        if error is None:
            with refusal_kept() as kept:
                data = _dispensing_input(posted)
                row = services.dispensing_record(
                    **acting(request), patient_id=view.patient.pk, data=data, now=timezone.now()
                )
                request.session[SESSION_PLACE] = [data.location_code, data.cost_center_code]
                messages.success(request, _("Dispensazione registrata."))
                for warning in services.scan_market_warnings(data.scans):
                    messages.warning(request, warning)
                # the patient's page, its receipt to print (archived: views_prints.py)
                return redirect(_patient_url(view.patient.pk, _card_code(request), receipt=row.pk))
            error = kept.error
        if error is not None and (error.field or "").startswith("scans."):
            index = parse_id(error.field.split(".", 1)[1]) if error.field else None
            if index is not None and index < len(posted.scans):
                posted.scans[index].refused = True
    else:
        posted.values = _defaults(request, view)
    return render(
        request,
        "dispensing/dispense.html",
        {**_form_context(view), "posted": posted.values, "scans": posted.scans, "error": error},
        status=422 if error is not None and error.status < 500 else 200,
    )


def _defaults(request: HttpRequest, view: desk.PatientDesk) -> dict[str, str]:
    place = request.session.get(SESSION_PLACE) or ["", ""]
    plan_id = parse_id(request.GET.get("plan"))
    plan = next((p.plan for p in view.plans if p.plan.pk == plan_id), None)
    order_id = parse_id(request.GET.get("order"))
    order = next((o for o in view.orders if o.order_id == order_id), None)
    if order is not None:
        return _order_defaults(request, order, place)
    values = {
        "patient_code": _card_code(request),
        "kind": DispensingKind.PLAN if plan else DispensingKind.DISCHARGE,
        "plan": str(plan.pk) if plan else "",
        "prescriber": str(plan.prescriber_id) if plan else "",
        "product": plan.product.code if plan else request.GET.get("product", "")[:120],
        "daily_units": "",
        "collected_by": Collector.PATIENT,
        "location": str(place[0]),
        "cost_center": str(place[1]),
    }
    if not values["location"]:
        first = location_options().filter(kind="pharmacy").first()
        values["location"] = first.code if first else ""
    return values


def _order_defaults(
    request: HttpRequest, order: desk.OralOrder, place: list[str]
) -> dict[str, str]:
    """An oral chemotherapy order dispensed: kind prescription, the order's prescriber, the
    drug and strength asked for (``product``), its most tablets a day."""
    code = request.GET.get("product", "")[:120]
    line = next((li for li in order.lines if li.product_code == code), None)
    return {
        "patient_code": _card_code(request),
        "kind": DispensingKind.PRESCRIPTION,
        "order": str(order.order_id),
        "prescriber": str(order.prescriber_id),
        "product": code,
        "daily_units": str(line.most_per_day) if line else "",
        "days": str(line.tablets // line.most_per_day) if line and line.most_per_day else "",
        "collected_by": Collector.PATIENT,
        "location": str(place[0]),
        "cost_center": str(place[1]),
    }


def _form_context(view: desk.PatientDesk) -> dict[str, Any]:
    return {
        "view": view,
        "patient": view.patient,
        "kinds": DispensingKind.choices,
        "collectors": Collector.choices,
        "prescribers": desk.prescriber_options(),
        "products": product_choices()[:800],
        "plans": [p for p in view.plans if p.valid_today],
        "locations": location_options(),
        "cost_centers": cost_center_options(),
        "max_scans": MAX_SCANS,
    }


@require_perm(DISPENSE)
def lots(request: HttpRequest) -> HttpResponse:
    """The FEFO lots to take from the shelf for the product, the daily units and the days
    to cover (a fragment of the dispensing form)."""
    product = request.GET.get("product", "").strip()[:120]
    suggestion: list[selectors.LotSuggestion] = []
    short = 0
    units = 0
    with refusal_kept() as kept:
        daily = posted_decimal(request.GET.get("daily_units", "")[:40], "daily_units")
        days = parse_id(request.GET.get("days")) or 0
        if product and daily and daily > 0 and 0 < days <= MAX_SUGGESTION_DAYS:
            units = math.ceil(min(daily, Decimal(100)) * days)
            suggestion, short = selectors.lot_suggestion(
                user=_actor(request), product_code=product, units=units,
                location_code=request.GET.get("location", "")[:40],
            )  # fmt: skip
    return render(
        request,
        "dispensing/partials/lots.html",
        {"lots": suggestion, "short": short, "units": units, "error": kept.error},
    )


@require_perm(DISPENSE)
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    view = desk.patient_desk(**viewing(request), patient_id=patient_id)
    values: dict[str, str] = {}
    error: CorsiaError | None = None
    if request.method == "POST":
        names = ("prescriber", "product", "daily_units", "valid_from", "valid_to",
                 "max_units", "plan_number", "aifa_registry")  # fmt: skip
        values = {n: request.POST.get(n, "").strip()[:120] for n in names}
        with refusal_kept() as kept:
            typed = values["max_units"]
            max_units = None if not typed else parse_id(typed)
            if typed and max_units is None:
                max_units = -1  # not a whole number: refused as units_invalid
            services.plan_record(
                **acting(request),
                patient_id=view.patient.pk,
                data=services.PlanInput(
                    prescriber_id=parse_id(values["prescriber"]) or 0,
                    product_code=values["product"],
                    daily_units=posted_decimal(values["daily_units"], "daily_units") or Decimal(0),
                    valid_from=_required_date(values["valid_from"], "valid_from"),
                    valid_to=_required_date(values["valid_to"], "valid_to"),
                    max_units=max_units,
                    aifa_registry=values["aifa_registry"] == "1",
                    plan_number=values["plan_number"][:60],
                ),
                now=timezone.now(),
            )
            messages.success(request, _("Piano terapeutico registrato."))
            return redirect(_patient_url(view.patient.pk, _card_code(request)))
        error = kept.error
    return render(
        request,
        "dispensing/plan_form.html",
        {"view": view, "patient": view.patient, "values": values, "error": error,
         "prescribers": desk.prescriber_options(), "products": product_choices()[:800]},
        status=422 if error is not None else 200,
    )  # fmt: skip


def _required_date(raw: str, name: str) -> date:
    day = posted_date(raw, name)
    if day is None:
        raise ValidationFailed("Indica la data.", code="date_required", field=name)
    return day


@require_perm(DISPENSE)
@require_http_methods(["GET", "POST"])
def delegation_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    view = desk.patient_desk(**viewing(request), patient_id=patient_id)
    values: dict[str, str] = {}
    error: CorsiaError | None = None
    if request.method == "POST":
        names = ("delegate_name", "delegate_fiscal_code", "identity_document", "valid_from",
                 "valid_to")  # fmt: skip
        values = {n: request.POST.get(n, "").strip()[:160] for n in names}
        with refusal_kept() as kept:
            services.delegation_record(
                **acting(request),
                patient_id=view.patient.pk,
                data=services.DelegationInput(
                    delegate_name=values["delegate_name"],
                    delegate_fiscal_code=values["delegate_fiscal_code"][:16],
                    identity_document=values["identity_document"][:120],
                    valid_from=_required_date(values["valid_from"], "valid_from"),
                    valid_to=_required_date(values["valid_to"], "valid_to"),
                ),
                now=timezone.now(),
            )
            messages.success(request, _("Delega registrata."))
            return redirect(_patient_url(view.patient.pk, _card_code(request)))
        error = kept.error
    return render(
        request,
        "dispensing/delegation_form.html",
        {"view": view, "patient": view.patient, "values": values, "error": error},
        status=422 if error is not None else 200,
    )


@require_perm(DISPENSE)
@require_POST
def plan_close(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Close a plan before its end (the reason typed beside the button)."""
    patient_id = parse_id(request.POST.get("patient")) or 0
    act_with_reason(request, services.plan_close, done=_("Piano chiuso."), plan_id=plan_id,
                    now=timezone.now())  # fmt: skip
    return redirect(_patient_url(patient_id, _card_code(request)))


@require_perm(DISPENSE)
@require_POST
def delegation_revoke(request: HttpRequest, delegation_id: int) -> HttpResponse:
    """Revoke a delegation (the reason typed beside the button)."""
    patient_id = parse_id(request.POST.get("patient")) or 0
    act_with_reason(request, services.delegation_revoke, done=_("Delega revocata."),
                    delegation_id=delegation_id, now=timezone.now())  # fmt: skip
    return redirect(_patient_url(patient_id, _card_code(request)))
