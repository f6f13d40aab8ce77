"""The bag's printed label: PDF through the editable template ``nutrition_label`` of
``corsia.documents`` (fields declared in ``documents/schemas_wards.py``), archived unsigned
with its template version at every print (issue 23 §22-23); ZPL II for the pharmacy's
thermal printer, a fixed layout (``domain/label.py``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from corsia.core.actors import User, Workstation
from corsia.documents.barcodes import barcode_field
from corsia.documents.services import document_print
from corsia.nutrition.domain.label import (
    BAG_STORAGE,
    Label,
    bag_label,
    label_zpl,
    osmolarity_text,
)
from corsia.nutrition.models import NutritionOrder, RouteChoice
from corsia.nutrition.selectors import PlanEntry

if TYPE_CHECKING:
    from corsia.documents.models import Document


def order_label(order: NutritionOrder, entry: PlanEntry) -> Label:
    """The bag's label (page, PDF and ZPL alike): the patient's two identifiers (name and
    date of birth, MRN), the route, the composition in compounding order, the rate and
    the expiry in local time."""
    patient = order.patient
    return bag_label(
        bag_id=order.bag_id,
        patient=f"{patient.surname} {patient.given_names} ({patient.date_of_birth:%d/%m/%Y})",
        patient_mrn=patient.mrn,
        route=str(RouteChoice(order.route).label),
        steps=entry.steps,
        infusion_hours=order.infusion_hours,
        prepared_at=timezone.localtime(order.prepared_at) if order.prepared_at else None,
        stability_hours=settings.CORSIA_NUTRITION_STABILITY_HOURS,
    )


def _number(value: Decimal) -> str:
    return f"{value:f}".replace(".", ",")


def _when(moment: datetime | None) -> str:
    return f"{moment:%d/%m/%Y %H:%M}" if moment is not None else ""


def label_context(entry: PlanEntry) -> dict[str, Any]:
    """The ``bag`` and ``barcode`` of the print (schema ``nutrition_label``)."""
    order = entry.order
    label = order_label(order, entry)
    results = order.results or {}
    return {
        "bag": {
            "id": label.bag_id,
            "route": label.route,
            "peripheral": order.route == RouteChoice.PERIPHERAL,
            "volume": f"{_number(label.volume_ml)} mL",
            "infusion_hours": f"{_number(label.infusion_hours.normalize())} h",
            "rate": f"{_number(label.rate_ml_h)} mL/h",
            "osmolarity": osmolarity_text(results.get("osmolarity_mosm_l")),
            "osmolarity_limit": f"{settings.CORSIA_NUTRITION_PERIPHERAL_MAX_MOSM_L} mOsm/L",
            "lines": [
                {
                    "name": line.name,
                    "prescribed": line.prescribed,
                    "volume": _number(line.volume_ml),
                }
                for line in label.lines
            ],
            "prepared_at": _when(label.prepared_at),
            "expiry": _when(label.expires_at),
            "storage": BAG_STORAGE,
        },
        "barcode": barcode_field(label.bag_id),
    }


def label_print(entry: PlanEntry, *, actor: User, workstation: Workstation) -> Document:
    """The label's PDF through its editable template, archived (unsigned)."""
    return document_print(
        actor=actor,
        workstation=workstation,
        template_code="nutrition_label",
        title=f"Etichetta sacca {entry.order.bag_id}",
        patient=entry.order.patient,
        context=label_context(entry),
        source=("nutrition", "nutritionorder", entry.order.pk),
    )


def label_pdf(entry: PlanEntry, *, actor: User, workstation: Workstation) -> bytes:
    return bytes(label_print(entry, actor=actor, workstation=workstation).content)


def label_zpl_text(entry: PlanEntry) -> str:
    return label_zpl(order_label(entry.order, entry))
