"""The prescriber's acts: a draft (its lines, or a ward template's), signed after the checks
run again on the chart's current weight, or cancelled with a reason.

Signing: any blocking check refuses (``nutrition_order_blocked``) and nothing is written;
warnings need the prescriber's typed reason (``warning_reason_required``); the results are
stored and the order's content is frozen from then on (triggers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.nutrition import audit_events as events
from corsia.nutrition.domain.results import results_of, warnings_of
from corsia.nutrition.models import (
    NutritionOrder,
    NutritionOrderLine,
    OrderMode,
    OrderState,
    RouteChoice,
    WardTemplate,
)
from corsia.nutrition.permissions import PRESCRIBE
from corsia.nutrition.services.common import (
    LineInput,
    age_days_on,
    age_group_of,
    chart_weight,
    clean_text,
    compute,
    ensure_state,
    items_of,
    order_for_update,
    order_items,
    snapshot,
)
from corsia.patients.selectors import patient_get

MAX_DAYS_AHEAD = 7


@dataclass(frozen=True)
class OrderInput:
    route: str = ""
    infusion_hours: Decimal | None = None
    mode: str = ""
    for_date: date | None = None  # None: today
    preterm: bool = False
    lines: Sequence[LineInput] = field(default_factory=tuple)
    template_id: int | None = None  # the lines, mode, route and hours of a ward template


def _choice(choices: type[RouteChoice] | type[OrderMode], value: str, name: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(f"Valore non ammesso per «{name}».", code=f"{name}_unknown")
    return value


def _from_template(data: OrderInput) -> OrderInput:
    if data.template_id is None:
        return data
    template = WardTemplate.objects.filter(pk=data.template_id, active=True).first()
    if template is None:
        raise NotFound("Schema di reparto non trovato.", code="nutrition_template_not_found")
    return OrderInput(
        route=data.route or template.route,
        infusion_hours=data.infusion_hours or template.infusion_hours,
        mode=data.mode or template.mode,
        for_date=data.for_date,
        preterm=data.preterm,
        lines=tuple(data.lines)
        or tuple(LineInput(r["code"], Decimal(r["amount"]), r["unit"]) for r in template.lines),
        template_id=template.pk,
    )


def order_create(
    *, actor: User, workstation: Workstation, patient_id: int, data: OrderInput
) -> NutritionOrder:
    """A draft for the patient, computed on the chart's weight (missing or stale: refused);
    a draft may still hold blocking checks (it cannot be signed so)."""
    require_permission(actor, PRESCRIBE)
    data = _from_template(data)
    route = _choice(RouteChoice, data.route, "route")
    mode = _choice(OrderMode, data.mode or OrderMode.NEEDS.value, "mode")
    hours = data.infusion_hours if data.infusion_hours is not None else Decimal(24)
    today = timezone.localdate()
    for_date = data.for_date or today
    if not 0 <= (for_date - today).days <= MAX_DAYS_AHEAD:
        raise ValidationFailed(
            f"La data va da oggi a {MAX_DAYS_AHEAD} giorni.",
            code="for_date_out_of_range",
            field="for_date",
        )
    items = items_of(data.lines)
    with transaction.atomic():
        patient = patient_get(user=actor, patient_id=patient_id)
        age_days = age_days_on(patient.date_of_birth, today)
        weight = chart_weight(patient.pk)
        assessment = compute(
            weight=weight, age_days=age_days, route=route, preterm=bool(data.preterm),
            items=items, infusion_hours=hours,
        )  # fmt: skip
        order = NutritionOrder.objects.create(
            patient=patient,
            state=OrderState.DRAFT,
            age_group=age_group_of(age_days),
            mode=mode,
            route=route,
            infusion_hours=assessment.composition.infusion_hours,
            preterm=bool(data.preterm),
            for_date=for_date,
            template_id=data.template_id,
            prescriber=actor,
            workstation=workstation_label(workstation)[:120],
            weight_kg=weight.weight_kg,
            weight_measured_at=weight.measured_at,
            age_days=age_days,
            results=results_of(assessment),
            blocked=assessment.blocked,
            updated_by=actor,
        )
        NutritionOrderLine.objects.bulk_create(
            NutritionOrderLine(
                order=order, position=n, code=item.code, amount=item.amount, unit=item.unit
            )
            for n, item in enumerate(items, start=1)
        )
        audit_record(
            event=events.ORDER_DRAFTED, actor=actor, workstation=workstation, target=order,
            patient_id=order.patient_id, after=snapshot(order),
        )  # fmt: skip
    return order


def order_sign(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    expected_version: int | None,
    warning_reason: str = "",
) -> NutritionOrder:
    """The draft signed: the checks run again on the chart's weight of now."""
    require_permission(actor, PRESCRIBE)
    reason = clean_text(warning_reason, "warning_reason")
    with transaction.atomic():
        order = order_for_update(actor=actor, order_id=order_id)
        ensure_state(order, OrderState.DRAFT)
        if expected_version is not None:
            order.check_version(expected_version)
        weight = chart_weight(order.patient_id)
        assessment = compute(
            weight=weight, age_days=age_days_on(order.patient.date_of_birth, timezone.localdate()),
            route=order.route, preterm=order.preterm, items=order_items(order),
            infusion_hours=order.infusion_hours,
        )  # fmt: skip
        if assessment.blocked:
            blocks = [f.code for f in assessment.findings if f.severity.value == "block"]
            raise ValidationFailed(
                "La nutrizione parenterale ha controlli bloccanti: non si può firmare.",
                code="nutrition_order_blocked",
                details={"blocks": blocks},
            )
        warnings = warnings_of(assessment)
        if warnings and not reason:
            raise ValidationFailed(
                "Ci sono avvisi: indica il motivo per cui procedi.",
                code="warning_reason_required",
                field="warning_reason",
                details={"warnings": [f.code for f in warnings]},
            )
        before = snapshot(order)
        now = timezone.now()
        order.state = OrderState.SIGNED
        order.prescriber = actor
        order.weight_kg = weight.weight_kg
        order.weight_measured_at = weight.measured_at
        order.results = results_of(assessment)
        order.blocked = False
        order.warning_reason = reason if warnings else ""
        order.signed_at = now
        order.signed_by = actor
        order.save(
            update_fields=[
                "state", "prescriber", "weight_kg", "weight_measured_at", "results", "blocked",
                "warning_reason", "signed_at", "signed_by", *order.bump(by=actor),
            ]
        )  # fmt: skip
        audit_record(
            event=events.ORDER_SIGNED, actor=actor, workstation=workstation, target=order,
            patient_id=order.patient_id, before=before, after=snapshot(order),
            reason=order.warning_reason,
        )  # fmt: skip
    return order


def order_cancel(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    expected_version: int | None,
    reason: str,
) -> NutritionOrder:
    """Any order not yet at the bedside cancelled, with a reason."""
    require_permission(actor, PRESCRIBE)
    text = clean_text(reason, "reason", required="Indica il motivo dell'annullamento.")
    with transaction.atomic():
        order = order_for_update(actor=actor, order_id=order_id)
        ensure_state(
            order, OrderState.DRAFT, OrderState.SIGNED, OrderState.VALIDATED, OrderState.PREPARED
        )
        if expected_version is not None:
            order.check_version(expected_version)
        before = snapshot(order)
        order.state = OrderState.CANCELLED
        order.cancel_reason = text
        order.save(update_fields=["state", "cancel_reason", *order.bump(by=actor)])
        audit_record(
            event=events.ORDER_CANCELLED, actor=actor, workstation=workstation, target=order,
            patient_id=order.patient_id, before=before, after=snapshot(order), reason=text,
        )  # fmt: skip
    return order
