"""The pharmacy stock: lots loaded from delivery documents, FEFO unloads, expired lots."""

from __future__ import annotations

import math
import random
from bisect import insort
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from bench.records import Staff
from bench.unit.archive import Product

# ------------------------------------------------------------------ the stock


@dataclass
class Lot:
    id: int
    code: str
    expiry: date
    quantity: int
    product: Product
    created_at: datetime
    updated_at: datetime


class Stock:
    """Lots per product, FEFO; delivered when a product runs low; expired lots wasted."""

    def __init__(self, rng: random.Random, staff: Staff, first_lot_id: int) -> None:
        self.rng, self.staff = rng, staff
        self.lots: dict[str, list[Lot]] = defaultdict(list)  # per product, by expiry
        self.all_lots: list[Lot] = []
        self.used: dict[str, deque[date]] = defaultdict(deque)
        self.movements: list[tuple[Any, ...]] = []
        self.next_lot_id = first_lot_id
        self.deliveries = 0
        self.lot_serial = 0

    def _on_hand(self, code: str, day: date) -> int:
        return sum(lot.quantity for lot in self.lots[code] if lot.expiry >= day)

    def _waste_expired(self, code: str, day: date, now: datetime) -> None:
        for lot in self.lots[code]:
            if lot.expiry < day and lot.quantity > 0:
                at = datetime.combine(lot.expiry + timedelta(days=1), dtime(8, 0), tzinfo=UTC)
                if at > now:
                    continue
                self.movements.append(
                    (
                        "waste", lot.code, lot.expiry, lot.quantity, lot.product.unit_cost, "",
                        "", None, f"Lotto scaduto il {lot.expiry:%d/%m/%Y}", "", at,
                        self.staff.pharmacists[0], None, lot.product.pack_id, None,
                        lot.product.id, lot.product.location_id, None,
                    )
                )  # fmt: skip
                lot.quantity, lot.updated_at = 0, at

    def _deliver(self, product: Product, at: datetime, units: int) -> None:
        packs = max(1, math.ceil(units / product.units_per_pack))
        quantity = packs * product.units_per_pack
        self.lot_serial += 1
        self.deliveries += 1
        code = f"B{at:%y}{self.lot_serial:06d}"
        expiry = at.date() + timedelta(days=self.rng.randint(240, 900))
        lot = Lot(self.next_lot_id, code, expiry, quantity, product, at, at)
        self.next_lot_id += 1
        insort(self.lots[product.code], lot, key=lambda x: (x.expiry, x.id))
        self.all_lots.append(lot)
        self.movements.append(
            (
                "load", code, expiry, quantity, product.unit_cost,
                f"DDT {at:%Y}/{self.deliveries:06d}", product.supplier, at.date(), "", "", at,
                self.rng.choice(self.staff.pharmacists), None, product.pack_id, None, product.id,
                None, product.location_id,
            )
        )  # fmt: skip

    def take(self, product: Product, at: datetime, now: datetime) -> Lot:
        """The lot a new vial comes from (first expiry first), delivering if needed."""
        day = at.date()
        code = product.code
        self._waste_expired(code, day, now)
        used = self.used[code]
        while used and used[0] < day - timedelta(days=28):
            used.popleft()
        on_hand = self._on_hand(code, day)
        if on_hand <= max(1, len(used) // 4):  # about a week left: order four weeks
            delivered = min(
                at - timedelta(minutes=40), datetime.combine(day, dtime(7, 30), tzinfo=UTC)
            )
            self._deliver(product, delivered, max(len(used), 4))
        used.append(day)
        lot = next(lot for lot in self.lots[code] if lot.expiry >= day and lot.quantity > 0)
        return lot

    def unload(
        self,
        lot: Lot,
        at: datetime,
        *,
        actor: int,
        cost_center: int | None,
        patient: int,
        label: str,
    ) -> None:
        lot.quantity -= 1
        lot.updated_at = max(lot.updated_at, at)
        self.movements.append(
            (
                "unload", lot.code, lot.expiry, 1, lot.product.unit_cost,
                f"preparation:{label}", "", None, "", "", at, actor, cost_center,
                lot.product.pack_id, patient, lot.product.id, lot.product.location_id, None,
            )
        )  # fmt: skip

    def close(self, today: date, now: datetime) -> None:
        for code in list(self.lots):
            self._waste_expired(code, today, now)
