"""The order's general data and the product chosen for a drug."""

from __future__ import annotations

from django.db import transaction

from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.selectors import product_find
from corsia.prescribing import audit_events as events
from corsia.prescribing.models import TherapyOrder
from corsia.prescribing.services.orders import (
    editable_order,
    item_of_order,
    order_edit_saved,
    same_drug_lines,
)


def order_update_general(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    aifa_registry_code: str | None = None,
    notes: str | None = None,
    intent: str | None = None,
    line: int | None = None,
    expected_version: int | None = None,
) -> TherapyOrder:
    with transaction.atomic():
        order = editable_order(actor, order_id, expected_version)
        before = {"aifa": order.aifa_registry_code, "intent": order.intent, "line": order.line}
        if aifa_registry_code is not None:
            order.aifa_registry_code = aifa_registry_code.strip()
        if notes is not None:
            order.notes = notes.strip()
        if intent is not None:
            order.intent = intent
        if line is not None:
            if line < 1:
                raise ValidationFailed("Linea non valida.", code="line_invalid", field="line")
            order.line = line
        order_edit_saved(
            order,
            actor,
            workstation,
            events.ORDER_UPDATED,
            fields=["aifa_registry_code", "notes", "intent", "line"],
            before=before,
            after={"aifa": order.aifa_registry_code, "intent": order.intent, "line": order.line},
        )
    return order


def order_item_choose_product(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    item_id: int,
    product_id: int | None,
    expected_version: int | None = None,
) -> TherapyOrder:
    """Choose the originator or a biosimilar for one drug of the cycle (every day's line);
    ``None`` leaves the choice to the pharmacy."""
    with transaction.atomic():
        order = editable_order(actor, order_id, expected_version)
        first = item_of_order(order, item_id)
        product = None
        if product_id is not None:
            product = product_find(product_id=product_id)
            if product is None or product.ingredient_id != first.ingredient_id:
                raise ValidationFailed(
                    f"Il prodotto scelto non contiene {first.ingredient.name_it}.",
                    code="product_other_ingredient",
                    field="product_id",
                )
        lines = same_drug_lines(order, first)
        before = list(lines.values_list("product_id", flat=True).distinct())
        lines.update(product=product)
        order_edit_saved(
            order,
            actor,
            workstation,
            events.ORDER_UPDATED,
            before={"item": first.pk, "products": before},
            after={"item": first.pk, "product": product.code if product else None},
        )
    return order
