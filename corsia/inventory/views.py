"""The stock pages: levels, expiring lots, movements, delivery load, consumption. Thin:
read through ``selectors``, write through ``services``."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError
from corsia.core.paging import paginate
from corsia.core.refusals import refusal_kept
from corsia.core.web import query_int, request_actor, request_workstation
from corsia.inventory import selectors, services
from corsia.inventory.forms import (
    MAX_UPLOAD_BYTES,
    DeliveryHeaderForm,
    DeliveryLineFormSet,
    DeliveryUploadForm,
)
from corsia.inventory.models import MovementKind

VIEW = "inventory.view_stock"
MANAGE = "inventory.manage_stock"
DEFAULT_EXPIRY_DAYS = 60
MOVEMENTS_PAGE_SIZE = 100  # movements per page, the newest first


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _month(raw: str) -> tuple[int, int] | None:
    """``AAAA-MM`` → (year, month), None if malformed."""
    parsed = _date(f"{raw}-01") if len(raw) == 7 else None
    return (parsed.year, parsed.month) if parsed is not None else None


@require_perm(VIEW)
def stock_page(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    location = request.GET.get("location", "").strip()
    today = timezone.localdate()
    lots = selectors.stock_levels(text=text, location_code=location)
    return render(
        request,
        "inventory/stock.html",
        {
            "query": text,
            "location": location,
            "locations": selectors.location_options(),
            "lots": lots,
            "totals": selectors.stock_totals(lots=lots, today=today),
            "today": today,
            "soon": today + timedelta(days=DEFAULT_EXPIRY_DAYS),
            "withdrawn": selectors.withdrawn_stock(today=today),
        },
    )


@require_perm(VIEW)
def expiring_page(request: HttpRequest) -> HttpResponse:
    days = query_int(request.GET.get("days"), DEFAULT_EXPIRY_DAYS, low=0, high=730)
    today = timezone.localdate()
    return render(
        request,
        "inventory/expiring.html",
        {"days": days, "today": today, "lots": selectors.expiring_lots(today=today, days=days)},
    )


@require_perm(VIEW)
def movements_page(request: HttpRequest) -> HttpResponse:
    filters = {
        "kind": request.GET.get("kind", "").strip(),
        "text": request.GET.get("q", "").strip(),
        "location_code": request.GET.get("location", "").strip(),
        "cost_center_code": request.GET.get("cost_center", "").strip(),
    }
    if filters["kind"] not in MovementKind.values:
        filters["kind"] = ""
    since = _date(request.GET.get("since"))
    until = _date(request.GET.get("until"))
    # paged (issue 27): the newest first, every movement of the history reachable
    paged = paginate(
        request,
        selectors.movements_query(**filters, since=since, until=until),
        page_size=MOVEMENTS_PAGE_SIZE,
    )
    return render(
        request,
        "inventory/movements.html",
        {
            "filters": filters,
            "since": since,
            "until": until,
            "kinds": MovementKind.choices,
            "locations": selectors.location_options(),
            "cost_centers": selectors.cost_center_options(),
            "rows": paged.page,
            "paged": paged,
        },
    )


@require_perm(MANAGE)
def load_page(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    header = DeliveryHeaderForm(request.POST if action == "document" else None, prefix="doc")
    lines = DeliveryLineFormSet(request.POST if action == "document" else None, prefix="line")
    upload = DeliveryUploadForm(
        request.POST if action == "csv" else None,
        request.FILES if action == "csv" else None,
        prefix="csv",
    )
    error: CorsiaError | None = None
    workstation = request_workstation(request)
    if action == "document" and header.is_valid() and lines.is_valid():
        loads = [
            services.LoadLine(
                product=form.cleaned_data["product"],
                lot=form.cleaned_data["lot"],
                expiry=form.cleaned_data["expiry"],
                quantity=form.cleaned_data["quantity"],
                unit_cost=form.cleaned_data["unit_cost"],
            )
            for form in lines
            if form.cleaned_data.get("product") is not None
        ]
        with refusal_kept() as kept:
            services.stock_load(
                actor=request_actor(request),
                workstation=workstation,
                supplier=header.cleaned_data["supplier"],
                document_number=header.cleaned_data["document_number"],
                document_date=header.cleaned_data["document_date"],
                lines=loads,
                location=header.cleaned_data["location"],
                now=timezone.now(),
            )
            return redirect(
                f"{reverse('inventory:movements')}?kind=load&q={header.cleaned_data['document_number']}"
            )
        error = kept.error
    elif action == "csv" and upload.is_valid():
        file = upload.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            error = CorsiaError("Il file è troppo grande (massimo 5 MB).", code="file_too_large")
        else:
            with refusal_kept() as kept:
                services.stock_import_delivery_csv(
                    actor=request_actor(request),
                    workstation=workstation,
                    content=file.read(),
                    file_name=file.name,
                    location=upload.cleaned_data["location"],
                    now=timezone.now(),
                )
                return redirect(f"{reverse('inventory:movements')}?kind=load")
            error = kept.error
    invalid = action in ("document", "csv")
    return render(
        request,
        "inventory/load.html",
        {"header": header, "lines": lines, "upload": upload, "error": error},
        status=422 if invalid else 200,
    )


@require_perm(VIEW)
def consumption_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year, month = today.year, today.month
    raw = request.GET.get("month", "")
    parsed = _month(raw)
    if parsed is not None:
        year, month = parsed
    groups = selectors.consumption_by_center(year=year, month=month)
    return render(
        request,
        "inventory/consumption.html",
        {
            "month": f"{year:04d}-{month:02d}",
            "groups": groups,
            "grand_total": sum((g.net_value for g in groups), start=Decimal("0.00")),
        },
    )
