"""The prescriber's acts: a draft (its lines, or a ward template's), edited while still a
draft (everything computed and checked again as at drafting), signed after the checks run
again on the chart's current weight, or cancelled with a reason.

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
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.nutrition import audit_events as events
from corsia.nutrition.domain.composition import Item
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


@dataclass(frozen=True)
class _Prepared:
    """An order's input checked before anything is locked or written."""

    data: OrderInput
    route: str
    mode: str
    hours: Decimal
    for_date: date
    items: list[Item]


def _prepared(data: OrderInput) -> _Prepared:
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
    return _Prepared(data, route, mode, hours, for_date, items_of(data.lines))


def _write_lines(order: NutritionOrder, items: Sequence[Item]) -> None:
    NutritionOrderLine.objects.bulk_create(
        NutritionOrderLine(
            order=order, position=n, code=item.code, amount=item.amount, unit=item.unit,
            revision=order.lines_revision,
        )
        for n, item in enumerate(items, start=1)
    )  # fmt: skip


def _lines_summary(order: NutritionOrder) -> list[str]:
    return [f"{line.code} {line.amount} {line.unit}" for line in order.lines.all()]


def order_create(
    *, actor: User, workstation: Workstation, patient_id: int, data: OrderInput
) -> NutritionOrder:
    """A draft for the patient, computed on the chart's weight (missing or stale: refused);
    a draft may still hold blocking checks (it cannot be signed so)."""
    require_permission(actor, PRESCRIBE)
    ready = _prepared(data)
    with transaction.atomic():
        patient = patient_get(user=actor, patient_id=patient_id)
        today = timezone.localdate()
        age_days = age_days_on(patient.date_of_birth, today)
        weight = chart_weight(patient.pk)
        assessment = compute(
            weight=weight, age_days=age_days, route=ready.route, preterm=bool(ready.data.preterm),
            items=ready.items, infusion_hours=ready.hours,
        )  # fmt: skip
        order = NutritionOrder.objects.create(
            patient=patient,
            state=OrderState.DRAFT,
            age_group=age_group_of(age_days),
            mode=ready.mode,
            route=ready.route,
            infusion_hours=assessment.composition.infusion_hours,
            preterm=bool(ready.data.preterm),
            for_date=ready.for_date,
            template_id=ready.data.template_id,
            prescriber=actor,
            workstation=workstation_label(workstation)[:120],
            weight_kg=weight.weight_kg,
            weight_measured_at=weight.measured_at,
            age_days=age_days,
            results=results_of(assessment),
            blocked=assessment.blocked,
            updated_by=actor,
        )
        _write_lines(order, ready.items)
        audit_record(
            event=events.ORDER_DRAFTED, actor=actor, workstation=workstation, target=order,
            patient_id=order.patient_id, after=snapshot(order),
        )  # fmt: skip
    return order


def ensure_editable(order: NutritionOrder) -> None:
    """Only a draft is edited (409 ``nutrition_order_not_editable``)."""
    if order.state != OrderState.DRAFT:
        raise ConflictError(
            f"La nutrizione parenterale è «{OrderState(order.state).label}»: "
            "si modifica solo una bozza (annullala e prescrivine una nuova).",
            code="nutrition_order_not_editable",
            details={"state": order.state},
        )


def order_edit(
    *, actor: User, workstation: Workstation, order_id: int, version: int, data: OrderInput
) -> NutritionOrder:
    """A draft edited: its lines, route, infusion hours, date, preterm flag replaced, and
    everything computed and checked again on the chart's weight of now, exactly as at
    drafting (missing or stale weight refused). Only a draft (409
    ``nutrition_order_not_editable``), only from the version the form was built on (409
    ``stale_version``). The earlier lines stay, superseded (``lines_revision``)."""
    require_permission(actor, PRESCRIBE)
    ready = _prepared(data)
    with transaction.atomic():
        order = order_for_update(actor=actor, order_id=order_id)
        ensure_editable(order)
        order.check_version(version)
        today = timezone.localdate()
        age_days = age_days_on(order.patient.date_of_birth, today)
        weight = chart_weight(order.patient_id)
        assessment = compute(
            weight=weight, age_days=age_days, route=ready.route, preterm=bool(ready.data.preterm),
            items=ready.items, infusion_hours=ready.hours,
        )  # fmt: skip
        before = snapshot(order) | {"lines": _lines_summary(order)}
        order.age_group = age_group_of(age_days)
        order.mode = ready.mode
        order.route = ready.route
        order.infusion_hours = assessment.composition.infusion_hours
        order.preterm = bool(ready.data.preterm)
        order.for_date = ready.for_date
        order.template_id = ready.data.template_id or order.template_id
        order.prescriber = actor
        order.workstation = workstation_label(workstation)[:120]
        order.weight_kg = weight.weight_kg
        order.weight_measured_at = weight.measured_at
        order.age_days = age_days
        order.results = results_of(assessment)
        order.blocked = assessment.blocked
        order.lines_revision += 1
        order.save(
            update_fields=[
                "age_group", "mode", "route", "infusion_hours", "preterm", "for_date",
                "template", "prescriber", "workstation", "weight_kg", "weight_measured_at",
                "age_days", "results", "blocked", "lines_revision", *order.bump(by=actor),
            ]
        )  # fmt: skip
        _write_lines(order, ready.items)
        audit_record(
            event=events.ORDER_EDITED, actor=actor, workstation=workstation, target=order,
            patient_id=order.patient_id, before=before,
            after=snapshot(order) | {"lines": _lines_summary(order)},
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
