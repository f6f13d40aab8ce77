"""What a vial plan is asked for: doses, vial sizes, open content and the unit's policy.

Quantities are planned in 0.1 mg units (``UNIT_MG``): doses rounded up, content down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from corsia.core.domain.errors import ValidationFailed

UNIT_MG = Decimal("0.1")


class VialPlanInvalid(ValidationFailed):
    code = "vial_plan_invalid"


@dataclass(frozen=True)
class VialPolicy:
    """How a unit weighs handling against waste (defaults justified in the package docstring).

    ``handling_eur``: cost of opening one more vial, families with prices;
    ``handling_share_of_smallest_vial``: the same in mg, as a share of the family's smallest
    vial, for families without prices; ``keep_leftovers``: the unit stores open content for
    later sessions; ``carry_over_credit``: share of the value of carried-over content the
    objective counts as saved (0: all of it counted as waste, 1: none of it).
    """

    handling_eur: Decimal = Decimal("3.00")
    handling_share_of_smallest_vial: Decimal = Decimal("0.2")
    keep_leftovers: bool = True
    carry_over_credit: Decimal = Decimal("0.5")

    def __post_init__(self) -> None:
        if not (self.handling_eur.is_finite() and self.handling_eur >= 0):
            raise VialPlanInvalid("Costo di manipolazione non valido.", field="handling_eur")
        share = self.handling_share_of_smallest_vial
        if not (share.is_finite() and share >= 0):
            raise VialPlanInvalid(
                "Quota di manipolazione non valida.", field="handling_share_of_smallest_vial"
            )
        credit = self.carry_over_credit
        if not (credit.is_finite() and 0 <= credit <= 1):
            raise VialPlanInvalid(
                "Il credito per i residui conservati va da 0 a 1.", field="carry_over_credit"
            )


DEFAULT_POLICY = VialPolicy()


@dataclass(frozen=True)
class VialSize:
    product_code: str
    family: str
    strength_mg: Decimal
    price_eur: Decimal = Decimal(0)


@dataclass(frozen=True)
class OpenSource:
    """Content already open (a leftover) that the plan may use."""

    id: str
    family: str
    product_code: str
    mg_available: Decimal
    expiry: datetime


@dataclass(frozen=True)
class DoseNeed:
    id: str
    family: str
    dose_mg: Decimal
    needed_at: datetime


def to_units_up(mg: Decimal) -> int:
    return int((mg / UNIT_MG).to_integral_value(ROUND_CEILING))


def to_units_down(mg: Decimal) -> int:
    return int((mg / UNIT_MG).to_integral_value(ROUND_FLOOR))


def from_units(units: int) -> Decimal:
    return units * UNIT_MG


def validate_inputs(
    doses: Sequence[DoseNeed],
    sizes: Sequence[VialSize],
    leftovers: Sequence[OpenSource],
    next_session_at: datetime | None = None,
) -> None:
    ids = [d.id for d in doses]
    if len(set(ids)) != len(ids):
        raise VialPlanInvalid("Identificativi di preparazione ripetuti.", field="doses")
    source_ids = [lo.id for lo in leftovers]
    if len(set(source_ids)) != len(source_ids):
        raise VialPlanInvalid("Identificativi di residuo ripetuti.", field="leftovers")
    for dose in doses:
        if not (dose.dose_mg.is_finite() and dose.dose_mg > 0):
            raise VialPlanInvalid(
                f"Preparazione {dose.id}: la dose deve essere maggiore di zero.", field="dose_mg"
            )
        if dose.needed_at.tzinfo is None:
            raise VialPlanInvalid("Data e ora senza fuso orario.", field="needed_at")
    if next_session_at is not None and next_session_at.tzinfo is None:
        raise VialPlanInvalid("Data e ora senza fuso orario.", field="next_session_at")
    for size in sizes:
        if (
            not (size.strength_mg.is_finite() and size.price_eur.is_finite())
            or to_units_down(size.strength_mg) <= 0
            or size.price_eur < 0
        ):
            raise VialPlanInvalid(
                f"{size.product_code}: dosaggio o prezzo non validi.", field="sizes"
            )
    for leftover in leftovers:
        if not leftover.mg_available.is_finite() or leftover.mg_available < 0:
            raise VialPlanInvalid(f"Residuo {leftover.id}: quantità negativa.", field="leftovers")
    families_with_sizes = {s.family for s in sizes}
    for family in sorted({d.family for d in doses} - families_with_sizes):
        raise VialPlanInvalid(
            f"Nessun flacone disponibile per {family}.", field="sizes", code="no_vial_size"
        )
