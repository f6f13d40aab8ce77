"""An absolute amount of drug with its unit: a maximum, a limit or a dose is never a bare number.

Two quantities are compared only after converting them to one unit, and only when the
conversion is a fact of arithmetic: mass units convert among themselves (1 g = 1,000 mg =
1,000,000 mcg); international units (UI), other units (U, e.g. USP units of bleomycin)
and millilitres convert to nothing else. Comparing 2,925 mcg with a maximum of 2 mg is
therefore 2.925 mg > 2 mg; comparing 30 U with a limit in UI is refused, not guessed
(the ratio between a drug's USP units and international units is the drug's, not
arithmetic).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.provenance import format_input


class AmountUnit(StrEnum):
    MG = "mg"
    G = "g"
    MCG = "mcg"
    UI = "UI"  # international units
    U = "U"  # other units (USP units, enzyme units declared as "U")
    ML = "mL"


# How many milligrams one unit is, for the mass units.
_MG_PER: dict[AmountUnit, Decimal] = {
    AmountUnit.MG: Decimal(1),
    AmountUnit.G: Decimal(1000),
    AmountUnit.MCG: Decimal("0.001"),
}

# Other spellings found in the drug archive and in regimen data.
_ALIASES: dict[str, AmountUnit] = {
    "mg": AmountUnit.MG,
    "g": AmountUnit.G,
    "mcg": AmountUnit.MCG,
    "µg": AmountUnit.MCG,
    "ug": AmountUnit.MCG,
    "UI": AmountUnit.UI,
    "IU": AmountUnit.UI,
    "U": AmountUnit.U,
    "mL": AmountUnit.ML,
    "ml": AmountUnit.ML,
}


def amount_unit(text: str) -> AmountUnit:
    """The unit named by ``text`` (``IU`` and ``UI`` are the same unit); refuses the unknown."""
    try:
        return _ALIASES[text.strip()]
    except KeyError:
        raise ValidationFailed(
            f"Unità di quantità «{text}» non riconosciuta.",
            code="amount_unit_unknown",
            field="unit",
        ) from None


def is_mass(unit: AmountUnit) -> bool:
    return unit in _MG_PER


def convertible(a: AmountUnit, b: AmountUnit) -> bool:
    return a is b or (is_mass(a) and is_mass(b))


def conversion_factor(source: AmountUnit, target: AmountUnit) -> Decimal:
    """``1 source`` expressed in ``target`` (e.g. mcg -> mg = 0.001); refuses across dimensions."""
    if source is target:
        return Decimal(1)
    if is_mass(source) and is_mass(target):
        return _MG_PER[source] / _MG_PER[target]
    raise ValidationFailed(
        f"Unità non confrontabili: {source.value} e {target.value}.",
        code="unit_incompatible",
        field="unit",
    )


@dataclass(frozen=True)
class Quantity:
    """``value`` ``unit``. Ordering converts to one unit first; a bare number does not compare."""

    value: Decimal
    unit: AmountUnit

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal):
            raise TypeError(f"Quantity.value must be a Decimal, not {type(self.value).__name__}")
        if not isinstance(self.unit, AmountUnit):
            raise TypeError(f"Quantity.unit must be an AmountUnit, not {type(self.unit).__name__}")

    def to(self, unit: AmountUnit) -> Quantity:
        return Quantity(self.value * conversion_factor(self.unit, unit), unit)

    def _other(self, other: object) -> Decimal:
        if not isinstance(other, Quantity):
            raise TypeError(f"a Quantity compares only with a Quantity, not {type(other).__name__}")
        return other.to(self.unit).value

    def __lt__(self, other: object) -> bool:
        return self.value < self._other(other)

    def __le__(self, other: object) -> bool:
        return self.value <= self._other(other)

    def __gt__(self, other: object) -> bool:
        return self.value > self._other(other)

    def __ge__(self, other: object) -> bool:
        return self.value >= self._other(other)

    def same_amount(self, other: Quantity) -> bool:
        """Equal once expressed in one unit (2 mg and 2,000 mcg)."""
        return self.value == self._other(other)

    def text(self) -> str:
        return f"{format_input(self.value)} {self.unit.value}"
