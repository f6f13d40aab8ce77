"""The bag's printed label: PDF (an HTML template through WeasyPrint, as the UFA's
preparation label) and ZPL II for the pharmacy's thermal printer (``domain/label.py``)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from corsia.nutrition.domain.label import Label, bag_label, label_zpl
from corsia.nutrition.models import NutritionOrder, RouteChoice
from corsia.nutrition.selectors import PlanEntry
from corsia.patients.wristband import barcode_svg


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


def label_html(entry: PlanEntry) -> str:
    label = order_label(entry.order, entry)
    barcode = mark_safe(barcode_svg(label.bag_id))  # noqa: S308 - SVG from python-barcode, NPT-<digits>
    return render_to_string("nutrition/print/label.html", {"label": label, "barcode": barcode})


def label_pdf(entry: PlanEntry) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=label_html(entry)).write_pdf()
    return pdf


def label_zpl_text(entry: PlanEntry) -> str:
    return label_zpl(order_label(entry.order, entry))
