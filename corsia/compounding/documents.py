"""Printed documents of the UFA: preparation label (PDF and ZPL), worksheet (foglio di
lavorazione) and patient-bag label.

The PDFs are printed through the editable templates of ``corsia.documents`` (codes
``preparation_label``, ``preparation_worksheet``, ``patient_bag_label``: fields declared in
``documents/schemas_labels.py``, the default files in ``documents/templates/documents/
defaults/``) and every print is archived, unsigned, with its template version. The ZPL of
the thermal printer stays a fixed layout (``domain/labels.py``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from corsia.compounding.domain.labels import (
    PreparationLabel,
    dose_text,
    label_style,
    preparation_label_zpl,
)
from corsia.compounding.domain.product import it_number
from corsia.compounding.models import CheckOut, Preparation
from corsia.core.actors import User, Workstation
from corsia.documents.barcodes import barcode_field
from corsia.documents.services import document_print
from corsia.drugs.domain.formulation import Formulation
from corsia.regimens.domain.spec import ROUTE_LABELS_IT


def label_data(prep: Preparation) -> PreparationLabel:
    patient = prep.order.patient
    item = prep.order_item
    route = prep.route or item.route
    return PreparationLabel(
        code=prep.label_code or "",
        patient_name=f"{patient.surname.upper()} {patient.given_names}",
        patient_born=patient.date_of_birth,
        patient_mrn=patient.mrn,
        ward=prep.order.ward.name if prep.order.ward else "",
        drug=item.ingredient.name_it
        + (
            f" {prep.get_formulation_display().upper()}"
            if prep.formulation != Formulation.CONVENTIONAL
            else ""
        ),
        dose=dose_text(prep.dose_mg, prep.dose_unit, it_number(prep.dose_mg)),
        final_volume=f"{it_number(prep.final_volume_ml)} mL" if prep.final_volume_ml else "-",
        diluent=(
            f"{prep.diluent} {it_number(prep.bag_volume_ml)} mL" if prep.bag_volume_ml else "-"
        ),
        route=str(ROUTE_LABELS_IT.get(route, route)),  # type: ignore[call-overload]  # str key into the StrEnum map
        prepared_at=timezone.localtime(prep.ended_at) if prep.ended_at else None,
        expiry=timezone.localtime(prep.expiry_at) if prep.expiry_at else None,
        storage=(
            "Conservare in frigorifero (2-8 °C)"
            if prep.storage == "2-8 °C"
            else "Conservare a temperatura ambiente (non oltre 25 °C)"
        ),
        protect_from_light=prep.protect_from_light,
        style=label_style(
            route=route,
            atc_codes=[item.ingredient.atc_code, *(item.ingredient.other_atc_codes or [])],
        ),
    )


def _when(moment: datetime | None) -> str:
    return f"{moment:%d/%m/%Y %H:%M}" if moment is not None else ""


def label_fields(data: PreparationLabel) -> dict[str, Any]:
    """The ``label`` object of the preparation's prints (schema ``preparation_label``)."""
    return {
        "code": data.code,
        "ward": data.ward,
        "drug": data.drug,
        "dose": data.dose,
        "final_volume": data.final_volume,
        "diluent": data.diluent,
        "route": data.route,
        "prepared_at": _when(data.prepared_at),
        "expiry": _when(data.expiry),
        "storage": data.storage,
        "protect_from_light": data.protect_from_light,
        "style": str(data.style),
        "warning": data.warning,
        "band_colour": data.band_colour,
        "band_text_colour": data.band_text_colour,
    }


def label_context(prep: Preparation) -> dict[str, Any]:
    data = label_data(prep)
    return {"label": label_fields(data), "barcode": barcode_field(data.code)}


def _archived(
    *,
    actor: User,
    workstation: Workstation,
    code: str,
    title: str,
    patient: Any,
    context: dict[str, Any],
    source: tuple[str, str, int],
) -> bytes:
    """Print through the editable template ``code``, archived (unsigned) with its template
    version; the bytes are the stored document's."""
    document = document_print(
        actor=actor,
        workstation=workstation,
        template_code=code,
        title=title,
        patient=patient,
        context=context,
        source=source,
    )
    return bytes(document.content)


