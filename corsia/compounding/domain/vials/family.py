"""One product family's planning problem, its lower bound, and the figures of a plan for it."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from corsia.compounding.domain.product import hours_to_timedelta
from corsia.compounding.domain.vials.costs import cheapest_per_strength, family_costs
from corsia.compounding.domain.vials.inputs import (
    DEFAULT_POLICY,
    DoseNeed,
    OpenSource,
    VialPolicy,
    VialSize,
    from_units,
    to_units_down,
    to_units_up,
)
from corsia.compounding.domain.vials.plan import Draw, FamilyPlan, Method, OpenedVial


@dataclass
class Source:
    id: str
    product_code: str
    capacity: int
    expiry: datetime | None
    leftover: bool
    size: VialSize | None = None
    used: int = 0
    first_use: datetime | None = None
    last_use: datetime | None = None


@dataclass
class FamilyInput:
    family: str
    doses: list[DoseNeed]
    needs: list[int]
    sizes: tuple[VialSize, ...]
    leftovers: list[OpenSource]
    stability: timedelta | None
    policy: VialPolicy = DEFAULT_POLICY
    next_session_at: datetime | None = None
    windows: list[list[int]] = field(default_factory=list)
    batches: list[int] = field(default_factory=list)
    usable: list[list[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        times = [d.needed_at for d in self.doses]
        for k, start in enumerate(times):
            if self.stability is None:
                self.windows.append([k])
            else:
                self.windows.append(
                    [j for j in range(k, len(times)) if times[j] < start + self.stability]
                )
        # A batch opened at k whose window ends where the previous one's does serves a
        # subset of the doses the earlier batch could serve: it is dominated, leave it out.
        # Kept (carried over) or not is the other thing a batch's opening time decides, so
        # a batch is also kept when it is the first whose vials outlive the next session.
        self.batches = [
            k
            for k, window in enumerate(self.windows)
            if k == 0
            or self.stability is None
            or window[-1] != self.windows[k - 1][-1]
            or self.kept(times[k] + self.stability) != self.kept(times[k - 1] + self.stability)
        ]
        for leftover in self.leftovers:
            self.usable.append([j for j, t in enumerate(times) if t < leftover.expiry])
        self.costs = family_costs(self.sizes, self.policy)

    def kept(self, expiry: datetime | None) -> bool:
        """Content with this expiry is carried over to the next session (not waste)."""
        return (
            self.policy.keep_leftovers
            and self.next_session_at is not None
            and expiry is not None
            and expiry > self.next_session_at
        )


def vial_lower_bound(data: FamilyInput) -> int:
    largest = to_units_down(data.sizes[0].strength_mg)
    leftover_units = 0
    for leftover, usable in zip(data.leftovers, data.usable, strict=True):
        reach = sum(data.needs[j] for j in usable)
        leftover_units += min(to_units_down(leftover.mg_available), reach)
    total = max(0, sum(data.needs) - leftover_units)
    bound = math.ceil(total / largest)
    if data.stability is None:
        per_dose = 0
        for j, need in enumerate(data.needs):
            reach = sum(
                to_units_down(lo.mg_available)
                for lo, usable in zip(data.leftovers, data.usable, strict=True)
                if j in usable
            )
            per_dose += math.ceil(max(0, need - reach) / largest)
        bound = max(bound, per_dose)
    return bound


def vial_id(family: str, number: int) -> str:
    return f"{family}#{number}"


def opened_vials(data: FamilyInput, sources: list[Source]) -> tuple[OpenedVial, ...]:
    vials = []
    for source in sources:
        if source.used == 0:
            continue
        assert source.size is not None and source.first_use is not None
        vials.append(
            OpenedVial(
                id=source.id,
                product_code=source.product_code,
                family=data.family,
                strength_mg=source.size.strength_mg,
                price_eur=source.size.price_eur,
                opened_at=source.first_use,
                expiry=None if data.stability is None else source.first_use + data.stability,
                drawn_mg=from_units(source.used),
            )
        )
    return tuple(vials)


def family_plan(
    data: FamilyInput,
    draws: Sequence[Draw],
    opened: tuple[OpenedVial, ...],
    *,
    lower_bound: int,
    method: Method,
    wall: float = 0.0,
    proven_bound: Decimal | None = None,
) -> FamilyPlan:
    """The plan with its figures, computed exactly (Decimal) from what it draws and opens."""
    costs = data.costs
    wasted = carried = Decimal(0)
    for vial in opened:
        if data.kept(vial.expiry):
            carried += vial.remaining_mg
        else:
            wasted += vial.remaining_mg
    drawn_from: dict[str, Decimal] = defaultdict(Decimal)
    for draw in draws:
        if draw.from_leftover:
            drawn_from[draw.source_id] += draw.mg
    for leftover, usable in zip(data.leftovers, data.usable, strict=True):
        if not usable:
            continue  # expired before every dose of the session: not this plan's doing
        left = from_units(to_units_down(leftover.mg_available)) - drawn_from[leftover.id]
        if data.kept(leftover.expiry):
            carried += left
        else:
            wasted += left
    if costs.priced:
        spend = sum((v.price_eur for v in opened), Decimal(0))
        content = sum((v.strength_mg for v in opened), Decimal(0))
        waste_cost = spend - costs.per_mg * content + costs.per_mg * wasted
    else:
        waste_cost = wasted
    credit = data.policy.carry_over_credit if data.policy.keep_leftovers else Decimal(0)
    handling = costs.handling_value * len(opened)
    objective = waste_cost + (1 - credit) * costs.per_mg * carried + handling
    bound = costs.handling_value * lower_bound
    if proven_bound is not None:
        bound = max(bound, proven_bound)
    return FamilyPlan(
        family=data.family,
        draws=tuple(draws),
        opened=opened,
        lower_bound=lower_bound,
        method=method,
        solver_wall_s=wall,
        priced=costs.priced,
        mg_wasted=wasted,
        mg_carried_over=carried,
        waste_cost=waste_cost,
        handling_cost=handling,
        objective=objective,
        objective_bound=min(bound, objective),
    )


def family_inputs(
    *,
    doses: Sequence[DoseNeed],
    sizes: Sequence[VialSize],
    leftovers: Sequence[OpenSource],
    stability_hours: Mapping[str, Decimal | None],
    policy: VialPolicy,
    next_session_at: datetime | None,
) -> list[FamilyInput]:
    inputs = []
    for family in sorted({d.family for d in doses}):
        family_doses = sorted(
            (d for d in doses if d.family == family),
            key=lambda d: (d.needed_at, -d.dose_mg, d.id),
        )
        hours = stability_hours.get(family)
        inputs.append(
            FamilyInput(
                family=family,
                doses=family_doses,
                needs=[to_units_up(d.dose_mg) for d in family_doses],
                sizes=cheapest_per_strength([s for s in sizes if s.family == family]),
                leftovers=[
                    lo
                    for lo in leftovers
                    if lo.family == family and to_units_down(lo.mg_available) > 0
                ],
                stability=None if hours is None else hours_to_timedelta(hours),
                policy=policy,
                next_session_at=next_session_at,
            )
        )
    return inputs
