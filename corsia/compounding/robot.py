"""The preparation as a JSON document for compounding robots and hood terminals.

Served at ``GET /api/v1/compounding/preparations/{id}/robot`` (permission
``compounding.prepare``). Schema ``corsia.compounding.robot/1``; documented in the
module README. Quantities are decimal strings (never floats), times ISO 8601 with offset.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from corsia.compounding.models import Preparation

SCHEMA = "corsia.compounding.robot/1"


def _dec(value: Any) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def robot_document(prep: Preparation) -> dict[str, Any]:
    patient = prep.order.patient
    item = prep.order_item
    product = prep.product
    return {
        "schema": SCHEMA,
        "preparation": {
            "id": prep.pk,
            "label_code": prep.label_code,
            "state": prep.state,
            "scheduled_date": prep.scheduled_date.isoformat(),
            "expiry": timezone.localtime(prep.expiry_at).isoformat() if prep.expiry_at else None,
            "storage": prep.storage,
            "protect_from_light": prep.protect_from_light,
            "warnings": list(prep.warnings),
        },
        "patient": {
            "mrn": patient.mrn,
            "surname": patient.surname,
            "given_names": patient.given_names,
            "date_of_birth": patient.date_of_birth.isoformat(),
        },
        "order": {
            "id": prep.order_id,
            "regimen": prep.order.regimen_version.regimen.code,
            "cycle": prep.order.cycle_number,
            "day_of_cycle": item.day_of_cycle,
            "route": item.route,
            "duration_minutes": item.duration_minutes,
        },
        "drug": {
            "ingredient_code": item.ingredient.code,
            "ingredient_name": item.ingredient.name_it,
            "dose_mg": _dec(prep.dose_mg),
            "product_code": product.code if product else None,
            "product_name": product.name if product else None,
            "concentration_mg_ml": _dec(product.concentration) if product else None,
            "volume_to_draw_ml": _dec(prep.volume_to_draw_ml),
        },
        "container": {
            "diluent": prep.diluent,
            "bag_nominal_ml": _dec(prep.bag_volume_ml),
            "bag_overfill_ml": _dec(prep.bag_overfill_ml),
            "final_volume_ml": _dec(prep.final_volume_ml),
            "final_concentration_mg_ml": _dec(prep.final_concentration_mg_ml),
        },
        "vials": [
            {
                k: v
                for k, v in planned.items()
                if k in ("product", "mg", "source", "strength_mg", "leftover_id")
            }
            for planned in prep.planned_vials
        ],
    }
