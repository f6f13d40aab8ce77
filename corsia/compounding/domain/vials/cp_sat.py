"""The exact plan of one family with CP-SAT.

Model (CP-SAT, per family). Doses sorted by time ``t_1 ≤ … ≤ t_n``. Since a dose may be
split across vials and opened content is pooled, a vial is described by *when* it is
first used: ``x[k,s]`` = vials of size ``s`` opened at dose ``k``; their content can go to
doses ``j ≥ k`` with ``t_j < t_k + S`` (the stability window ``W_k``). Integer flows
``f[k,j]`` (batch ``k`` → dose ``j``) and ``g[l,j]`` (leftover ``l`` → dose ``j``, only
when ``t_j < expiry_l``) in 0.1 mg units::

    Σ_k f[k,j] + Σ_l g[l,j] = need_j            every dose covered
    Σ_j f[k,j] ≤ Σ_s cap_s · x[k,s]             a batch gives what it holds
    Σ_j g[l,j] ≤ cap_l                          a leftover gives what it holds

With ``K`` the batches (``t_k + S > next_session_at``) and leftovers still usable at the
next session, the objective is, up to a constant,
``Σ (price_s + handling) x[k,s] − credit · p · (content of K left after the session)``
(integer: micro-euros, or thousandths of a mg for the proxy). Stage 1 minimises it (its
proven bound is the reported objective bound); stage 2 fixes it and minimises the vial
count, stage 3 the mg wasted, stage 4 (with leftovers) draws the most from open content.
A greedy plan (FEFO use of open content, then per dose the best combination of new vials
under the same objective) is always computed: it is the fallback when CP-SAT finds
nothing in its time limit, and the plan returned is the better of the two.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ortools.sat.python import cp_model

from corsia.compounding.domain.vials.family import FamilyInput, Source, vial_id
from corsia.compounding.domain.vials.inputs import from_units, to_units_down
from corsia.compounding.domain.vials.plan import Draw


@dataclass(frozen=True)
class Solved:
    draws: list[Draw]
    vials: list[Source]
    optimal: bool
    bound: Decimal  # proven lower bound of the objective (EUR or mg)
    wall: float


def solve_cp_sat(data: FamilyInput, *, time_limit_s: float, workers: int) -> Solved | None:
    """Stages 1-4 of the module docstring; None if CP-SAT finds nothing in time."""
    model = cp_model.CpModel()
    costs = data.costs
    n = len(data.doses)
    caps = [to_units_down(s.strength_mg) for s in data.sizes]
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    upper: dict[tuple[int, int], int] = {}
    f: dict[tuple[int, int], cp_model.IntVar] = {}
    g: dict[tuple[int, int], cp_model.IntVar] = {}
    incoming: list[list[cp_model.IntVar]] = [[] for _ in range(n)]
    carried: list[cp_model.LinearExprT] = []
    discarded: list[cp_model.LinearExprT] = []
    constant_carried = constant_discarded = 0
    for k in data.batches:
        window = data.windows[k]
        reach = sum(data.needs[j] for j in window)
        for s, cap in enumerate(caps):
            upper[k, s] = math.ceil(reach / cap)
            x[k, s] = model.new_int_var(0, upper[k, s], f"x{k}_{s}")
        for j in window:
            f[k, j] = model.new_int_var(0, data.needs[j], f"f{k}_{j}")
            incoming[j].append(f[k, j])
        content = sum(cap * x[k, s] for s, cap in enumerate(caps))
        given = sum(f[k, j] for j in window)
        model.add(given <= content)
        expiry = None if data.stability is None else data.doses[k].needed_at + data.stability
        (carried if data.kept(expiry) else discarded).append(content - given)
    for index, (leftover, usable) in enumerate(zip(data.leftovers, data.usable, strict=True)):
        cap = to_units_down(leftover.mg_available)
        for j in usable:
            g[index, j] = model.new_int_var(0, min(cap, data.needs[j]), f"g{index}_{j}")
            incoming[j].append(g[index, j])
        if usable:
            given = sum(g[index, j] for j in usable)
            model.add(given <= cap)
            if data.kept(leftover.expiry):
                constant_carried += cap
                carried.append(-given)
            else:
                constant_discarded += cap
                discarded.append(-given)
    for j in range(n):
        model.add(sum(incoming[j]) == data.needs[j])
    vial_count = sum(x.values())
    # Up to constants, objective = Σ (price + handling) x − keep_rate × carried content.
    primary = cp_model.LinearExpr.weighted_sum(
        [*x.values(), cp_model.LinearExpr.sum(carried)],
        [*(costs.vial[s] + costs.handling for _, s in x), -costs.keep_rate],
    )
    leftover_value = sum(
        to_units_down(lo.mg_available)
        for lo, usable in zip(data.leftovers, data.usable, strict=True)
        if usable
    )
    # objective = waste cost + (1 − credit) p carried + handling V, in integer cost units:
    # Σ (price + handling) x + p (offered leftover content − need) − credit p carried.
    offset = costs.rate * (leftover_value - sum(data.needs)) - costs.keep_rate * constant_carried
    model.minimize(primary)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = max(0.01, time_limit_s * 0.5)
    status = solver.solve(model)
    wall = solver.wall_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    optimal = status == cp_model.OPTIMAL
    found = round(solver.objective_value)
    raw_bound = math.ceil(solver.best_objective_bound - 1e-6)
    # The integer rates may be rounded (prices below 1 µEUR per 0.1 mg): lower the bound by
    # the largest error that rounding can make on the content counted (0 in practice).
    content_ub = leftover_value + sum(caps[s] * top for (_, s), top in upper.items())
    slack = costs.rate_error * (sum(data.needs) + content_ub)
    bound = (raw_bound + offset - slack) * costs.unit_value
    variables = list(itertools.chain(x.values(), f.values(), g.values()))

    def values() -> dict[cp_model.IntVar, int]:
        return {var: solver.value(var) for var in variables}

    best = values()
    model.add(primary <= found)
    waste_units = sum(discarded) + constant_discarded
    for stage in ("vials", "waste", "open_content"):
        if stage == "open_content" and not g:
            break
        if not optimal:
            break
        model.clear_hints()  # type: ignore[no-untyped-call]  # ortools leaves it unannotated
        for var, value in best.items():
            model.add_hint(var, value)
        if stage == "vials":
            model.minimize(vial_count)
        elif stage == "waste":
            model.minimize(waste_units)
        else:
            model.maximize(sum(g.values()))
        solver.parameters.max_time_in_seconds = max(
            0.01, (time_limit_s - wall) * (0.6 if stage != "open_content" else 1.0)
        )
        status = solver.solve(model)
        wall += solver.wall_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        best = values()
        optimal = status == cp_model.OPTIMAL
        reached = round(solver.objective_value)
        if stage == "vials":
            model.add(vial_count <= reached)
        elif stage == "waste":
            model.add(waste_units <= reached)
    counts = {key: best[var] for key, var in x.items()}
    flows = {key: best[var] for key, var in f.items()}
    from_leftovers = {key: best[var] for key, var in g.items()}
    draws, vials = _decode(data, counts, flows, from_leftovers)
    return Solved(draws, vials, status == cp_model.OPTIMAL and optimal, bound, wall)


def _decode(
    data: FamilyInput,
    counts: Mapping[tuple[int, int], int],
    flows: Mapping[tuple[int, int], int],
    from_leftovers: Mapping[tuple[int, int], int],
) -> tuple[list[Draw], list[Source]]:
    draws: list[Draw] = []
    vials: list[Source] = []
    for (index, j), units in sorted(from_leftovers.items()):
        if units > 0:
            leftover = data.leftovers[index]
            draws.append(
                Draw(data.doses[j].id, leftover.id, leftover.product_code, from_units(units), True)
            )
    for k in data.batches:
        window = data.windows[k]
        batch: list[Source] = []
        for s, size in enumerate(data.sizes):
            for _ in range(counts.get((k, s), 0)):
                batch.append(
                    Source(
                        id="",
                        product_code=size.product_code,
                        capacity=to_units_down(size.strength_mg),
                        expiry=None,
                        leftover=False,
                        size=size,
                    )
                )
        position = 0
        for j in window:
            need = flows.get((k, j), 0)
            t = data.doses[j].needed_at
            while need > 0:
                source = batch[position]
                take = min(need, source.capacity - source.used)
                if take == 0:
                    position += 1
                    continue
                if not source.id:
                    source.id = vial_id(data.family, len(vials) + 1)
                    vials.append(source)
                source.used += take
                source.first_use = t if source.first_use is None else source.first_use
                source.last_use = t
                need -= take
                draws.append(
                    Draw(data.doses[j].id, source.id, source.product_code, from_units(take), False)
                )
    return draws, vials
