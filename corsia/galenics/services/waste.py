"""Raw material weighed for a batch and thrown away, out of the stock as waste: the
material of a rejected batch, and the material of a weighing done again after a spill or
an overshoot. The weighed amount becomes whole stock units rounded up, as the release
unloads them; the lot weighed, the batch's cost centre, the batch number as reference.

The stock's refusal (the lot no longer on the shelf, too few units, no stock permission)
never stops the act that throws the material away: it is caught in a savepoint and its code
returned, for the record to show and the storekeeper to correct the count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import ConflictError, CorsiaError
from corsia.galenics.domain.units import Quantity, Unit, stock_units
from corsia.galenics.models import Batch, BatchLine
from corsia.inventory.selectors import lot_location
from corsia.inventory.services import stock_waste


@dataclass(frozen=True)
class Wasted:
    units: int
    refusal: str  # the stock's refusal code; "" when the units were unloaded

    @property
    def done(self) -> bool:
        return not self.refusal


def weighed_to_waste(
    *,
    batch: Batch,
    line: BatchLine,
    weighed: Decimal,
    unit: str,
    lot: str,
    reason: str,
    moment: datetime,
    actor: User,
    workstation: Workstation,
) -> Wasted:
    """``weighed`` (in ``unit``) of ``line``'s product from ``lot`` out of the stock as waste."""
    ingredient = line.ingredient
    units = stock_units(
        Quantity(weighed, Unit(unit)),
        Quantity(ingredient.stock_amount, Unit(ingredient.stock_unit)),
    )
    try:
        with transaction.atomic():
            location = lot_location(product_id=line.product_id, lot=lot)
            if location is None:
                raise ConflictError(
                    f"Il lotto {lot} non è più in giacenza.", code="lot_not_in_stock"
                )
            stock_waste(
                actor=actor,
                workstation=workstation,
                product=line.product,
                lot=lot,
                quantity=units,
                location=location,
                reason=reason[:500],
                now=moment,
                cost_center=batch.cost_center,
                reference=f"galenic:{batch.number}",
            )
    except CorsiaError as refusal:
        return Wasted(units, refusal.code[:40])
    return Wasted(units, "")
