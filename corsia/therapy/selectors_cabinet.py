"""The ward cabinet as the ward and the pharmacy read it: per product, the units on hand
(inventory's ledger of the cabinet: ``inventory.selectors.stock_levels``), the units the
doses of the day unloaded, the reorder level and whether the stock is below it; and the
unloads that could not be done, flagged for the pharmacy. No patient data (the doses are
named by number, not by patient): nothing to log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from corsia.core.actors import User, require_permission
from corsia.drugs.selectors import products_by_id
from corsia.inventory import selectors as stock_selectors
from corsia.patients.selectors import ward_id_by_code
from corsia.therapy.models import CabinetLevel, CabinetMove, CabinetMoveKind
from corsia.therapy.permissions import VIEW

NOT_VIEWED = "Non hai accesso alla terapia di reparto."


@dataclass(frozen=True)
class CabinetLine:
    product_id: int
    product: str
    on_hand: int  # usable units (not expired today)
    unloaded_today: int  # net of the day's reversals
    reorder_level: int | None

    @property
    def below(self) -> bool:
        return self.reorder_level is not None and self.on_hand < self.reorder_level


@dataclass(frozen=True)
class Cabinet:
    ward_code: str
    day: date
    location_code: str  # "" when the ward has no cabinet in Corsia
    lines: list[CabinetLine]
    flagged: list[CabinetMove]


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0)))


def ward_cabinet_stock(*, user: User, ward_code: str, day: date | None = None) -> Cabinet:
    """The cabinet of the ward ``ward_code`` on ``day`` (today by default)."""
    require_permission(user, VIEW, NOT_VIEWED)
    ward_id = ward_id_by_code(code=ward_code)
    day = day or timezone.localdate()
    cabinet = stock_selectors.ward_cabinet(ward_id=ward_id)
    on_hand: dict[int, int] = {}
    if cabinet is not None:
        lots = stock_selectors.stock_levels(location_code=cabinet.code)
        for total in stock_selectors.stock_totals(lots=lots, today=day):
            on_hand[total.product.pk] = total.usable_units
    moves = list(
        CabinetMove.objects.filter(ward_id=ward_id, at__gte=_start(day))
        .filter(at__lt=_start(day + timedelta(days=1)))
        .select_related("by")
    )
    unloaded: dict[int, int] = {}
    for m in moves:
        if m.flagged or m.product_id is None or m.quantity is None:
            continue
        sign = 1 if m.kind == CabinetMoveKind.UNLOAD else -1
        unloaded[m.product_id] = unloaded.get(m.product_id, 0) + sign * m.quantity
    levels = dict(
        CabinetLevel.objects.filter(ward_id=ward_id).values_list("product_id", "reorder_level")
    )
    ids = set(on_hand) | set(unloaded) | set(levels)
    names = products_by_id(ids)
    lines = [
        CabinetLine(
            product_id=pid,
            product=str(names[pid].name) if pid in names else str(pid),
            on_hand=on_hand.get(pid, 0),
            unloaded_today=unloaded.get(pid, 0),
            reorder_level=levels.get(pid),
        )
        for pid in ids
    ]
    lines.sort(key=lambda line: (not line.below, line.product.lower()))
    flagged = list(
        CabinetMove.objects.filter(
            ward_id=ward_id, flagged=True, at__gte=_start(day) - timedelta(days=6)
        )
        .select_related("by", "product")
        .order_by("-at")[:200]
    )
    return Cabinet(
        ward_code=ward_code,
        day=day,
        location_code=cabinet.code if cabinet else "",
        lines=lines,
        flagged=flagged,
    )
