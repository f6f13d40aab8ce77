"""Doses in units: the prescribed unit against the unit of the vial, never through mg.

Bleomycin is prescribed in USP units (``U``: ABVD 10 U/m²) and sold in the EU in
international units (Ph. Eur.): 1 USP unit = 1,000 IU (15 USP units = 15,000 IU per vial,
SmPC of bleomycin 15,000 IU). Asparaginase (E. coli) is prescribed and sold in IU
(``U`` in the regimens means the international unit of enzyme activity: 1 U = 1 IU).
Any other pair of units is refused: no silent conversion, and never mg.
"""

from __future__ import annotations

from decimal import Decimal

from corsia.core.domain.errors import ValidationFailed

# (ingredient, prescribed unit, vial unit) -> vial units per prescribed unit
UNIT_FACTORS: dict[tuple[str, str, str], Decimal] = {
    ("bleomycin", "U", "IU"): Decimal(1000),
    ("asparaginase", "U", "IU"): Decimal(1),
}


class UnitMismatch(ValidationFailed):
    code = "unit_mismatch"


def vial_units_for(ingredient: str, unit: str) -> set[str]:
    """The vial units a dose prescribed in ``unit`` can be drawn from."""
    return {unit} | {
        vial for (ing, pres, vial) in UNIT_FACTORS if ing == ingredient and pres == unit
    }


def unit_factor(ingredient: str, prescribed: str, vial: str) -> Decimal:
    if prescribed == vial:
        return Decimal(1)
    factor = UNIT_FACTORS.get((ingredient, prescribed, vial))
    if factor is None:
        raise UnitMismatch(
            f"Dose in {prescribed}, flacone in {vial}: nessuna conversione documentata. "
            "Il farmacista deve scegliere un medicinale nella stessa unità.",
            field="product_id",
            details={"prescribed": prescribed, "vial": vial},
        )
    return factor
