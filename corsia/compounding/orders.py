"""The orders the UFA works on: the one file of compounding that reads prescribing's
tables (``TherapyOrder``, ``OrderItem``).

Everything else in compounding reaches an order through its own rows' foreign keys
(``preparation.order``, ``checkout.order``) or through prescribing's public services
(``order_transition``, ``order_items_validate``, ``order_milestone_record``). What is left
here has no public prescribing function yet: locking the order row for a pharmacist's act
(validation, take in charge, check-out), the order header of the UFA pages (read under
compounding's own permission, not prescribing's) and the pharmacy lines of a period (the
work plan and the requirements, potential workload included). When prescribing offers
them, this file calls them and the import-linter ignore for it goes (ADR 0003).
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from corsia.core.domain.errors import NotFound
from corsia.prescribing.domain.states import OrderState
from corsia.prescribing.models import ItemStatus, OrderItem, TherapyOrder

PHARMACY = "pharmacy"  # an order line the UFA prepares (``OrderItem.competence``)


def order_for_update(order_id: int) -> TherapyOrder:
    """The order, its row locked for the rest of the transaction."""
    order = TherapyOrder.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("Prescrizione inesistente.", code="order_not_found")
    return order


def order_find(order_id: int) -> TherapyOrder | None:
    """The order with what the UFA pages show of it (patient, regimen, people, ward)."""
    return (
        TherapyOrder.objects.select_related(
            "patient", "regimen_version__regimen", "prescriber", "ward", "validated_by"
        )
        .filter(pk=order_id)
        .first()
    )


def pharmacy_items(order: TherapyOrder) -> list[OrderItem]:
    """The order's active lines the UFA prepares, in the order of the cycle."""
    return list(
        order.items.filter(competence=PHARMACY, status=ItemStatus.ACTIVE)
        .select_related("ingredient", "product", "regimen_component")
        .order_by("day_of_cycle", "sequence")
    )


def pharmacy_lines(
    *, first_day: date, last_day: date, states: tuple[OrderState | str, ...]
) -> QuerySet[OrderItem]:
    """The active lines the UFA prepares, given from ``first_day`` to ``last_day``, of the
    orders in ``states`` (unordered: the caller orders and joins what it shows)."""
    return OrderItem.objects.filter(
        scheduled_date__gte=first_day,
        scheduled_date__lte=last_day,
        competence=PHARMACY,
        status=ItemStatus.ACTIVE,
        order__state__in=[str(s) for s in states],
    )
