"""How many units (vials, tablets) are needed, how many the stock covers, what to order.

Needs come per product and per day (compounding's requirements planning feeds them from
the planned orders: ``corsia.compounding.requirements``). A lot
covers a need only if it is still usable on that day; each day's need is served from the
usable lot expiring first. Serving days in date order from the earliest-expiring usable
lot is optimal: a later day can use fewer lots than an earlier one, never more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from corsia.inventory.domain.stock import LotStock, is_usable, require_positive


@dataclass(frozen=True)
class Need:
    product_id: int
    day: date
    units: int


@dataclass(frozen=True)
class RequirementLine:
    product_id: int
    units_needed: int
    units_in_stock: int  # usable today (expired lots excluded)
    units_covered: int  # of the needs, those the stock covers on their own day
    units_to_order: int
    packs_to_order: int
    first_short_day: date | None


def packs_for(units: int, units_per_pack: int) -> int:
    """Whole packs that hold at least ``units`` units (ceil division)."""
    if units_per_pack <= 0:
        raise ValueError("units_per_pack must be positive")
    if units <= 0:
        return 0
    return -(-units // units_per_pack)


def compute_requirements(
    needs: Iterable[Need],
    stock: Mapping[int, Sequence[LotStock]],
    *,
    units_per_pack: Mapping[int, int],
    today: date,
) -> list[RequirementLine]:
    """One line per product with a need, sorted by product id."""
    by_product: dict[int, list[Need]] = defaultdict(list)
    for need in needs:
        require_positive(need.units, field_name="units")
        by_product[need.product_id].append(need)
    lines = []
    for product_id in sorted(by_product):
        product_needs = sorted(by_product[product_id], key=lambda n: n.day)
        lots = sorted(
            (s for s in stock.get(product_id, ()) if s.quantity > 0),
            key=lambda s: (s.expiry, s.key),
        )
        in_stock = sum(s.quantity for s in lots if is_usable(s.expiry, today))
        left = {s.key: s.quantity for s in lots}
        covered = 0
        short_day: date | None = None
        for need in product_needs:
            wanted = need.units
            for lot in lots:
                if wanted == 0:
                    break
                if not is_usable(lot.expiry, need.day) or not is_usable(lot.expiry, today):
                    continue
                taken = min(left[lot.key], wanted)
                left[lot.key] -= taken
                wanted -= taken
            covered += need.units - wanted
            if wanted and short_day is None:
                short_day = need.day
        needed = sum(n.units for n in product_needs)
        to_order = needed - covered
        lines.append(
            RequirementLine(
                product_id=product_id,
                units_needed=needed,
                units_in_stock=in_stock,
                units_covered=covered,
                units_to_order=to_order,
                packs_to_order=packs_for(to_order, units_per_pack.get(product_id, 1)),
                first_short_day=short_day,
            )
        )
    return lines
