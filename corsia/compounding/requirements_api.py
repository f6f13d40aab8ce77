"""JSON API of the UFA's requirements: /api/v1/inventory/requirements (the address it has
always had, beside the stock it is planned against).

Owned by compounding (the planner of the vials, ``corsia.compounding.requirements``);
mounted in ``config/api.py`` under the inventory prefix. Thin: reads, and the print the
page offers (``requirements.pdf``, archived like the page's).

No ``from __future__ import annotations`` (ninja resolves annotations at runtime).
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema

from corsia.compounding import requirements as planning
from corsia.compounding.domain.requirements import Tray
from corsia.compounding.requirements_print import requirements_print
from corsia.core.access import api_perm
from corsia.core.web import acting, reading

router = Router(tags=["inventory"])


class DayUnits(Schema):
    day: date
    units: int


class RequirementOut(Schema):
    product_code: str
    product: str
    per_day: list[DayUnits]
    units_needed: int
    units_in_stock: int | None
    units_to_order: int | None
    packs_to_order: int | None
    first_short_day: date | None
    potential_per_day: list[DayUnits]


class TrayOut(Schema):
    day: date
    patient_id: int
    patient: str
    order_id: int
    order: str
    units: int


class PickOut(Schema):
    location: str
    product_code: str
    lot: str
    expiry: date
    quantity: int
    trays: list[TrayOut]


class ShortageOut(TrayOut):
    product_code: str


class UnplannedOut(Schema):
    day: date
    patient_id: int
    order_id: int
    ingredient: str
    dose: Decimal
    unit: str
    reason: str
    potential: bool


class RequirementsOut(Schema):
    days: list[date]
    products: list[RequirementOut]
    picks: list[PickOut]
    shortages: list[ShortageOut]
    unplanned: list[UnplannedOut]
    lines_already_drawn: int


@router.get("/requirements", response=RequirementsOut)
@api_perm(planning.VIEW_REQUIREMENTS)
def requirements(
    request: HttpRequest, days: int = planning.DEFAULT_DAYS, location: str = ""
) -> dict[str, Any]:
    """Vials per product and day for the planned orders from today, what the stock covers,
    what to order, and the pick list with the patients' trays (see the requirements page)."""
    result = planning.planned_requirements(
        **reading(request),
        today=timezone.localdate(),
        days=days,
        location_code=location,
    )

    def per_day(values: tuple[int, ...]) -> list[dict[str, Any]]:
        return [{"day": d, "units": n} for d, n in zip(result.days, values, strict=True)]

    def tray(t: Tray, units: int) -> dict[str, Any]:
        return {
            "day": t.day,
            "patient_id": t.patient_id,
            "patient": t.patient,
            "order_id": t.order_id,
            "order": t.order,
            "units": units,
        }

    return {
        "days": list(result.days),
        "products": [
            {
                "product_code": r.product.code,
                "product": r.product.name,
                "per_day": per_day(r.per_day),
                "units_needed": r.units_needed,
                "units_in_stock": r.line.units_in_stock if r.line else None,
                "units_to_order": r.line.units_to_order if r.line else None,
                "packs_to_order": r.line.packs_to_order if r.line else None,
                "first_short_day": r.line.first_short_day if r.line else None,
                "potential_per_day": per_day(r.potential_per_day),
            }
            for r in result.products
        ],
        "picks": [
            {
                "location": p.pick.location_label,
                "product_code": p.product.code,
                "lot": p.pick.lot,
                "expiry": p.pick.expiry,
                "quantity": p.pick.quantity,
                "trays": [tray(t, n) for t, n in p.pick.trays],
            }
            for p in result.picks
        ],
        "shortages": [
            tray(s.need.tray, s.need.units) | {"product_code": s.product.code}
            for s in result.shortages
        ],
        "unplanned": [
            {
                "day": u.tray.day,
                "patient_id": u.tray.patient_id,
                "order_id": u.tray.order_id,
                "ingredient": u.ingredient,
                "dose": u.dose,
                "unit": u.unit,
                "reason": u.reason,
                "potential": u.potential,
            }
            for u in result.unplanned
        ],
        "lines_already_drawn": result.lines_already_drawn,
    }


PDF_ANSWER = {
    "responses": {
        200: {
            "description": "The requirements and pick list, archived.",
            "content": {"application/pdf": {}},
        }
    }
}


@router.get("/requirements.pdf", openapi_extra=PDF_ANSWER)
@api_perm(planning.VIEW_REQUIREMENTS)
def requirements_pdf(
    request: HttpRequest, days: int = planning.DEFAULT_DAYS, location: str = ""
) -> HttpResponse:
    """The print of the requirements page (``?print=1``): the same figures as
    ``/requirements``, through the editable template ``requirements_sheet``, archived
    unsigned with its template version and the patients it names; the PDF answered is the
    archived copy, whose id is in ``X-Corsia-Document``. 422 ``days_out_of_range`` (1-14),
    422 ``location_unknown``."""
    today = timezone.localdate()
    document = requirements_print(
        **acting(request), today=today, days=days, location_code=location, channel="api"
    )
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fabbisogno-{today:%Y-%m-%d}.pdf"'
    response["X-Corsia-Document"] = str(document.pk)
    return response
