"""Small statistics the reports share, written out so a hand count can check them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

N = TypeVar("N", Decimal, int)  # quantities, or whole seconds


def percentile(values: Sequence[N], p: int) -> N | None:
    """The nearest-rank percentile: the smallest value with at least ``p`` % of the values
    at or below it (rank ⌈p/100 × n⌉ of the sorted values); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p * len(ordered) / 100))
    return ordered[rank - 1]
