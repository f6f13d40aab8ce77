"""The UFA's requirements page (at /inventory/requirements/, beside the stock pages): vials
per product and day for the planned orders, what the stock covers, what to order, and the
pick list with the patients' trays; CSV exports and the print (PDF from the editable template
``requirements_sheet``, archived).

Owned by compounding (``corsia.compounding.requirements``); the stock is read through
inventory's selectors only. Thin."""

from __future__ import annotations

import csv
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from corsia.compounding import requirements as planning
from corsia.compounding.requirements import PlannedRequirements
from corsia.compounding.requirements_print import requirements_print
from corsia.core.access import require_perm
from corsia.core.refusals import refusal_kept
from corsia.core.web import acting, query_int, viewing
from corsia.inventory.selectors import location_options, stock_locations


@require_perm(planning.VIEW_REQUIREMENTS)
def requirements_page(request: HttpRequest) -> HttpResponse:
    """Vials needed per product and day by the planned orders, stock, what to order, and
    the pick list in walking order with the patients' trays; CSV and a printable view."""
    days = query_int(request.GET.get("days"), planning.DEFAULT_DAYS, low=1, high=planning.MAX_DAYS)
    location = request.GET.get("location", "").strip()
    today = timezone.localdate()
    with refusal_kept() as unknown:  # an unknown place: refused on the page, whole pharmacy shown
        if location:
            stock_locations(location)
    if unknown.error is not None:
        location = ""
    if request.GET.get("print"):
        return _archived_pdf(request, today=today, days=days, location=location)
    result = planning.planned_requirements(
        **viewing(request),
        today=today,
        days=days,
        location_code=location,
    )
    export = request.GET.get("export", "")
    if export in ("requirements", "picks"):
        return _requirements_csv(result, export)
    return render(
        request,
        "compounding/requirements.html",
        {
            "result": result,
            "days": days,
            "day_choices": range(1, planning.MAX_DAYS + 1),
            "location": location,
            "locations": location_options(),
            "today": today,
            "error": unknown.error,
        },
        status=422 if unknown.error else 200,
    )


def _archived_pdf(request: HttpRequest, *, today: date, days: int, location: str) -> HttpResponse:
    """The print through the editable template ``requirements_sheet``, archived with its
    template version (``documents``); the PDF answered is the stored one."""
    document = requirements_print(**acting(request), today=today, days=days, location_code=location)
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fabbisogno-{today:%Y-%m-%d}.pdf"'
    response["X-Corsia-Document"] = str(document.pk)
    return response


def _requirements_csv(result: PlannedRequirements, export: str) -> HttpResponse:
    """Semicolon-separated, UTF-8 with BOM (opens as columns in an Italian spreadsheet)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    first = result.days[0]
    response["Content-Disposition"] = f'attachment; filename="{export}-{first:%Y-%m-%d}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\n")
    if export == "requirements":
        writer.writerow(
            [
                "product_code",
                "product",
                *(f"units_{d:%Y-%m-%d}" for d in result.days),
                "units_needed",
                "units_in_stock",
                "units_to_order",
                "packs_to_order",
                *(f"potential_{d:%Y-%m-%d}" for d in result.days),
            ]
        )
        for row in result.products:
            line = row.line
            writer.writerow(
                [
                    row.product.code,
                    row.product.name,
                    *row.per_day,
                    row.units_needed,
                    line.units_in_stock if line else "",
                    line.units_to_order if line else "",
                    line.packs_to_order if line else "",
                    *row.potential_per_day,
                ]
            )
        return response
    writer.writerow(
        ["location", "product_code", "product", "lot", "expiry", "units", "day", "patient", "order",
         "tray_units"]
    )  # fmt: skip
    for pick in result.picks:
        for tray, units in pick.pick.trays:
            writer.writerow(
                [
                    pick.pick.location_label,
                    pick.product.code,
                    pick.product.name,
                    pick.pick.lot,
                    pick.pick.expiry.isoformat(),
                    pick.pick.quantity,
                    tray.day.isoformat(),
                    tray.patient,
                    tray.order,
                    units,
                ]
            )
    return response
