"""Checks every clinical input of a score, stage or response goes through: present, of the
right kind, inside the range the formula admits. Each refusal names the field (English,
stable) and says in Italian which datum is missing or wrong."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TypeVar

from corsia.records.domain.errors import ClinicalInputMissing, ClinicalInputOutOfRange

E = TypeVar("E", bound=Enum)


def _missing(field: str, label: str) -> ClinicalInputMissing:
    return ClinicalInputMissing(f"Dato mancante: {label}.", field=field)


def _as_decimal(value: object, *, field: str, label: str) -> Decimal:
    if value is None:
        raise _missing(field, label)
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise ClinicalInputOutOfRange(f"{label}: non è un numero.", field=field)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ClinicalInputOutOfRange(f"{label}: non è un numero.", field=field) from None
    if not number.is_finite():
        raise ClinicalInputOutOfRange(f"{label}: non è un numero.", field=field)
    return number


def number_in_range(
    value: Decimal | int | str | None,
    *,
    field: str,
    label: str,
    low: Decimal | int,
    high: Decimal | int,
    unit: str = "",
    high_exclusive: bool = False,
) -> Decimal:
    """``value`` as a Decimal, refused when missing or outside ``low``–``high`` (inclusive,
    or below ``high`` when ``high_exclusive``)."""
    number = _as_decimal(value, field=field, label=label)
    above = number >= high if high_exclusive else number > high
    if number < low or above:
        upper = f"meno di {high}" if high_exclusive else f"{high}"
        suffix = f" {unit}" if unit else ""
        raise ClinicalInputOutOfRange(
            f"{label}: {number}{suffix} è fuori dall'intervallo ammesso ({low}–{upper}{suffix}).",
            field=field,
            details={"value": str(number), "low": str(low), "high": str(high)},
        )
    return number


def whole_in_range(
    value: int | None,
    *,
    field: str,
    label: str,
    low: int,
    high: int,
    step: int = 1,
    unit: str = "",
) -> int:
    """``value`` as an int in ``low``–``high`` (inclusive), a multiple of ``step`` from ``low``."""
    if value is None:
        raise _missing(field, label)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ClinicalInputOutOfRange(f"{label}: deve essere un numero intero.", field=field)
    suffix = f" {unit}" if unit else ""
    if value < low or value > high:
        raise ClinicalInputOutOfRange(
            f"{label}: {value}{suffix} è fuori dall'intervallo ammesso ({low}–{high}{suffix}).",
            field=field,
            details={"value": value, "low": low, "high": high},
        )
    if (value - low) % step:
        raise ClinicalInputOutOfRange(
            f"{label}: {value} non è un valore della scala (multipli di {step}).",
            field=field,
            details={"value": value, "step": step},
        )
    return value


def flag(value: bool | None, *, field: str, label: str) -> bool:
    """A yes/no finding: refused when not given (an unknown is not a no)."""
    if value is None:
        raise _missing(field, label)
    if not isinstance(value, bool):
        raise ClinicalInputOutOfRange(f"{label}: indicare sì o no.", field=field)
    return value


def choice(value: E | str | None, kind: type[E], *, field: str, label: str) -> E:
    """One of the values of ``kind`` (the member or its stable code)."""
    if value is None:
        raise _missing(field, label)
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)
        raise ClinicalInputOutOfRange(
            f"{label}: «{value}» non è un valore ammesso ({allowed}).",
            field=field,
            details={"value": str(value), "allowed": [str(m.value) for m in kind]},
        ) from None


def ldh_ratio(ldh: Decimal | int | None, ldh_uln: Decimal | int | None) -> Decimal:
    """LDH divided by the laboratory's upper limit of normal (both U/L)."""
    value = number_in_range(ldh, field="ldh", label="LDH", low=1, high=100000, unit="U/L")
    uln = number_in_range(
        ldh_uln, field="ldh_uln", label="Limite superiore LDH", low=50, high=2000, unit="U/L"
    )
    return value / uln
