"""The pharmacist's validation of an order sent to the pharmacy, independently of the
prescriber: drug by drug or all at once (the order is validated with its last drug), or
the order given back to the physician with a reason.

The order belongs to prescribing: the per-line validation goes through
``order_items_validate`` (independent validator), the order's states through
``order_transition``; this module never sets them itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.compounding import audit_events as events
from corsia.compounding.domain.workflow import PrepEvent, PrepState
from corsia.compounding.models import Preparation
from corsia.compounding.services.steps import VALIDATE, fire, save_preparation
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.prescribing.cumulative import order_cumulative_ensure
from corsia.prescribing.domain.states import OrderEvent, OrderState
from corsia.prescribing.dosing_basis import order_measures_check
from corsia.prescribing.selectors import order_for_update, pharmacy_items
from corsia.prescribing.services import (
    order_item_is_validated,
    order_items_validate,
    order_transition,
)

if TYPE_CHECKING:
    from corsia.prescribing.models import TherapyOrder


def _order_for_validation(order_id: int) -> TherapyOrder:
    order = order_for_update(order_id)
    if order.state != OrderState.SENT_TO_PHARMACY:
        raise ConflictError(
            f"La prescrizione è «{order.state_label}»: si valida quando è inviata in farmacia.",
            code="order_not_sent",
            details={"state": order.state},
        )
    return order


def order_item_validate(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    item_ids: Sequence[int] | None = None,
    pgx_override_reason: str = "",
    pgx_acknowledged: bool = False,
) -> TherapyOrder:
    """The pharmacist validates one or more drugs of the order (``None``: all of them),
    independently of the prescriber; when every pharmacy drug is validated the order is.
    A pharmacogenomic result recorded after the order was signed is gone past first
    (``pgx_override_reason`` / ``pgx_acknowledged``, prescribing's barrier)."""
    require_permission(actor, VALIDATE, "Non hai il permesso di validare le prescrizioni.")
    with transaction.atomic():
        order = _order_for_validation(order_id)
        order_cumulative_ensure(order_id=order.pk)  # H06: the history may have grown
        order_measures_check(order=order, stage="validate")  # newer measures: recalculate
        items = pharmacy_items(order)
        chosen = items if item_ids is None else [i for i in items if i.pk in set(item_ids)]
        if item_ids is not None and len(chosen) != len(set(item_ids)):
            raise ValidationFailed(
                "Farmaco non presente fra quelli da allestire di questa prescrizione.",
                code="item_not_in_order",
                field="item_id",
            )
        order_items_validate(
            actor=actor,
            workstation=workstation,
            order_id=order.pk,
            item_ids=[i.pk for i in chosen],
            pgx_override_reason=pgx_override_reason,
            pgx_acknowledged=pgx_acknowledged,
        )
        audit_record(
            event=events.ITEM_VALIDATED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            after={"items": [i.pk for i in chosen]},
        )
        if all(order_item_is_validated(i) for i in pharmacy_items(order)):
            order_transition(
                actor=actor, workstation=workstation, order_id=order.pk, event=OrderEvent.VALIDATE
            )
    order.refresh_from_db()
    return order


def order_return_to_prescriber(
    *, actor: User, workstation: Workstation, order_id: int, reason: str
) -> TherapyOrder:
    """Give the order back to the physician with a reason; its preparations are rejected."""
    require_permission(actor, VALIDATE, "Non hai il permesso di restituire le prescrizioni.")
    with transaction.atomic():
        order = order_transition(
            actor=actor,
            workstation=workstation,
            order_id=order_id,
            event=OrderEvent.RETURN_TO_PRESCRIBER,
            reason=reason,
        )
        for prep in Preparation.objects.select_for_update().filter(
            order_id=order_id,
            state__in=[PrepState.PENDING, PrepState.VALIDATED, PrepState.ASSIGNED],
        ):
            fire(prep, PrepEvent.REJECT)
            prep.state_reason = f"Prescrizione restituita al prescrittore: {reason.strip()}"
            save_preparation(prep, actor, ["state", "state_reason"])
        audit_record(
            event=events.ORDER_RETURNED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            reason=reason.strip(),
        )
    return order
