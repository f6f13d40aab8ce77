"""Leftovers (residui): the content of an opened vial, usable while it is stable.

A leftover's expiry is its opening (or reconstitution) time plus the product's opened
stability, never later than the end of its lot's expiry date — but only if it is kept as that stability requires (same temperature, and in
the dark when light protection is required). Kept otherwise it has no documented
stability: its expiry is its opening time, so it is waste at once.

A leftover is usable for a preparation only while ``now < expiry`` and only for a
product it may be shared with (``product.may_share``: same family, never originator ↔
biosimilar). Otherwise it is refused with a stable code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from corsia.compounding.domain.product import (
    ProductData,
    StorageTemperature,
    lot_end,
    may_share,
)
from corsia.core.domain.errors import ValidationFailed


class LeftoverRefused(ValidationFailed):
    code = "leftover_refused"


def leftover_expiry(
    *,
    product: ProductData,
    opened_at: datetime,
    storage: StorageTemperature,
    protected_from_light: bool,
    lot_expiry: date | None = None,
) -> datetime:
    """min(lot expiry, opening + opened stability); the opening time itself when the
    stability is not documented or the leftover is not kept as it requires."""
    stability = product.opened_stability
    if stability is None or stability.temperature is not storage:
        return opened_at
    if stability.protect_from_light and not protected_from_light:
        return opened_at
    until = stability.until(opened_at)
    if lot_expiry is not None:
        assert opened_at.tzinfo is not None  # checked by the callers (aware datetimes)
        until = min(until, lot_end(lot_expiry, opened_at.tzinfo))
    return max(until, opened_at)


@dataclass(frozen=True)
class Leftover:
    id: str
    product: ProductData
    lot: str
    volume_ml: Decimal
    opened_at: datetime
    storage: StorageTemperature
    protected_from_light: bool
    lot_expiry: date | None = None

    def __post_init__(self) -> None:
        if self.volume_ml < 0:
            raise ValidationFailed(
                "Il volume del residuo non può essere negativo.", field="volume_ml"
            )
        if self.opened_at.tzinfo is None:
            raise ValidationFailed("Data e ora senza fuso orario.", field="opened_at")
        if not self.lot.strip():
            raise ValidationFailed("Il residuo deve avere il lotto.", field="lot")

    @property
    def concentration_mg_ml(self) -> Decimal:
        return self.product.concentration_mg_ml

    @property
    def mg_available(self) -> Decimal:
        return self.volume_ml * self.product.concentration_mg_ml

    @property
    def expiry(self) -> datetime:
        return leftover_expiry(
            product=self.product,
            opened_at=self.opened_at,
            storage=self.storage,
            protected_from_light=self.protected_from_light,
            lot_expiry=self.lot_expiry,
        )

    def is_waste(self, now: datetime) -> bool:
        return now >= self.expiry


def check_leftover_use(*, leftover: Leftover, product: ProductData, now: datetime) -> None:
    """Raise ``LeftoverRefused`` unless ``leftover`` may go into a preparation of ``product``."""
    if not may_share(leftover.product, product):
        raise LeftoverRefused(
            f"Residuo di {leftover.product.name}: non si può usare per {product.name} "
            "(medicinale diverso; originatore e biosimilari non si mescolano).",
            code="leftover_other_product",
            field="leftover",
        )
    if leftover.is_waste(now):
        raise LeftoverRefused(
            f"Residuo lotto {leftover.lot} fuori stabilità dal "
            f"{leftover.expiry:%d/%m/%Y %H:%M}: va eliminato.",
            code="leftover_expired",
            field="leftover",
            details={"expiry": leftover.expiry.isoformat()},
        )
    if leftover.volume_ml == 0:
        raise LeftoverRefused("Il residuo è vuoto.", code="leftover_empty", field="leftover")


def is_usable(*, leftover: Leftover, product: ProductData, now: datetime) -> bool:
    try:
        check_leftover_use(leftover=leftover, product=product, now=now)
    except LeftoverRefused:
        return False
    return True


def split_waste(
    leftovers: Iterable[Leftover], now: datetime
) -> tuple[tuple[Leftover, ...], tuple[Leftover, ...]]:
    """(still usable, to be discarded as waste) at ``now``."""
    keep: list[Leftover] = []
    waste: list[Leftover] = []
    for leftover in leftovers:
        (waste if leftover.is_waste(now) or leftover.volume_ml == 0 else keep).append(leftover)
    return tuple(keep), tuple(waste)
