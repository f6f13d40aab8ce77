"""The patient's exposures to the drugs a limit counts, as dose events (given, committed,
given elsewhere, this order), and the tallies of an order and of the patient."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from corsia.patients.selectors import patient_and_merged_ids
from corsia.prescribing.cumulative.limits import (
    COMMITTED_STATES,
    counted_codes,
    limits_for,
    unit_conversions,
)
from corsia.prescribing.cumulative.prior_doses import current_prior_doses
from corsia.prescribing.domain.cumulative import (
    DoseEvent,
    Source,
    Tally,
    tally,
)
from corsia.prescribing.given import GivenDoseRecord, doses_given
from corsia.prescribing.models import ItemStatus, OrderItem, PriorDose, TherapyOrder


def _line_label(order: TherapyOrder, item: OrderItem) -> str:
    return f"ciclo {order.cycle_number} giorno {item.day_of_cycle} ({item.scheduled_date:%d/%m/%Y})"


def _line_event(order: TherapyOrder, item: OrderItem, amount: Decimal, source: Source) -> DoseEvent:
    """``amount`` of the order line ``item`` as a dose towards its drug's cumulative."""
    return DoseEvent(
        ingredient=item.ingredient.code,
        amount=amount,
        unit=item.amount_unit,
        source=source,
        bsa_m2=order.bsa_m2,
        label=_line_label(order, item),
    )


def given_lines(order_item_ids: Iterable[int]) -> QuerySet[OrderItem, tuple[Any, ...]]:
    """Of each line given: its order's BSA and cycle, its day (the event's label)."""
    return OrderItem.objects.filter(pk__in=sorted(set(order_item_ids))).values_list(
        "pk", "order__bsa_m2", "order__cycle_number", "scheduled_date"
    )


@dataclass(frozen=True)
class Exposures:
    """The patient's exposures to the drugs counted, as read: the doses given (with their
    lines' order BSA, cycle and day), the active lines of the committed orders (their order
    and drug read with them, by day), the current records of doses given elsewhere."""

    given: tuple[GivenDoseRecord, ...]
    given_lines: Mapping[int, tuple[Any, ...]]
    committed: tuple[OrderItem, ...]
    prior: tuple[PriorDose, ...]


def exposure_events(
    exposures: Exposures,
) -> tuple[list[DoseEvent], Callable[[OrderItem, Decimal], Decimal]]:
    """The dose events of the exposures, and what of a line is still to be given."""
    given_by_item: dict[int, Decimal] = {}
    finished: set[int] = set()
    for g in exposures.given:
        given_by_item[g.order_item_id] = (
            given_by_item.get(g.order_item_id, Decimal(0)) + g.amount_given
        )
        if g.finished:
            finished.add(g.order_item_id)
    result: list[DoseEvent] = []
    for g in exposures.given:
        bsa, cycle, day = exposures.given_lines.get(g.order_item_id, (None, None, None))
        result.append(
            DoseEvent(
                ingredient=g.ingredient_code,
                amount=g.amount_given,
                unit=g.dose_unit,
                source=Source.ADMINISTERED,
                bsa_m2=bsa,
                label=f"somministrato ciclo {cycle} ({day:%d/%m/%Y})" if day else "somministrato",
            )
        )

    def remainder(item: OrderItem, final: Decimal) -> Decimal:
        if item.pk in finished:
            return Decimal(0)
        return max(final - given_by_item.get(item.pk, Decimal(0)), Decimal(0))

    for item in exposures.committed:
        amount = remainder(item, item.final_dose * item.administrations_per_day)
        if amount:
            result.append(_line_event(item.order, item, amount, Source.COMMITTED))
    for prior in exposures.prior:
        if prior.amount:
            result.append(
                DoseEvent(
                    ingredient=prior.ingredient.code,
                    amount=prior.amount,
                    unit=prior.unit,
                    source=Source.ELSEWHERE,
                    bsa_m2=prior.bsa_m2,
                    label=f"{prior.hospital} ({prior.given_from:%d/%m/%Y})",
                )
            )
    return result, remainder


def patient_dose_events(
    *,
    patient_id: int,
    codes: Iterable[str],
    order: TherapyOrder | None = None,
    proposed: Mapping[int, Decimal] | None = None,
) -> list[DoseEvent]:
    """Every exposure of the patient to these drugs, by source. ``order`` is the order
    being checked (its lines count as THIS_ORDER whatever its state); ``proposed`` maps
    an item id of that order to a final dose being typed (not saved yet)."""
    codes = set(codes)
    proposed = proposed or {}
    given = doses_given(patient_id=patient_id, ingredient_codes=codes)
    item_info = given_lines(g.order_item_id for g in given)
    committed = (
        OrderItem.objects.filter(
            order__patient_id__in=patient_and_merged_ids(patient_id=patient_id),
            order__state__in=COMMITTED_STATES,
            ingredient__code__in=codes,
            status=ItemStatus.ACTIVE,
        )
        .select_related("order", "ingredient")
        .order_by("scheduled_date", "id")
    )
    if order is not None:
        committed = committed.exclude(order_id=order.pk)
    prior = current_prior_doses(patient_id=patient_id).filter(ingredient__code__in=codes)
    result, remainder = exposure_events(
        Exposures(
            given=tuple(given),
            given_lines={row[0]: row[1:] for row in item_info},
            committed=tuple(committed),
            prior=tuple(prior),
        )
    )
    if order is not None:
        for item in order.items.filter(
            status=ItemStatus.ACTIVE, ingredient__code__in=codes
        ).select_related("ingredient"):
            per_day = item.administrations_per_day
            amount = remainder(item, proposed.get(item.pk, item.final_dose) * per_day)
            if amount:
                result.append(_line_event(order, item, amount, Source.THIS_ORDER))
    return result


def order_cumulative(
    order: TherapyOrder, *, proposed: Mapping[int, Decimal] | None = None
) -> list[Tally]:
    """Every lifetime limit the order's drugs touch, with the cycle's whole sum and the
    history. ``proposed`` (item id -> final dose) lets a typed dose be checked first."""
    codes = set(
        order.items.filter(status=ItemStatus.ACTIVE).values_list("ingredient__code", flat=True)
    )
    limits = limits_for(codes)
    if not limits:
        return []
    events = patient_dose_events(
        patient_id=order.patient_id, codes=counted_codes(limits), order=order, proposed=proposed
    )
    return [tally(lim, events, unit_conversions()) for lim in limits]


def patient_cumulative(*, patient_id: int) -> list[Tally]:
    """The patient's lifetime totals so far (no order being checked), for the patient page."""
    codes: set[str] = set(
        PriorDose.objects.filter(
            patient_id__in=patient_and_merged_ids(patient_id=patient_id)
        ).values_list("ingredient__code", flat=True)
    )
    codes |= set(
        OrderItem.objects.filter(
            order__patient_id__in=patient_and_merged_ids(patient_id=patient_id),
            order__state__in=COMMITTED_STATES,
        ).values_list("ingredient__code", flat=True)
    )
    codes |= {g.ingredient_code for g in doses_given(patient_id=patient_id)}
    limits = limits_for(codes)
    if not limits:
        return []
    events = patient_dose_events(patient_id=patient_id, codes=counted_codes(limits))
    return [tally(lim, events, unit_conversions()) for lim in limits]
