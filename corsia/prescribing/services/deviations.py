"""Deviations from the regimen, each with its reason: a reduced or typed dose (within the
hard limits unless overridden), a suspended line or skipped day, a moved day, an added
drug."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.drugs.selectors import ingredient_get_by_id
from corsia.prescribing import audit_events as events
from corsia.prescribing.cumulative import BLOCK_CODE as CUMULATIVE_BLOCK_CODE
from corsia.prescribing.cumulative import order_cumulative_refresh
from corsia.prescribing.domain.assessment import assess_patient
from corsia.prescribing.domain.checks import final_dose_check
from corsia.prescribing.domain.errors import (
    CumulativeDoseExceeded,
    DoseLimitExceeded,
    MaxSingleDoseExceeded,
)
from corsia.prescribing.domain.limits import LIMIT_CHECKS, MAX_DOSE, LimitBlock, LimitOverride
from corsia.prescribing.domain.order_lines import cycle_dates, ensure_reason, reduced_dose
from corsia.prescribing.dosing_basis import policy_for
from corsia.prescribing.models import ItemStatus, OrderItem, TherapyOrder
from corsia.prescribing.services.allergies import order_allergy_check
from corsia.prescribing.services.doses import (
    apply_line,
    check_final_dose,
    item_maximum,
    line_dose,
    oral_tablets,
    order_measures,
)
from corsia.prescribing.services.orders import (
    editable_order,
    item_of_order,
    order_edit_saved,
    same_drug_lines,
)
from corsia.prescribing.services.pgx_check import order_pgx_check


def order_item_adjust(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    item_id: int,
    reason: str,
    reduction_percent: Decimal | None = None,
    final_dose: Decimal | None = None,
    override_reason: str = "",
    override_checks: Iterable[str] | None = None,
    expected_version: int | None = None,
    all_days: bool = True,
    pgx_override_reason: str = "",
    pgx_acknowledged: bool = False,
) -> TherapyOrder:
    """Reduce one drug by a percentage, or set its final dose; a reason is mandatory.

    The new final dose passes the same hard limits as a computed one (the regimen's or the
    archive's maximum, the cumulative lifetime dose), whatever way it was obtained. A value
    above a limit is refused unless ``override_reason`` is given: then an override is
    recorded for each exceeded check (or only ``override_checks``) and for this value only.
    A lower value is never refused (the block stays until an override or a value within
    the limit, which clears it); confirmation refuses while a block is pending.

    A dose raised above a pharmacogenomic recommendation (``services/pgx_check.py``) is
    refused as at creation until overridden or acknowledged (``pgx_override_reason`` /
    ``pgx_acknowledged``); a reduction never is.
    """
    checks = None if override_checks is None else set(override_checks)
    if checks is not None and not checks <= set(LIMIT_CHECKS):
        raise ValidationFailed(
            f"Controllo da superare sconosciuto: {', '.join(sorted(checks - set(LIMIT_CHECKS)))}.",
            code="override_check_unknown",
            field="override_checks",
        )
    override_text = override_reason.strip()
    with transaction.atomic():
        order = editable_order(actor, order_id, expected_version)
        first = item_of_order(order, item_id)
        targets = (
            list(same_drug_lines(order, first).select_related("ingredient", "regimen_component"))
            if all_days
            else [first]
        )
        decimals = order.regimen_version.dose_decimals
        before = [{"id": t.pk, "final_dose": str(t.final_dose)} for t in targets]
        previous = [t.final_dose for t in targets]
        granted: list[dict[str, Any]] = []
        for item in targets:
            item.order = order
            previous_value = item.final_dose
            if reduction_percent is not None:
                new = reduced_dose(item.calculated_dose, reduction_percent, decimals=decimals)
                if reduction_percent:
                    ensure_reason(
                        reason,
                        what=f"Riduzione di {item.ingredient.name_it}",
                        field="deviation_reason",
                    )
                item.reduction_percent = reduction_percent
            elif final_dose is not None:
                new = final_dose
                item.reduction_percent = Decimal(0)
            else:
                raise ValidationFailed(
                    "Indicare la percentuale di riduzione o la dose finale.",
                    code="adjustment_missing",
                    field="reduction_percent",
                )
            final_dose_check(
                calculated_mg=item.calculated_dose,
                final_mg=new,
                reason=reason,
                unit=item.amount_unit,
            )
            item.final_dose = new
            item.deviation_reason = reason.strip() if new != item.calculated_dose else ""
            cumulative_blocked = item.block_code == CUMULATIVE_BLOCK_CODE
            cumulative_message = item.block_message if cumulative_blocked else ""
            maximum = item_maximum(item)
            pending = check_final_dose(item, maximum=maximum)
            if pending and override_text:
                value = item.final_quantity
                stamp = timezone.now().isoformat()
                for block in pending:
                    if checks is not None and block.code not in checks:
                        continue
                    entry = LimitOverride(
                        check=block.code,
                        value=value.value,
                        unit=value.unit.value,
                        reason=override_text,
                        by_id=actor.pk,
                        by=actor.get_full_name() or actor.get_username(),
                        at=stamp,
                    ).as_json()
                    item.overrides = [*item.overrides, entry]
                    granted.append({"item": item.pk, **entry})
                pending = check_final_dose(item, maximum=maximum)
            if pending and new > previous_value:
                _refuse_above_limit(item, pending)
            if cumulative_blocked and not item.block_code and override_text:
                # the cycle's lifetime total was over its limit: the physician exceeds it
                # knowingly; order_cumulative_refresh keeps it for the total shown (H06)
                item.block_code = CUMULATIVE_BLOCK_CODE
                item.block_message = cumulative_message
                item.override_reason = override_text
            oral_tablets(item)
            item.save(
                update_fields=[
                    "tablets",
                    "final_dose",
                    "reduction_percent",
                    "deviation_reason",
                    "override_reason",
                    "blocks",
                    "block_code",
                    "block_message",
                    "overrides",
                ]
            )
        if any(t.final_dose > old for t, old in zip(targets, previous, strict=True)):
            order_pgx_check(
                order=order,
                items=order.items.select_related("ingredient"),
                actor=actor,
                workstation=workstation,
                override_reason=pgx_override_reason,
                acknowledged=pgx_acknowledged,
            )
        order_cumulative_refresh(order)
        order_edit_saved(
            order,
            actor,
            workstation,
            events.ORDER_ITEM_ADJUSTED,
            before={"items": before},
            after={
                "items": [
                    {
                        "id": t.pk,
                        "final_dose": str(t.final_dose),
                        "unit": t.amount_unit,
                        "blocked": [b.code for b in t.pending_blocks],
                    }
                    for t in targets
                ],
                "reduction_percent": str(reduction_percent) if reduction_percent else None,
                "override": bool(granted),
                "overrides": [
                    {"item": g["item"], "check": g["check"], "value": g["value"], "unit": g["unit"]}
                    for g in granted
                ],
            },
            reason=reason or override_text,
        )
    return order


def _refuse_above_limit(item: OrderItem, pending: tuple[LimitBlock, ...]) -> None:
    """A dose raised above a hard limit without an override for this value: nothing saved."""
    error_class: type[DoseLimitExceeded] = (
        MaxSingleDoseExceeded if pending[0].code == MAX_DOSE else CumulativeDoseExceeded
    )
    raise error_class(
        " ".join(b.message for b in pending)
        + " Per superare il limite indicare il motivo del superamento.",
        field="override_reason",
        details={
            "item_id": item.pk,
            "checks": [b.code for b in pending],
            "final_dose": format(item.final_dose.normalize(), "f"),
            "unit": item.amount_unit,
        },
    )


def order_reduce_all(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    reduction_percent: Decimal,
    reason: str,
    expected_version: int | None = None,
) -> TherapyOrder:
    """Reduce every antineoplastic of the cycle by the same percentage."""
    ensure_reason(reason, what="Riduzione di tutti i farmaci", field="deviation_reason")
    with transaction.atomic():
        order = editable_order(actor, order_id, expected_version)
        lines = {
            (i.sequence, i.ingredient_id): i.pk
            for i in order.items.filter(role="antineoplastic", status=ItemStatus.ACTIVE)
        }
        version = order.version
        for item_id in lines.values():
            order_item_adjust(
                actor=actor,
                workstation=workstation,
                order_id=order.pk,
                item_id=item_id,
                reason=reason,
                reduction_percent=reduction_percent,
            )
        order.refresh_from_db()
        if order.version == version:  # nothing to reduce
            raise ValidationFailed(
                "Nessun antiblastico attivo da ridurre.", code="nothing_to_reduce"
            )
    return order


def order_item_set_status(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    item_id: int,
    status: str,
    reason: str,
    whole_day: bool = False,
    expected_version: int | None = None,
) -> TherapyOrder:
    """Suspend (or reactivate) one drug, or skip (or restore) a whole day; reason required."""
    try:
        target = ItemStatus(status)
    except ValueError:
        raise ValidationFailed(
            "Stato della riga non valido.", code="item_status", field="status"
        ) from None
    ensure_reason(reason, what="Sospensione o riattivazione", field="reason")
    with transaction.atomic():
        order = editable_order(actor, order_id, expected_version)
        item = item_of_order(order, item_id)
        rows = (
            order.items.filter(day_of_cycle=item.day_of_cycle)
            if whole_day
            else order.items.filter(pk=item.pk)
        )
        ids = list(rows.values_list("pk", flat=True))
        rows.update(status=target.value, status_reason=reason.strip())
        if not order.items.exclude(status__in=[ItemStatus.SUSPENDED, ItemStatus.SKIPPED]).exists():
            raise ValidationFailed(
                "Non resta alcun farmaco attivo: per non somministrare il ciclo sospendere "
                "o annullare la prescrizione.",
                code="no_active_item",
            )
        order_cumulative_refresh(order)
        order_edit_saved(
            order,
            actor,
            workstation,
            events.ORDER_ITEM_STATUS,
            after={"items": ids, "status": target.value, "whole_day": whole_day},
            reason=reason,
        )
    return order


def order_day_move(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    day_of_cycle: int,
    new_date: date,
    reason: str,
    expected_version: int | None = None,
) -> TherapyOrder:
    """Move every drug of one day of the cycle to another date (reason required)."""
    ensure_reason(reason, what="Spostamento del giorno di terapia", field="reason")
    with transaction.atomic():
        order = editable_order(actor, order_id, expected_version)
        rows = order.items.filter(day_of_cycle=day_of_cycle)
        old = rows.values_list("scheduled_date", flat=True).first()
        if old is None:
            raise NotFound(f"Il ciclo non ha un giorno {day_of_cycle}.", code="cycle_day_not_found")
        if new_date < order.start_date:
            raise ValidationFailed(
                "Un giorno del ciclo non può precedere l'inizio del ciclo.",
                code="day_before_start",
                field="new_date",
            )
        rows.update(scheduled_date=new_date)
        order_edit_saved(
            order,
            actor,
            workstation,
            events.ORDER_DAY_MOVED,
            before={"day": day_of_cycle, "date": old.isoformat()},
            after={"day": day_of_cycle, "date": new_date.isoformat()},
            reason=reason,
        )
    return order


def order_item_add(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    ingredient_id: int,
    dose: Decimal,
    dose_unit: str,
    day_of_cycle: int,
    route: str,
    reason: str,
    role: str = "supportive",
    competence: str = "ward",
    duration_minutes: int | None = None,
    expected_version: int | None = None,
    allergy_override_reason: str = "",
    allergy_acknowledged: bool = False,
    pgx_override_reason: str = "",
    pgx_acknowledged: bool = False,
    pgx_checked_by_caller: bool = False,
) -> TherapyOrder:
    """Add a drug outside the regimen (antiemetic, ancillary…): a recorded deviation.

    The patient's allergies are checked against the drug added, as at creation and
    signature: a match refuses the line (``allergy_contraindicated`` /
    ``allergy_warning_unacknowledged``, nothing saved) unless ``allergy_override_reason``
    says why or the mild/suspected warning is acknowledged; the pharmacogenomic results
    likewise (``pgx_override_reason`` / ``pgx_acknowledged``; ``pgx_checked_by_caller``:
    the duplication checks the whole new cycle once)."""
    ensure_reason(reason, what="Farmaco aggiunto allo schema", field="reason")
    with transaction.atomic():
        order = editable_order(actor, order_id, expected_version)
        ingredient = ingredient_get_by_id(ingredient_id=ingredient_id)
        days = order.items.filter(day_of_cycle=day_of_cycle)
        when = days.values_list("scheduled_date", flat=True).first()
        if when is None:
            when = cycle_dates(order.start_date, [day_of_cycle])[day_of_cycle]
        body = assess_patient(order_measures(order), policy_for(order))
        line = line_dose(
            ingredient=ingredient,
            dose=dose,
            dose_unit=dose_unit,
            max_dose=None,
            body=body,
            patient_id=order.patient_id,
            exclude_order_id=order.pk,
            decimals=order.regimen_version.dose_decimals,
        )
        sequence = (max(order.items.values_list("sequence", flat=True), default=0) or 0) + 1
        item = OrderItem(
            order=order,
            ingredient=ingredient,
            sequence=sequence,
            day_of_cycle=day_of_cycle,
            scheduled_date=when,
            role=role,
            route=route,
            competence=competence,
            duration_minutes=duration_minutes,
            dose=dose,
            dose_unit=dose_unit,
            added=True,
            deviation_reason=reason.strip(),
        )
        apply_line(item, line)
        item.save()
        order_allergy_check(
            order=order,
            items=[item],
            actor=actor,
            workstation=workstation,
            override_reason=allergy_override_reason,
            acknowledged=allergy_acknowledged,
        )
        if not pgx_checked_by_caller:
            order_pgx_check(
                order=order,
                items=order.items.select_related("ingredient"),
                actor=actor,
                workstation=workstation,
                override_reason=pgx_override_reason,
                acknowledged=pgx_acknowledged,
            )
        order_cumulative_refresh(order)
        order_edit_saved(
            order,
            actor,
            workstation,
            events.ORDER_ITEM_ADDED,
            after={
                "ingredient": ingredient.code,
                "dose": str(dose),
                "unit": dose_unit,
                "day": day_of_cycle,
                "final_dose": str(item.final_dose),
            },
            reason=reason,
        )
    return order