def label_pdf(prep: Preparation, *, actor: User, workstation: Workstation) -> bytes:
    return _archived(
        actor=actor,
        workstation=workstation,
        code="preparation_label",
        title=f"Etichetta {prep.label_code}",
        patient=prep.order.patient,
        context=label_context(prep),
        source=("compounding", "preparation", prep.pk),
    )


def label_zpl(prep: Preparation) -> str:
    return preparation_label_zpl(label_data(prep))


def _number(value: Decimal | None) -> str:
    return it_number(value) if value is not None else ""


def worksheet_fields(prep: Preparation) -> dict[str, Any]:
    """The ``worksheet`` object (schema ``preparation_worksheet``): what the hood needs."""
    order, item = prep.order, prep.order_item
    return {
        "regimen": order.regimen_version.regimen.code if order.regimen_version else "",
        "cycle": str(order.cycle_number),
        "day": str(item.day_of_cycle),
        "scheduled_date": f"{prep.scheduled_date:%d/%m/%Y}" if prep.scheduled_date else "",
        "product": prep.product.name if prep.product else "",
        "formulation": str(prep.get_formulation_display()),
        "volume_to_draw": _number(prep.volume_to_draw_ml),
        "final_concentration": _number(prep.final_concentration_mg_ml),
        "dose_unit": prep.dose_unit,
        "warnings": [str(w) for w in prep.warnings or []],
        "planned_vials": [
            {
                "product": str(v.get("product", "")),
                "amount": _number(Decimal(str(v["mg"]))) if v.get("mg") is not None else "",
                "leftover": v.get("source") == "leftover",
            }
            for v in prep.planned_vials or []
        ],
        "vials": [
            {
                "product": v.product.name,
                "lot": v.lot,
                "lot_expiry": f"{v.lot_expiry:%d/%m/%Y}",
                "amount": _number(v.mg_drawn),
                "ml": _number(v.ml_drawn),
            }
            for v in prep.vials.select_related("product")
        ],
        "weighings": [
            {
                "recorded_at": _when(timezone.localtime(w.recorded_at)),
                "message": w.message,
                "source": w.source_text,
                "typed": bool(w.typed),
            }
            for w in prep.weighings.all()
        ],
    }


def worksheet_pdf(prep: Preparation, *, actor: User, workstation: Workstation) -> bytes:
    return _archived(
        actor=actor,
        workstation=workstation,
        code="preparation_worksheet",
        title=f"Foglio di lavorazione {prep.label_code}",
        patient=prep.order.patient,
        context={**label_context(prep), "worksheet": worksheet_fields(prep)},
        source=("compounding", "preparation", prep.pk),
    )


def bag_context(checkout: CheckOut) -> dict[str, Any]:
    preps = checkout.preparations.select_related("order_item__ingredient").order_by("pk")
    ward = checkout.order.ward
    return {
        "checkout": {
            "delivery_document": checkout.delivery_document,
            "checked_out_at": _when(timezone.localtime(checkout.checked_out_at)),
            "day": f"{checkout.day:%d/%m/%Y}",
            "ward": ward.name if ward else "",
        },
        "preparations": [
            {
                "code": p.label_code or "",
                "drug": p.order_item.ingredient.name_it,
                "dose": dose_text(p.dose_mg, p.dose_unit, it_number(p.dose_mg)),
            }
            for p in preps
        ],
        "barcode": barcode_field(f"BAG{checkout.pk:09d}"),
    }


def bag_label_pdf(checkout: CheckOut, *, actor: User, workstation: Workstation) -> bytes:
    return _archived(
        actor=actor,
        workstation=workstation,
        code="patient_bag_label",
        title=f"Sacchetto paziente BAG{checkout.pk:09d}",
        patient=checkout.order.patient,
        context=bag_context(checkout),
        source=("compounding", "checkout", checkout.pk),
    )
