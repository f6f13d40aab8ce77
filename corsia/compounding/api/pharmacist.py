"""The pharmacist's operations: the work plan, validation and take in charge, completing
a pending preparation, hood sessions and the vial plan.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime).
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from corsia.compounding import selectors, services
from corsia.compounding.api.schemas import (
    AssignIn,
    CompleteIn,
    HoodOut,
    OrderStateOut,
    PlanIn,
    PlanOut,
    PreparationOut,
    SessionIn,
    SessionOut,
    ValidateIn,
    WorkRowOut,
    preparation_out,
)
from corsia.compounding.services import VALIDATE, VIEW
from corsia.core.access import api_perm
from corsia.core.actors import User
from corsia.core.domain.errors import ValidationFailed
from corsia.core.web import acting, reading, request_actor, request_workstation

router = Router(tags=["compounding"])


@router.get("/workplan", response=list[WorkRowOut])
@api_perm(VIEW)
def workplan(request: HttpRequest, day: date | None = None) -> list[dict[str, Any]]:
    rows = selectors.workplan_view(**reading(request), day=day or timezone.localdate())
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
            "on_hold": r.on_hold,
        }
        for r in rows
    ]


@router.post("/orders/{order_id}/validate", response=OrderStateOut)
@api_perm(VALIDATE)
def order_validate(request: HttpRequest, order_id: int, payload: ValidateIn) -> OrderStateOut:
    """Validate some drugs (``item_ids``) or all; the order is validated with the last."""
    order = services.order_item_validate(
        **acting(request),
        order_id=order_id,
        item_ids=payload.item_ids,
        pgx_override_reason=payload.pgx_override_reason,
        pgx_acknowledged=payload.pgx_acknowledged,
    )
    return OrderStateOut(
        id=order.pk, version=order.version, state=order.state, state_label=order.state_label
    )


@router.post("/orders/{order_id}/take-charge", response={201: list[PreparationOut]})
@api_perm(VALIDATE)
def order_take_charge(request: HttpRequest, order_id: int) -> Status[list[PreparationOut]]:
    """Take the validated order in charge: its preparations are created and completed."""
    created = services.order_take_charge(**acting(request), order_id=order_id)
    return Status(201, [preparation_out(p) for p in created])


@router.get("/orders/{order_id}/preparations", response=list[PreparationOut])
@api_perm(VIEW)
def order_preparations(request: HttpRequest, order_id: int) -> list[PreparationOut]:
    order = selectors.order_for_pharmacy(**reading(request), order_id=order_id)
    return [preparation_out(p) for p in selectors.order_preparations(order)]


@router.post("/preparations/{preparation_id}/complete", response=PreparationOut)
@api_perm(VALIDATE)
def preparation_complete(
    request: HttpRequest, preparation_id: int, payload: CompleteIn
) -> PreparationOut:
    """Complete a pending preparation with another product, diluent or bag."""
    prep = services.preparation_complete(
        **acting(request),
        preparation_id=preparation_id,
        product_id=payload.product_id,
        diluent=payload.diluent,
        bag_volume_ml=payload.bag_volume_ml,
    )
    return preparation_out(prep)


@router.get("/hoods", response=list[HoodOut])
@api_perm(VIEW)
def hoods(request: HttpRequest) -> list[HoodOut]:
    return [HoodOut(id=h.pk, code=h.code, name=h.name) for h in selectors.hoods()]


def _technician(technician_id: int) -> User:
    technician = selectors.user_find(user_id=technician_id, active_only=True)
    if technician is None:
        raise ValidationFailed(
            "Tecnico inesistente o non attivo.", code="technician_not_found", field="technician_id"
        )
    return technician


@router.post("/sessions", response={201: SessionOut})
@api_perm(VALIDATE)
def session_open(request: HttpRequest, payload: SessionIn) -> Status[SessionOut]:
    """Open a hood session for a technician and assign preparations to it (one transaction:
    a refused assignment opens no session)."""
    day = payload.day or timezone.localdate()
    actor, workstation = request_actor(request), request_workstation(request)
    with transaction.atomic():
        session = services.work_session_open(
            actor=actor,
            workstation=workstation,
            hood_id=payload.hood_id,
            technician=_technician(payload.technician_id),
            day=day,
        )
        assigned = (
            services.preparation_assign(
                actor=actor,
                workstation=workstation,
                preparation_ids=payload.preparation_ids,
                session_id=session.pk,
            )
            if payload.preparation_ids
            else []
        )
    return Status(
        201,
        SessionOut(
            id=session.pk,
            day=session.date,
            hood=session.hood.code,
            technician=session.technician.username,
            preparations=[preparation_out(p) for p in assigned],
        ),
    )


@router.post("/sessions/{session_id}/assign", response=list[PreparationOut])
@api_perm(VALIDATE)
def session_assign(
    request: HttpRequest, session_id: int, payload: AssignIn
) -> list[PreparationOut]:
    assigned = services.preparation_assign(
        **acting(request),
        preparation_ids=payload.preparation_ids,
        session_id=session_id,
    )
    return [preparation_out(p) for p in assigned]


@router.post("/vials/plan", response=PlanOut)
@api_perm(VALIDATE)
def vials_plan(request: HttpRequest, payload: PlanIn) -> dict[str, Any]:
    """Plan the vials of the day's preparations not yet started (of one session, if given)."""
    summary = services.vials_plan(
        **acting(request),
        day=payload.day or timezone.localdate(),
        session_id=payload.session_id,
    )
    return summary.as_json()
