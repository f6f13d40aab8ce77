"""Stock arithmetic and the FEFO (first-expiry-first-out) choice of lots.

A lot is *usable on* a day when that day is not after its expiry date (a pack marked
"Scad. 31/10/2026" may be used on 31 October 2026, not on 1 November). Expired lots are
never chosen and never taken, whatever the caller asks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from corsia.core.domain.errors import ConflictError, ValidationFailed

# A location's place in the storage layout, root first: ((pick_order, code), ...).
Layout = tuple[tuple[int, str], ...]


class LotExpired(ConflictError):
    code = "lot_expired"


class StockInsufficient(ConflictError):
    code = "stock_insufficient"


class QuantityInvalid(ValidationFailed):
    code = "quantity_invalid"


@dataclass(frozen=True)
class _LotUnits:
    """Units of one lot in one location. ``key`` is opaque to the domain (a row id)."""

    key: int
    product_id: int
    lot: str
    expiry: date
    quantity: int
    location_key: int = 0
    location_label: str = ""
    layout: Layout = field(default=())


@dataclass(frozen=True)
class LotStock(_LotUnits):
    """What one lot holds in one location."""


@dataclass(frozen=True)
class Take(_LotUnits):
    """Units to take from one lot."""


def is_usable(expiry: date, on: date) -> bool:
    return on <= expiry


def require_positive(units: int, *, field_name: str = "quantity") -> int:
    if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
        raise QuantityInvalid(
            "La quantità deve essere un numero intero di unità maggiore di zero.",
            field=field_name,
            details={"quantity": str(units)},
        )
    return units


def subtract(available: int, units: int) -> int:
    """``available - units``; stock never goes below zero."""
    require_positive(units)
    if units > available:
        raise StockInsufficient(
            f"Giacenza insufficiente: richieste {units} unità, disponibili {available}.",
            details={"requested": units, "available": available},
        )
    return available - units


def add(available: int, units: int) -> int:
    require_positive(units)
    return available + units


def fefo_sorted(lots: Iterable[LotStock]) -> list[LotStock]:
    """Earliest expiry first; then the nearer place in the layout, the smaller remainder, the
    lot code (so the choice is deterministic)."""
    return sorted(lots, key=lambda s: (s.expiry, s.layout, s.quantity, s.lot, s.key))


def _take(stock: LotStock, units: int) -> Take:
    return Take(**{**vars(stock), "quantity": units})


def fefo_take(lots: Sequence[LotStock], units: int, *, today: date) -> list[Take]:
    """The takes that give ``units`` from the lots, earliest usable expiry first.

    Refuses with ``stock_insufficient`` (and takes nothing) when the usable lots do not hold
    enough; expired units are counted in the refusal's details but never taken.
    """
    require_positive(units)
    usable = [s for s in lots if s.quantity > 0 and is_usable(s.expiry, today)]
    available = sum(s.quantity for s in usable)
    if available < units:
        expired = sum(s.quantity for s in lots if s.quantity > 0 and not is_usable(s.expiry, today))
        message = f"Giacenza insufficiente: richieste {units} unità, utilizzabili {available}."
        if expired:
            message += f" Altre {expired} unità sono scadute e non possono essere usate."
        raise StockInsufficient(
            message, details={"requested": units, "available": available, "expired": expired}
        )
    takes: list[Take] = []
    remaining = units
    for stock in fefo_sorted(usable):
        if remaining == 0:
            break
        taken = min(stock.quantity, remaining)
        takes.append(_take(stock, taken))
        remaining -= taken
    return takes


def lot_take(stock: LotStock, units: int, *, today: date) -> Take:
    """Take ``units`` from one named lot: refused if it is expired or holds too few."""
    require_positive(units)
    if not is_usable(stock.expiry, today):
        raise LotExpired(
            f"Il lotto {stock.lot} è scaduto il {stock.expiry:%d/%m/%Y}: non può essere usato.",
            field="lot",
            details={"lot": stock.lot, "expiry": stock.expiry.isoformat()},
        )
    subtract(stock.quantity, units)
    return _take(stock, units)
