"""Published cut-offs written as data: the band a value falls in.

A score's rules read, in its own file, as the paper tabulates them::

    PAP_GROUPS = (
        up_to(Decimal("5.5"), PapGroup.A),
        up_to(11, PapGroup.B),
        otherwise(PapGroup.C),
    )

Bands are read in order, from the lowest value up; the first that holds gives the result,
so each limit is the upper edge of its band: ``below(5, x)`` is "< 5", ``up_to(10, x)``
"≤ 10". The last band of a table is ``otherwise(...)``: a value above every limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Band(Generic[T]):
    """``result`` for values under ``limit`` (``inclusive``: up to and including it);
    ``limit`` None: every value."""

    result: T
    limit: Decimal | None = None
    inclusive: bool = False

    def holds(self, value: Decimal | int) -> bool:
        if self.limit is None:
            return True
        return value <= self.limit if self.inclusive else value < self.limit


def below(limit: Decimal | int, result: T) -> Band[T]:
    """``result`` for values < ``limit``."""
    return Band(result, Decimal(limit), inclusive=False)


def up_to(limit: Decimal | int, result: T) -> Band[T]:
    """``result`` for values ≤ ``limit``."""
    return Band(result, Decimal(limit), inclusive=True)


def otherwise(result: T) -> Band[T]:
    """``result`` for every value the bands before it left: the table's last row."""
    return Band(result)


def band(value: Decimal | int, bands: Sequence[Band[T]]) -> T:
    """The result of the first band ``value`` falls in."""
    for candidate in bands:
        if candidate.holds(value):
            return candidate.result
    raise ValueError(f"{value} is above every band and the table has no otherwise(...) row")
