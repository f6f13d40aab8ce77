"""What a vial plan is: per product family, the draws of each dose and the vials opened."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class Method(StrEnum):
    CP_SAT_OPTIMAL = "cp_sat_optimal"
    CP_SAT_FEASIBLE = "cp_sat_feasible"
    GREEDY = "greedy"
    GREEDY_FALLBACK = "greedy_fallback"


@dataclass(frozen=True)
class Draw:
    dose_id: str
    source_id: str
    product_code: str
    mg: Decimal
    from_leftover: bool


@dataclass(frozen=True)
class OpenedVial:
    id: str
    product_code: str
    family: str
    strength_mg: Decimal
    price_eur: Decimal
    opened_at: datetime
    expiry: datetime | None
    drawn_mg: Decimal

    @property
    def remaining_mg(self) -> Decimal:
        return self.strength_mg - self.drawn_mg


@dataclass(frozen=True)
class FamilyPlan:
    """One family's plan and its figures.

    ``waste_cost`` and the objective are in EUR when ``priced`` (every vial of the family
    has a price), otherwise in mg (the proxy). ``mg_wasted`` is discarded content (new
    vials and offered leftovers), ``mg_carried_over`` what stays usable for the next session.
    """

    family: str
    draws: tuple[Draw, ...]
    opened: tuple[OpenedVial, ...]
    lower_bound: int
    method: Method
    solver_wall_s: float = 0.0
    priced: bool = False
    mg_wasted: Decimal = Decimal(0)
    mg_carried_over: Decimal = Decimal(0)
    waste_cost: Decimal = Decimal(0)
    handling_cost: Decimal = Decimal(0)
    objective: Decimal = Decimal(0)
    objective_bound: Decimal = Decimal(0)

    @property
    def vials(self) -> int:
        return len(self.opened)

    @property
    def mg_left_in_new_vials(self) -> Decimal:
        return sum((v.remaining_mg for v in self.opened), Decimal(0))

    @property
    def cost_eur(self) -> Decimal:
        """Spend on the vials opened (0 for vials without a price)."""
        return sum((v.price_eur for v in self.opened), Decimal(0))

    @property
    def leftover_mg_used(self) -> Decimal:
        return sum((d.mg for d in self.draws if d.from_leftover), Decimal(0))

    @property
    def objective_gap(self) -> Decimal:
        """Objective minus its proven lower bound (0: the plan is proven optimal)."""
        return self.objective - self.objective_bound


@dataclass(frozen=True)
class VialPlan:
    families: tuple[FamilyPlan, ...]
    time_limit_s: float

    @property
    def vials(self) -> int:
        return sum(f.vials for f in self.families)

    @property
    def mg_wasted(self) -> Decimal:
        return sum((f.mg_wasted for f in self.families), Decimal(0))

    @property
    def mg_carried_over(self) -> Decimal:
        return sum((f.mg_carried_over for f in self.families), Decimal(0))

    @property
    def cost_eur(self) -> Decimal:
        return sum((f.cost_eur for f in self.families), Decimal(0))

    @property
    def waste_cost_eur(self) -> Decimal:
        """Waste cost of the families with prices (the others are in ``unpriced_families``)."""
        return sum((f.waste_cost for f in self.families if f.priced), Decimal(0))

    @property
    def objective_gap_eur(self) -> Decimal:
        return sum((f.objective_gap for f in self.families if f.priced), Decimal(0))

    @property
    def unpriced_families(self) -> tuple[str, ...]:
        return tuple(f.family for f in self.families if not f.priced)

    @property
    def lower_bound(self) -> int:
        return sum(f.lower_bound for f in self.families)

    @property
    def draws(self) -> tuple[Draw, ...]:
        return tuple(d for f in self.families for d in f.draws)

    @property
    def opened(self) -> tuple[OpenedVial, ...]:
        return tuple(v for f in self.families for v in f.opened)

    @property
    def vials_by_product(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for vial in self.opened:
            counts[vial.product_code] += 1
        return dict(sorted(counts.items()))

    @property
    def solver_wall_s(self) -> float:
        return sum(f.solver_wall_s for f in self.families)

    @property
    def within_time_limit(self) -> bool:
        """CP-SAT stopped within the configured limit (small slack for its own bookkeeping)."""
        return self.solver_wall_s <= self.time_limit_s * 1.05 + 0.1


@dataclass(frozen=True)
class IncrementalAssignment:
    draws: tuple[Draw, ...]
    opened: tuple[OpenedVial, ...]
