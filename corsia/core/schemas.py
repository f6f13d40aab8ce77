"""Bounded input types for the API's schemas (django-ninja / pydantic).

A field typed with one of these refuses, with a 422 naming the field, what the database
could not hold or what no clinical meaning allows — instead of a 500 from PostgreSQL
(``numeric field overflow``) or from date arithmetic (``OverflowError``)::

    class DoseIn(Schema):
        amount: Amount
        days_ahead: DayCount = 7
        given_at: AwareDatetime
        reason: Reason = ""

``BadInputMiddleware`` and the API's ``DataError``/``OverflowError`` handlers are the
backstop for schemas that still use bare ``Decimal``/``int``/``datetime``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, Field

__all__ = ["Amount", "AwareDatetime", "BoundedInt", "DayCount", "Reason", "RecordId"]

AMOUNT_LIMIT = Decimal("1000000000")  # 1e9: above any dose, volume, price or quantity

# A dose, volume, quantity, price: finite, |x| < 1e9, at most 6 decimals (numeric(18, 6)).
Amount = Annotated[
    Decimal,
    Field(allow_inf_nan=False, gt=-AMOUNT_LIMIT, lt=AMOUNT_LIMIT, max_digits=18, decimal_places=6),
]
# Any whole number a PostgreSQL integer column holds.
BoundedInt = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
# The id of a record (bigint primary key).
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
# A span of days in a query (days ahead, days back): up to ten years.
DayCount = Annotated[int, Field(ge=0, le=3660)]
# A reason, a note: free text of reasonable length (a megabyte is not a reason).
Reason = Annotated[str, Field(max_length=2000)]
