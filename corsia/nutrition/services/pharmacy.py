"""The pharmacist's acts after signing: a pharmacist who is not the prescriber validates
(the checks run again on the signed weight: a bag that blocks now is refused) or rejects
with a reason. The bag's compounding, check-out and bedside start are in ``bag.py``."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from corsia.audit.domain.events import EventType
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.nutrition import audit_events as events
from corsia.nutrition.models import NutritionOrder, OrderState
from corsia.nutrition.permissions import VALIDATE
from corsia.nutrition.services.common import (
    ChartWeight,
    clean_text,
    compute,
    ensure_state,
    order_for_update,
    order_items,
    snapshot,
)


def _not_own(actor: User, order: NutritionOrder) -> None:
    if actor.pk == order.prescriber_id:
        raise PermissionRefused(
            "Non puoi validare una nutrizione parenterale che hai prescritto tu.",
            code="self_validation_refused",
        )


def _still_clear(order: NutritionOrder) -> None:
    """The signed bag on its signed weight, checked with today's pharmacy data."""
    assert order.age_days is not None
    assessment = compute(
        weight=ChartWeight(order.weight_kg, order.weight_measured_at), age_days=order.age_days,
        route=order.route, preterm=order.preterm, items=order_items(order),
        infusion_hours=order.infusion_hours, check_weight_age=False,
    )  # fmt: skip
    if order.blocked or assessment.blocked:
        raise ValidationFailed(
            "La nutrizione parenterale ha controlli bloccanti: non si può validare.",
            code="nutrition_order_blocked",
        )


def order_validate(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    expected_version: int | None,
    note: str = "",
) -> NutritionOrder:
    require_permission(actor, VALIDATE)
    text = clean_text(note, "note")
    with transaction.atomic():
        order = order_for_update(actor=actor, order_id=order_id)
        ensure_state(order, OrderState.SIGNED)
        _not_own(actor, order)
        if expected_version is not None:
            order.check_version(expected_version)
        _still_clear(order)
        before = snapshot(order)
        order.state = OrderState.VALIDATED
        order.validated_at = timezone.now()
        order.validated_by = actor
        order.validation_note = text
        order.save(
            update_fields=[
                "state", "validated_at", "validated_by", "validation_note",
                *order.bump(by=actor),
            ]
        )  # fmt: skip
        _audit(events.ORDER_VALIDATED, actor, workstation, order, before)
    return order


def order_reject(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    expected_version: int | None,
    reason: str,
) -> NutritionOrder:
    require_permission(actor, VALIDATE)
    text = clean_text(reason, "reason", required="Indica il motivo del rifiuto.")
    with transaction.atomic():
        order = order_for_update(actor=actor, order_id=order_id)
        ensure_state(order, OrderState.SIGNED)
        _not_own(actor, order)
        if expected_version is not None:
            order.check_version(expected_version)
        before = snapshot(order)
        order.state = OrderState.REJECTED
        order.validated_at = timezone.now()
        order.validated_by = actor
        order.rejection_reason = text
        order.save(
            update_fields=[
                "state", "validated_at", "validated_by", "rejection_reason",
                *order.bump(by=actor),
            ]
        )  # fmt: skip
        _audit(events.ORDER_REJECTED, actor, workstation, order, before, reason=text)
    return order


def _audit(
    event: EventType,
    actor: User,
    workstation: Workstation,
    order: NutritionOrder,
    before: dict[str, object],
    *,
    reason: str = "",
) -> None:
    audit_record(
        event=event, actor=actor, workstation=workstation, target=order,
        patient_id=order.patient_id, before=before, after=snapshot(order), reason=reason,
    )  # fmt: skip
