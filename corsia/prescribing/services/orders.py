"""The order as every service holds it: the permissions, the row lock, the physician's
edit check, and the version bump that withdraws the validation of changed lines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from corsia.audit.domain.events import EventType
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.prescribing import audit_events as events
from corsia.prescribing.cumulative import COMMITTED_STATES
from corsia.prescribing.domain.states import (
    OrderState,
    can_physician_edit,
    ensure_physician_can_edit,
)
from corsia.prescribing.domain.validation import VALIDATED_FIELDS, line_fingerprint
from corsia.prescribing.models import OrderItem, TherapyOrder

VIEW = "prescribing.view_order"
PRESCRIBE = "prescribing.prescribe"
RECORD_MEASUREMENT = "prescribing.record_measurement"

# States whose doses count towards the lifetime cumulative dose (given or about to be).
CUMULATIVE_STATES = COMMITTED_STATES


def locked_order(order_id: int) -> TherapyOrder:
    # Lock the order row only: with select_related, a bare FOR UPDATE would also lock the
    # patient and regimen-version rows, serialising every order of the same patient and
    # deadlocking against the foreign-key checks of concurrent writers (seen under load).
    order = (
        TherapyOrder.objects.select_for_update(of=("self",))
        .select_related("regimen_version", "patient")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound("Prescrizione inesistente.", code="order_not_found")
    return order


def editable_order(actor: User, order_id: int, expected_version: int | None) -> TherapyOrder:
    require_permission(actor, PRESCRIBE, "Solo il medico può modificare la prescrizione.")
    order = locked_order(order_id)
    if expected_version is not None:
        order.check_version(expected_version)
    if order.signed_at is not None:
        raise ValidationFailed(
            "La prescrizione è firmata: per correggerla crearne una nuova versione.",
            code="order_signed",
        )
    ensure_physician_can_edit(OrderState(order.state))
    return order


def touch_order(order: TherapyOrder, actor: User, extra: Iterable[str] = ()) -> None:
    fields = order.bump(by=actor)
    order.save(update_fields=[*fields, *extra])
    if can_physician_edit(OrderState(order.state)):
        clear_stale_validations(order, actor)


def order_edit_saved(
    order: TherapyOrder,
    actor: User,
    workstation: Workstation,
    event: EventType,
    *,
    fields: Iterable[str] = (),
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """An edit of the order saved (``touch_order``, with its changed ``fields``) and its
    audit record written, on the order and its patient."""
    touch_order(order, actor, fields)
    audit_record(
        event=event,
        actor=actor,
        workstation=workstation,
        target=order,
        patient_id=order.patient_id,
        before=before,
        after=after,
        reason=reason,
    )


def item_fingerprint(item: OrderItem) -> str:
    return line_fingerprint({f: getattr(item, f) for f in VALIDATED_FIELDS})


def clear_stale_validations(
    order: TherapyOrder, actor: User, workstation: Workstation = None
) -> None:
    """A line changed after its validation (dose, product, day, status…) loses it: it must
    be validated again. Called after every change of the order's content."""
    stale = [
        item.pk
        for item in OrderItem.objects.filter(order_id=order.pk, validated_by__isnull=False)
        if item.validated_fingerprint != item_fingerprint(item)
    ]
    if not stale:
        return
    OrderItem.objects.filter(pk__in=stale).update(
        validated_by=None, validated_at=None, validated_fingerprint=""
    )
    audit_record(
        event=events.ORDER_VALIDATION_CLEARED,
        actor=actor,
        workstation=workstation,
        target=order,
        patient_id=order.patient_id,
        after={"items": stale},
    )


def item_of_order(order: TherapyOrder, item_id: int) -> OrderItem:
    item = order.items.select_related("ingredient").filter(pk=item_id).first()
    if item is None:
        raise NotFound("Riga della prescrizione inesistente.", code="order_item_not_found")
    item.order = order
    return item


def same_drug_lines(order: TherapyOrder, item: OrderItem) -> QuerySet[OrderItem]:
    """Every day's line of the same drug (a reduction applies to the drug in the cycle)."""
    return order.items.filter(sequence=item.sequence, ingredient_id=item.ingredient_id)
