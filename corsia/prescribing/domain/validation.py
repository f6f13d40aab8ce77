"""What a pharmacist validated on one line of an order (pure).

A per-line validation holds for the line as it was when validated: the fingerprint of
its clinical content (drug, product, day and date, dose and unit, final dose, reduction,
route, status…). When the line changes afterwards the fingerprint no longer matches and
the validation is void: the line must be validated again (independent double check).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

# The fields of an order line whose change voids its validation.
VALIDATED_FIELDS: tuple[str, ...] = (
    "ingredient_id",
    "product_id",
    "sequence",
    "day_of_cycle",
    "scheduled_date",
    "route",
    "competence",
    "infusion_type",
    "duration_minutes",
    "preparation",
    "dose",
    "dose_unit",
    "amount_unit",
    "final_dose",
    "reduction_percent",
    "status",
    "override_reason",
)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def line_fingerprint(values: Mapping[str, object]) -> str:
    """SHA-256 of the line's validated fields (equal Decimals give equal text)."""
    missing = [f for f in VALIDATED_FIELDS if f not in values]
    if missing:
        raise KeyError(f"line fields missing: {missing}")
    text = "\n".join(f"{f}={_text(values[f])}" for f in VALIDATED_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()
