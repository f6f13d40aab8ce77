"""How many units of the ward cabinet a dose takes: the dose in the product's strength
unit, divided by the strength of one unit (a tablet, a vial, a syringe), rounded up — a
part of a vial opens a whole one. Pure: no Django.

Mass units convert among themselves (g, mg, mcg); international units convert to a mass
only through the ingredient's own equivalence (enoxaparin: 100 UI anti-Xa per mg, SmPC
section 2), never by a general rule. Anything else (mL, mmol against a mass, a dose per
kilogram) does not convert: ``None``, and the unload is flagged for the pharmacy.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal, InvalidOperation

MASS_IN_MG = {"g": Decimal(1000), "mg": Decimal(1), "mcg": Decimal("0.001")}
IU = "IU"
MAX_UNITS = 1000

# UI per mg of the ingredients whose doses are written either way (archive code → UI/mg)
IU_PER_MG = {"enoxaparin": Decimal(100)}


def _in_mg(value: Decimal, unit: str, iu_per_mg: Decimal | None) -> Decimal | None:
    if unit in MASS_IN_MG:
        return value * MASS_IN_MG[unit]
    if unit == IU and iu_per_mg:
        return value / iu_per_mg
    return None


def units_for_dose(
    *,
    dose: Decimal,
    dose_unit: str,
    strength: Decimal | None,
    strength_unit: str,
    iu_per_mg: Decimal | None = None,
) -> int | None:
    """Units of the product one dose takes (at least 1), or ``None`` when the dose's unit
    cannot be set against the product's strength (either missing or not positive, or more
    than ``MAX_UNITS`` units)."""
    try:
        if not strength or strength <= 0 or dose <= 0 or not dose.is_finite():
            return None
        if dose_unit == strength_unit:
            ratio = dose / strength
        else:
            have = _in_mg(dose, dose_unit, iu_per_mg)
            per_unit = _in_mg(strength, strength_unit, iu_per_mg)
            if have is None or per_unit is None or per_unit <= 0:
                return None
            ratio = have / per_unit
        units = ratio.quantize(Decimal("1e-6")).to_integral_value(rounding=ROUND_CEILING)
    except InvalidOperation:
        return None
    if units > MAX_UNITS:  # no dose takes a cabinet's worth: a unit misread, not a count
        return None
    return max(int(units), 1)
