"""The pick list (lista di prelievo): which lot to take from which shelf, in walking order.

Lots are chosen FEFO across every location given (expired lots never); the lines are then
sorted by the storage layout (cabinet pick order, then shelf pick order), so the technician
walks the pharmacy once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from corsia.inventory.domain.stock import LotStock, StockInsufficient, Take, fefo_take


@dataclass(frozen=True)
class PickList:
    lines: tuple[Take, ...]
    shortages: Mapping[int, int]  # product id -> units the usable stock cannot give


def layout_sorted(takes: Sequence[Take]) -> list[Take]:
    return sorted(takes, key=lambda t: (t.layout, t.location_label, t.product_id, t.expiry, t.lot))


def build_pick_list(
    needed: Mapping[int, int], stock: Mapping[int, Sequence[LotStock]], *, today: date
) -> PickList:
    takes: list[Take] = []
    shortages: dict[int, int] = {}
    for product_id, units in sorted(needed.items()):
        if units <= 0:
            continue
        lots = stock.get(product_id, ())
        try:
            takes.extend(fefo_take(lots, units, today=today))
        except StockInsufficient as short:
            available = int(short.details["available"])
            if available:
                takes.extend(fefo_take(lots, available, today=today))
            shortages[product_id] = units - available
    return PickList(lines=tuple(layout_sorted(takes)), shortages=shortages)
