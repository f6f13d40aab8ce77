"""Checks of the numbers a clinician types, shared by the transplant rules.

Every refusal is a :class:`ValidationFailed` with a stable English ``code``, the
``field`` it concerns and an Italian message; nothing is silently clamped.
"""

from __future__ import annotations

from decimal import Decimal

from corsia.core.domain.errors import ValidationFailed


def ensure_decimal(
    value: object, *, field: str, label: str, maximum: Decimal, minimum: Decimal = Decimal(0)
) -> Decimal:
    """A finite :class:`Decimal` between ``minimum`` and ``maximum`` (both included).

    A float is refused too: a clinical measure is typed as text and parsed to Decimal,
    never rounded through binary floating point on the way.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationFailed(
            f"{label}: indica un numero valido.", code=f"{field}_invalid", field=field
        )
    if value < minimum:
        raise ValidationFailed(
            f"{label}: il valore non può essere inferiore a {minimum}.",
            code=f"{field}_negative" if minimum == 0 else f"{field}_out_of_range",
            field=field,
        )
    if value > maximum:
        raise ValidationFailed(
            f"{label}: il valore {value} supera il massimo plausibile ({maximum}).",
            code=f"{field}_out_of_range",
            field=field,
        )
    return value


def ensure_int(value: object, *, field: str, label: str, maximum: int, minimum: int = 0) -> int:
    """An integer (not a bool) between ``minimum`` and ``maximum`` (both included)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(
            f"{label}: indica un numero intero.", code=f"{field}_invalid", field=field
        )
    if value < minimum or value > maximum:
        raise ValidationFailed(
            f"{label}: il valore deve essere tra {minimum} e {maximum}.",
            code=f"{field}_negative" if value < 0 <= minimum else f"{field}_out_of_range",
            field=field,
        )
    return value
