"""The requirements and pick list printed through the editable template ``requirements_sheet``
(``corsia.documents``, fields in ``documents/schemas_lists.py``) and archived, unsigned, with
its template version (issue 23 §22-23), with the ids of the patients it names (reopening it
from the archive logs a read of each). The numbers are those of the page
(``requirements.planned_requirements``): the print shows exactly what the pharmacist saw.
Printed by the page (``?print=1``) and the API (``/api/v1/inventory/requirements.pdf``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from corsia.compounding.domain.product import it_number
from corsia.compounding.domain.requirements import Tray
from corsia.compounding.requirements import PlannedRequirements, planned_requirements
from corsia.core.actors import User, Workstation
from corsia.documents.services import document_print
from corsia.inventory.selectors import location_options

if TYPE_CHECKING:
    from corsia.documents.models import Document

WEEKDAYS_IT = ("lun", "mar", "mer", "gio", "ven", "sab", "dom")
CODE = "requirements_sheet"


def _day(day: date) -> str:
    return f"{day:%d/%m}"


def _tray(tray: Tray) -> dict[str, Any]:
    return {"day": _day(tray.day), "patient": tray.patient, "order": tray.order}


def _dose(value: Decimal) -> str:
    return f"{it_number(value)} mg"


def requirements_context(
    result: PlannedRequirements, *, location: str, printed_by: str
) -> dict[str, Any]:
    """The ``requirements`` object of the print, from the page's result."""
    products = []
    for row in result.products:
        line = row.line
        if line is None and not row.potential_units:
            continue
        products.append(
            {
                "code": row.product.code,
                "name": row.product.name,
                "per_day": list(row.per_day),
                "total": row.units_needed,
                "in_stock": line.units_in_stock if line else 0,
                "to_order": line.units_to_order if line else 0,
                "packs_to_order": line.packs_to_order if line else 0,
                "short_from": _day(line.first_short_day) if line and line.first_short_day else "",
                "potential": row.potential_units,
            }
        )
    return {
        "first_day": f"{result.days[0]:%d/%m/%Y}",
        "last_day": f"{result.days[-1]:%d/%m/%Y}",
        "location": location,
        "printed_by": printed_by,
        "days": [f"{WEEKDAYS_IT[d.weekday()]} {_day(d)}" for d in result.days],
        "drawn_excluded": result.lines_already_drawn,
        "products": products,
        "picks": [
            {
                "location": p.pick.location_label,
                "product": p.product.name,
                "lot": p.pick.lot,
                "expiry": f"{p.pick.expiry:%d/%m/%Y}",
                "quantity": p.pick.quantity,
                "trays": [{**_tray(t), "units": n} for t, n in p.pick.trays],
            }
            for p in result.picks
        ],
        "shortages": [
            {**_tray(s.need.tray), "product": s.product.name, "units": s.need.units}
            for s in result.shortages
        ],
        "unplanned": [
            {
                **_tray(u.tray),
                "drug": f"{u.ingredient} {it_number(u.dose)} {u.unit}",
                "reason": u.reason,
                "draft": u.potential,
            }
            for u in result.unplanned
        ],
        "doses": [
            {
                **_tray(row.planned.dose.tray),
                "drug": row.planned.dose.ingredient,
                "dose": _dose(row.planned.dose.dose),
                "vials": "; ".join(f"{n} × {product.name}" for product, n in row.vials)
                or "da un flacone già aperto per questo giorno",
            }
            for row in result.dose_rows
        ],
    }


def named_patient_ids(result: PlannedRequirements) -> list[int]:
    """The patients the print names: those of the trays picked, short, not computable and
    of the vials per dose (the potential workload is printed as numbers only)."""
    trays = [
        *(tray for p in result.picks for tray, _units in p.pick.trays),
        *(s.need.tray for s in result.shortages),
        *(u.tray for u in result.unplanned),
        *(d.dose.tray for d in result.doses),
    ]
    return sorted({t.patient_id for t in trays if t.patient_id})


def requirements_print(
    *,
    actor: User,
    workstation: Workstation,
    today: date,
    days: int,
    location_code: str = "",
    channel: str = "web",
) -> Document:
    """Compute the requirements (permission ``inventory.view_requirements``, the patients'
    reads logged) and archive their print, with the patients it names (reopening it from
    the archive logs a read of each); the caller answers ``document.content``."""
    result = planned_requirements(
        user=actor,
        today=today,
        days=days,
        location_code=location_code,
        workstation=workstation,
        channel=channel,
    )
    label = next((str(loc) for loc in location_options() if loc.code == location_code), "")
    context = {
        "requirements": requirements_context(
            result,
            location=label or location_code,
            printed_by=str(actor.get_full_name() or actor.username),
        )
    }
    return document_print(
        actor=actor,
        workstation=workstation,
        template_code=CODE,
        title=f"Fabbisogno UFA dal {result.days[0]:%d/%m/%Y} al {result.days[-1]:%d/%m/%Y}",
        patient=None,
        context=context,
        source=("compounding", "requirements", f"{result.days[0].isoformat()}+{days}"),
        named_patients=named_patient_ids(result),
    )
