"""Per-line validation: the pharmacist (or a second physician) validates the lines of an
order, independently of everyone who wrote it; a changed line loses its validation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from corsia.accounts.selectors import user_roles
from corsia.audit.selectors import event_actor_ids
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.prescribing import audit_events as events
from corsia.prescribing.domain.states import (
    OrderEvent,
    OrderState,
    ensure_independent_validator,
    may_fire,
)
from corsia.prescribing.models import OrderItem, OrderTransition, TherapyOrder
from corsia.prescribing.services.orders import item_fingerprint, locked_order
from corsia.prescribing.services.pgx_check import PHARMACIST, order_pgx_check


def order_authors(order: TherapyOrder) -> set[int]:
    """Every person who wrote the order: prescribed, edited, confirmed or signed it (from
    the order's own stamps, its transitions and its audit events)."""
    authors = {
        pk
        for pk in (order.prescriber_id, order.confirmed_by_id, order.signed_by_id)
        if pk is not None
    }
    authors |= set(
        OrderTransition.objects.filter(
            order_id=order.pk, event=OrderEvent.CONFIRM.value
        ).values_list("actor_id", flat=True)
    )
    authors |= event_actor_ids(target=order, events=_AUTHOR_EVENTS)
    return authors


_AUTHOR_EVENTS = (
    events.ORDER_CREATED,
    events.ORDER_RECALCULATED,
    events.ORDER_ITEM_ADJUSTED,
    events.ORDER_ITEM_STATUS,
    events.ORDER_ITEM_ADDED,
    events.ORDER_DAY_MOVED,
    events.ORDER_UPDATED,
    events.ORDER_DUPLICATED,
    events.ORDER_SIGNED,
    events.ORDER_SCHEDULE_JUSTIFIED,
)


def _ensure_validator(order: TherapyOrder, actor: User) -> None:
    if not may_fire(OrderEvent.VALIDATE, user_roles(actor)):
        raise PermissionRefused("Il tuo ruolo non può validare le prescrizioni.")
    ensure_independent_validator(
        prescriber_id=order.prescriber_id, validator_id=actor.pk, authors=order_authors(order)
    )


def stamp_validation(
    order: TherapyOrder, items: Iterable[OrderItem], actor: User, now: datetime
) -> list[int]:
    """Validate the lines not validated as they are now; returns the ids stamped."""
    stamped = []
    for item in items:
        current = item_fingerprint(item)
        if item.validated_by_id is not None and item.validated_fingerprint == current:
            continue
        item.validated_by, item.validated_at, item.validated_fingerprint = actor, now, current
        item.save(update_fields=["validated_by", "validated_at", "validated_fingerprint"])
        stamped.append(item.pk)
    return stamped


def order_item_is_validated(item: OrderItem) -> bool:
    """The line carries a validation of its current content."""
    return item.validated_by_id is not None and item.validated_fingerprint == item_fingerprint(item)


def order_items_validate(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    item_ids: Iterable[int],
    pgx_override_reason: str = "",
    pgx_acknowledged: bool = False,
) -> TherapyOrder:
    """The pharmacist (or a second physician) validates some lines of an order sent to the
    pharmacy, independently of whoever wrote it; the order itself is validated by the
    ``validate`` decision (``order_transition``) once every line needed is.

    A pharmacogenomic result nobody has gone past (recorded after the order was signed)
    refuses it (``pgx_contraindicated`` / ``pgx_warning_unacknowledged``) until the
    pharmacist overrides it with a reason or acknowledges it."""
    wanted = set(item_ids)
    with transaction.atomic():
        order = locked_order(order_id)
        if order.state != OrderState.SENT_TO_PHARMACY.value:
            raise ConflictError(
                f"La prescrizione è «{order.state_label}»: si valida quando è inviata in farmacia.",
                code="order_not_sent",
                details={"state": order.state},
            )
        _ensure_validator(order, actor)
        order_pgx_check(
            order=order,
            items=order.items.select_related("ingredient"),
            actor=actor,
            workstation=workstation,
            override_reason=pgx_override_reason,
            acknowledged=pgx_acknowledged,
            role=PHARMACIST,
        )
        items = list(order.items.filter(pk__in=wanted))
        if len(items) != len(wanted):
            raise ValidationFailed(
                "Farmaco non presente in questa prescrizione.",
                code="item_not_in_order",
                field="item_id",
            )
        stamped = stamp_validation(order, items, actor, timezone.now())
        audit_record(
            event=events.ORDER_ITEMS_VALIDATED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            after={"items": sorted(wanted), "stamped": stamped},
        )
    return order
