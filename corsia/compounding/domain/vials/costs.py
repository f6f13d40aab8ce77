"""A family's costs in the solver's integer units, and the best vials for one dose alone.

The objective these costs serve (waste cost, carried-over credit, handling) is described
in the package docstring (``corsia.compounding.domain.vials``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from corsia.compounding.domain.vials.inputs import (
    DEFAULT_POLICY,
    UNIT_MG,
    VialPlanInvalid,
    VialPolicy,
    VialSize,
    from_units,
    to_units_down,
    to_units_up,
)

_EXACT_COMBINATION_MAX = 12
# Integer cost units of the solver: one micro-euro, or a thousandth of a mg (mg proxy).
_EUR_PER_COST_UNIT = Decimal("0.000001")
_MG_PER_COST_UNIT = Decimal("0.001")


def round_half_up(value: Decimal) -> int:
    return int(value.to_integral_value(ROUND_HALF_UP))


def cheapest_per_strength(sizes: Sequence[VialSize]) -> tuple[VialSize, ...]:
    best: dict[int, VialSize] = {}
    for size in sizes:
        units = to_units_down(size.strength_mg)
        if units not in best or size.price_eur < best[units].price_eur:
            best[units] = size
    return tuple(sorted(best.values(), key=lambda s: -s.strength_mg))


@dataclass(frozen=True)
class Costs:
    """A family's costs in the solver's integer units (see ``_EUR_PER_COST_UNIT``)."""

    priced: bool
    vial: tuple[int, ...]  # per size, in the order of the family's sizes
    handling: int
    rate: int  # value of 0.1 mg at the best price per mg
    keep_rate: int  # what the objective credits for 0.1 mg carried over
    rate_error: Decimal  # |exact − integer| of the two rates, in cost units
    per_mg: Decimal  # p, exact: EUR per mg, or 1 (mg proxy)
    handling_value: Decimal  # handling per vial, EUR or mg
    unit_value: Decimal  # one integer cost unit in EUR or mg


def family_costs(sizes: Sequence[VialSize], policy: VialPolicy) -> Costs:
    priced = bool(sizes) and all(s.price_eur > 0 for s in sizes)
    credit = policy.carry_over_credit if policy.keep_leftovers else Decimal(0)
    if priced:
        per_mg = min(s.price_eur / s.strength_mg for s in sizes)
        unit = _EUR_PER_COST_UNIT
        handling_value = policy.handling_eur
        vial = tuple(round_half_up(s.price_eur / unit) for s in sizes)
    else:
        per_mg = Decimal(1)
        unit = _MG_PER_COST_UNIT
        smallest = min(s.strength_mg for s in sizes)
        handling_value = policy.handling_share_of_smallest_vial * smallest
        vial = tuple(round_half_up(from_units(to_units_down(s.strength_mg)) / unit) for s in sizes)
    rate = per_mg * UNIT_MG / unit
    keep_rate = rate * credit
    return Costs(
        priced=priced,
        vial=vial,
        handling=round_half_up(handling_value / unit),
        rate=round_half_up(rate),
        keep_rate=round_half_up(keep_rate),
        rate_error=abs(rate - round_half_up(rate)) + abs(keep_rate - round_half_up(keep_rate)),
        per_mg=per_mg,
        handling_value=handling_value,
        unit_value=unit,
    )


def best_vial_combination(
    need_mg: Decimal, sizes: Sequence[VialSize], policy: VialPolicy = DEFAULT_POLICY
) -> tuple[VialSize, ...]:
    """The vials for one dose alone, under the session objective with nothing carried over:
    least ``Σ (price + handling)`` (the dose's drug value is fixed, so this is the least
    waste cost + handling), then fewest vials, then smallest capacity. Exact (enumeration
    with pruning); beyond 12 vials the excess is covered first by the best vial per mg."""
    if need_mg <= 0:
        return ()
    options = cheapest_per_strength(sizes)
    if not options:
        raise VialPlanInvalid("Nessun flacone disponibile.", field="sizes")
    costs = family_costs(options, policy)
    caps = [to_units_down(s.strength_mg) for s in options]
    unit_cost = [c + costs.handling for c in costs.vial]
    need = to_units_up(need_mg)
    bulk = min(range(len(options)), key=lambda i: (unit_cost[i] / caps[i], -caps[i]))
    fixed = max(0, math.ceil(need / caps[bulk]) - _EXACT_COMBINATION_MAX)
    rest_need = max(0, need - fixed * caps[bulk])
    best: tuple[int, int, int] | None = None
    best_counts: list[int] = []
    ratio = [unit_cost[i] / caps[i] for i in range(len(options))]

    def search(i: int, remaining: int, counts: list[int], cost: int, vials: int) -> None:
        nonlocal best, best_counts
        if remaining <= 0:
            key = (cost, vials, sum(c * n for c, n in zip(caps, counts, strict=False)))
            if best is None or key < best:
                best, best_counts = key, [*counts, *[0] * (len(options) - len(counts))]
            return
        if i == len(options):
            return
        # any completion costs at least the remaining mg at the best cost per mg left
        if best is not None and cost + remaining * min(ratio[i:]) > best[0]:
            return
        top = math.ceil(remaining / caps[i])
        for n in range(top, -1, -1):
            search(i + 1, remaining - n * caps[i], [*counts, n], cost + n * unit_cost[i], vials + n)

    search(0, rest_need, [], 0, 0)
    chosen: list[VialSize] = [options[bulk]] * fixed
    for size, n in zip(options, best_counts, strict=True):
        chosen.extend([size] * n)
    return tuple(sorted(chosen, key=lambda s: -s.strength_mg))
