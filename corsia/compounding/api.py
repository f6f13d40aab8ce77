"""JSON API of the UFA: /api/v1/compounding/…"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from corsia.compounding import selectors
from corsia.compounding.robot import robot_document
from corsia.compounding.services import PREPARE, VIEW
from corsia.core.access import api_perm

router = Router(tags=["compounding"])


class WorkRowOut(Schema):
    order_id: int
    patient_mrn: str
    ingredient: str
    dose: str
    unit: str
    state: str
    state_label: str
    preparation_id: int | None
    label_code: str | None


@router.get("/workplan", response=list[WorkRowOut])
@api_perm(VIEW)
def workplan(request: HttpRequest, day: date | None = None) -> list[dict[str, Any]]:
    rows = selectors.workplan(user=request.user, day=day or timezone.localdate())
    return [
        {
            "order_id": r.order.pk,
            "patient_mrn": r.order.patient.mrn,
            "ingredient": r.item.ingredient.code,
            "dose": f"{r.item.final_dose.normalize():f}",
            "unit": r.item.amount_unit,
            "state": r.state_key,
            "state_label": r.state_label,
            "preparation_id": r.preparation.pk if r.preparation else None,
            "label_code": r.preparation.label_code if r.preparation else None,
        }
        for r in rows
    ]


@router.get("/preparations/{preparation_id}/robot", response=dict[str, Any])
@api_perm(PREPARE)
def preparation_robot(request: HttpRequest, preparation_id: int) -> dict[str, Any]:
    prep = selectors.preparation_view(
        user=request.user,
        preparation_id=preparation_id,
        workstation=getattr(request, "workstation", None),
        channel="api",
    )
    return robot_document(prep)
