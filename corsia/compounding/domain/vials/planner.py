"""``plan_vials``: a session's vials, family by family, the better of greedy and CP-SAT.

The lower bounds it reports: vials per family ``ceil((need − usable leftover mg) / largest
vial)`` (per dose when vials cannot be shared); objective: CP-SAT's proven stage-1 bound,
at least ``handling × vial bound`` (waste cost is never negative). The gap objective −
bound is 0 for a proven optimum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from corsia.compounding.domain.vials.cp_sat import solve_cp_sat
from corsia.compounding.domain.vials.family import (
    family_inputs,
    family_plan,
    opened_vials,
    vial_lower_bound,
)
from corsia.compounding.domain.vials.greedy import greedy_plan
from corsia.compounding.domain.vials.inputs import (
    DEFAULT_POLICY,
    DoseNeed,
    OpenSource,
    VialPolicy,
    VialSize,
    validate_inputs,
)
from corsia.compounding.domain.vials.plan import FamilyPlan, Method, VialPlan

DEFAULT_TIME_LIMIT_S = 5.0


def _key(plan: FamilyPlan) -> tuple[Decimal, int, Decimal, Decimal]:
    return (plan.objective, plan.vials, plan.mg_wasted, -plan.leftover_mg_used)


def plan_vials(
    *,
    doses: Sequence[DoseNeed],
    sizes: Sequence[VialSize],
    leftovers: Sequence[OpenSource] = (),
    stability_hours: Mapping[str, Decimal | None],
    policy: VialPolicy = DEFAULT_POLICY,
    next_session_at: datetime | None = None,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    use_cp_sat: bool = True,
    fifo_greedy: bool = False,
    workers: int = 1,
) -> VialPlan:
    """Plan the vials of a session (objective: the package docstring; model: ``cp_sat``).

    ``stability_hours[family]`` is how long an opened vial of the family keeps under the
    planned storage; a family absent or ``None`` has no documented opened stability.
    ``next_session_at``: when the unit next prepares; content still within stability then
    is carried over (if the policy keeps leftovers). ``None``: nothing is carried over.
    """
    validate_inputs(doses, sizes, leftovers, next_session_at)
    inputs = family_inputs(
        doses=doses,
        sizes=sizes,
        leftovers=leftovers,
        stability_hours=stability_hours,
        policy=policy,
        next_session_at=next_session_at,
    )
    budget = time_limit_s / max(1, len(inputs))
    plans: list[FamilyPlan] = []
    for data in inputs:
        bound = vial_lower_bound(data)
        greedy_draws, greedy_sources = greedy_plan(data, fifo=fifo_greedy)
        greedy = family_plan(
            data,
            greedy_draws,
            opened_vials(data, greedy_sources),
            lower_bound=bound,
            method=Method.GREEDY,
        )
        if not use_cp_sat:
            plans.append(greedy)
            continue
        solved = solve_cp_sat(data, time_limit_s=budget, workers=workers)
        if solved is None:
            plans.append(
                family_plan(
                    data,
                    greedy_draws,
                    greedy.opened,
                    lower_bound=bound,
                    method=Method.GREEDY_FALLBACK,
                    wall=budget,
                )
            )
            continue
        method = Method.CP_SAT_OPTIMAL if solved.optimal else Method.CP_SAT_FEASIBLE
        exact = family_plan(
            data,
            solved.draws,
            opened_vials(data, solved.vials),
            lower_bound=bound,
            method=method,
            wall=solved.wall,
            proven_bound=solved.bound,
        )
        if _key(greedy) < _key(exact):
            exact = family_plan(
                data,
                greedy_draws,
                greedy.opened,
                lower_bound=bound,
                method=Method.GREEDY,
                wall=solved.wall,
                proven_bound=solved.bound,
            )
        plans.append(exact)
    return VialPlan(families=tuple(plans), time_limit_s=time_limit_s)
