"""The greedy plan: open content first (earliest expiry), then the best vials per dose.

It is the planner's fallback and yardstick (``planner``), and places one new dose into a
running session (``assign_dose``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from corsia.compounding.domain.product import hours_to_timedelta
from corsia.compounding.domain.vials.costs import best_vial_combination, cheapest_per_strength
from corsia.compounding.domain.vials.family import FamilyInput, Source, opened_vials, vial_id
from corsia.compounding.domain.vials.inputs import (
    DEFAULT_POLICY,
    DoseNeed,
    OpenSource,
    VialPolicy,
    VialSize,
    from_units,
    to_units_down,
    to_units_up,
    validate_inputs,
)
from corsia.compounding.domain.vials.plan import Draw, IncrementalAssignment


def greedy_plan(data: FamilyInput, *, fifo: bool) -> tuple[list[Draw], list[Source]]:
    """FEFO over open content, then the per-dose best combination of new vials.

    ``fifo``: doses in time order and open content oldest first (the "greedy FIFO" policy);
    otherwise doses by decreasing size (first-fit decreasing) and content by expiry.
    """
    sources = [
        Source(
            id=lo.id,
            product_code=lo.product_code,
            capacity=to_units_down(lo.mg_available),
            expiry=lo.expiry,
            leftover=True,
        )
        for lo in data.leftovers
    ]
    order = list(range(len(data.doses)))
    if not fifo:
        order.sort(key=lambda j: (-data.needs[j], data.doses[j].needed_at, data.doses[j].id))
    draws: list[Draw] = []
    opened_count = 0
    for j in order:
        dose = data.doses[j]
        need = data.needs[j]
        t = dose.needed_at

        def fits(source: Source, t: datetime = t) -> bool:
            if source.used >= source.capacity:
                return False
            if source.leftover:
                return source.expiry is not None and t < source.expiry
            if data.stability is None:
                return False
            assert source.first_use is not None and source.last_use is not None
            return max(source.last_use, t) - min(source.first_use, t) < data.stability

        def expiry_key(source: Source) -> tuple[datetime, str]:
            if source.leftover:
                assert source.expiry is not None
                return (source.expiry, source.id)
            assert source.first_use is not None and data.stability is not None
            return (source.first_use + data.stability, source.id)

        candidates = sorted((s for s in sources if fits(s)), key=expiry_key)
        for source in candidates:
            if need == 0:
                break
            take = min(need, source.capacity - source.used)
            source.used += take
            need -= take
            source.first_use = t if source.first_use is None else min(source.first_use, t)
            source.last_use = t if source.last_use is None else max(source.last_use, t)
            draws.append(
                Draw(dose.id, source.id, source.product_code, from_units(take), source.leftover)
            )
        if need > 0:
            for size in best_vial_combination(from_units(need), data.sizes, data.policy):
                opened_count += 1
                source = Source(
                    id=vial_id(data.family, opened_count),
                    product_code=size.product_code,
                    capacity=to_units_down(size.strength_mg),
                    expiry=None,
                    leftover=False,
                    size=size,
                    first_use=t,
                    last_use=t,
                )
                sources.append(source)
                take = min(need, source.capacity)
                source.used = take
                need -= take
                draws.append(Draw(dose.id, source.id, source.product_code, from_units(take), False))
    return draws, [s for s in sources if not s.leftover]


def assign_dose(
    *,
    dose: DoseNeed,
    sources: Sequence[OpenSource],
    sizes: Sequence[VialSize],
    stability_hours: Decimal | None,
    policy: VialPolicy = DEFAULT_POLICY,
) -> IncrementalAssignment:
    """One new dose into a running session: open content first (earliest expiry; it is
    already paid for), then the best combination of new vials for the rest under the
    session objective (``best_vial_combination``)."""
    validate_inputs([dose], sizes, sources)
    data = FamilyInput(
        family=dose.family,
        doses=[dose],
        needs=[to_units_up(dose.dose_mg)],
        sizes=cheapest_per_strength([s for s in sizes if s.family == dose.family]),
        leftovers=[
            s for s in sources if s.family == dose.family and to_units_down(s.mg_available) > 0
        ],
        stability=None if stability_hours is None else hours_to_timedelta(stability_hours),
        policy=policy,
    )
    draws, opened = greedy_plan(data, fifo=True)
    return IncrementalAssignment(draws=tuple(draws), opened=opened_vials(data, opened))
