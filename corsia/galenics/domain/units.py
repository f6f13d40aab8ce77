"""Units of a formula's ingredients and the scaling of a formula to a batch.

A formula states each ingredient per *batch unit* (per mL of a suspension, per g of an
ointment, per capsule); a batch of ``n`` units needs ``n`` times each amount. Amounts are
``Decimal``; units convert only within their dimension (mass: mcg, mg, g; volume: mL;
activity: IU) — a mass is never turned into a volume (that needs a density the formula
does not state). Every refusal carries a stable ``code``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed

# Largest amount a quantity column holds (numeric(18, 6)): below 10^9.
AMOUNT_LIMIT = Decimal(10) ** 9
PLACES = Decimal("0.000001")


class Unit(LabelledCode):
    MCG = "mcg", "mcg"
    MG = "mg", "mg"
    G = "g", "g"
    ML = "mL", "mL"
    IU = "IU", "UI"


# Each unit: its dimension and its size in the dimension's base unit (mcg, mL, IU).
_SIZE: dict[Unit, tuple[str, Decimal]] = {
    Unit.MCG: ("mass", Decimal(1)),
    Unit.MG: ("mass", Decimal(1000)),
    Unit.G: ("mass", Decimal(1_000_000)),
    Unit.ML: ("volume", Decimal(1)),
    Unit.IU: ("activity", Decimal(1)),
}


@dataclass(frozen=True)
class Quantity:
    amount: Decimal
    unit: Unit


def unit_of(value: str, field: str = "unit") -> Unit:
    """The unit named ``value``, else ``unit_unknown``."""
    try:
        return Unit(str(value)[:8])
    except ValueError:
        raise ValidationFailed(
            f"Unità di misura non ammessa: «{str(value)[:20]}» (mg, g, mcg, mL, UI).",
            code="unit_unknown",
            field=field,
        ) from None


def checked_amount(value: object, field: str = "quantity") -> Decimal:
    """A finite amount above zero and below 10^9, kept to six decimals; else
    ``quantity_invalid`` / ``quantity_too_large``."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        amount = Decimal("NaN")
    if not amount.is_finite() or amount <= 0:
        raise ValidationFailed(
            "La quantità deve essere un numero maggiore di zero.",
            code="quantity_invalid",
            field=field,
        )
    if amount >= AMOUNT_LIMIT:
        raise ValidationFailed(
            "Quantità fuori scala (massimo 999.999.999).", code="quantity_too_large", field=field
        )
    rounded = amount.quantize(PLACES)
    if rounded <= 0:
        raise ValidationFailed(
            "Quantità troppo piccola (minimo 0,000001).", code="quantity_invalid", field=field
        )
    return rounded


def convert(amount: Decimal, from_unit: Unit, to_unit: Unit) -> Decimal:
    """``amount`` of ``from_unit`` expressed in ``to_unit`` (exact), else
    ``unit_incompatible`` (mass to volume, IU to mass, ...)."""
    from_dim, from_size = _SIZE[from_unit]
    to_dim, to_size = _SIZE[to_unit]
    if from_dim != to_dim:
        raise ValidationFailed(
            f"Unità non convertibili: {from_unit.label_it} in {to_unit.label_it}.",
            code="unit_incompatible",
            field="unit",
        )
    return amount * from_size / to_size


def scale(per_unit: Quantity, batch_quantity: Decimal) -> Quantity:
    """The amount a batch of ``batch_quantity`` units needs (``per_unit`` × units)."""
    units = checked_amount(batch_quantity, "batch_quantity")
    return Quantity(per_unit.amount * units, per_unit.unit)


def readable(quantity: Quantity) -> Quantity:
    """The same quantity in the larger mass unit when it reaches 1000 of the smaller
    (1500 mg → 1,5 g; 2500 mcg → 2,5 mg); volumes and IU as they are."""
    amount, unit = quantity.amount, quantity.unit
    if unit == Unit.MCG and amount >= 1000:
        amount, unit = amount / 1000, Unit.MG
    if unit == Unit.MG and amount >= 1000:
        amount, unit = amount / 1000, Unit.G
    return Quantity(amount, unit)


def stock_units(used: Quantity, per_stock_unit: Quantity) -> int:
    """The whole stock units a used amount takes (the ledger counts whole units: rounded
    up). 12,6 g of a raw material stocked by the gram takes 13 units."""
    amount = convert(used.amount, used.unit, per_stock_unit.unit)
    units = (amount / per_stock_unit.amount).to_integral_value(rounding=ROUND_CEILING)
    return max(int(units), 1)


def decimal_text(value: Decimal) -> str:
    """A decimal the Italian way, without trailing zeros or exponent: 12,6; 0,25; 300."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def quantity_text(quantity: Quantity) -> str:
    return f"{decimal_text(quantity.amount)} {quantity.unit.label_it}"
