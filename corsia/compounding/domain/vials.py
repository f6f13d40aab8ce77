"""Vial assignment for a compounding session: which vials to open, which leftovers to use.

Objective, lexicographic: (1) fewest vials opened, (2) fewest mg left in the opened vials
(so the most leftover mg used, the smallest sufficient vials), (3) lowest cost.

Rules (invariants every plan keeps, checked by property tests):
- a dose draws only from its own product family (interchangeable content; see
  ``product.may_share``); families are planned independently;
- a leftover serves a dose only if the dose is prepared strictly before the leftover's
  expiry; a vial opened in the session serves only doses prepared within its opened
  stability counted from its first use (a family without documented opened stability:
  one vial, one dose);
- every dose is fully covered (drawn in 0.1 mg units, rounded up), no source gives more
  than it holds; the number of vials is never below the reported lower bound.

Model (CP-SAT, per family). Doses sorted by time ``t_1 ≤ … ≤ t_n``. Since a dose may be
split across vials and opened content is pooled, a vial is described by *when* it is
first used: ``x[k,s]`` = vials of size ``s`` opened at dose ``k``; their content can go to
doses ``j ≥ k`` with ``t_j < t_k + S`` (the stability window ``W_k``). Integer flows
``f[k,j]`` (batch ``k`` → dose ``j``) and ``g[l,j]`` (leftover ``l`` → dose ``j``, only
when ``t_j < expiry_l``) in 0.1 mg units::

    Σ_k f[k,j] + Σ_l g[l,j] = need_j            every dose covered
    Σ_j f[k,j] ≤ Σ_s cap_s · x[k,s]             a batch gives what it holds
    Σ_j g[l,j] ≤ cap_l                          a leftover gives what it holds

Stage 1 minimises Σ x (its proven bound is the "LP-ish" lower bound); stage 2 fixes the
vial count and minimises opened capacity, then cost. The model has no symmetric bins, so
a day of 200-250 preparations solves in well under a second. A greedy plan (FEFO use of
open content, then per dose the fewest vials — largest-vial count — with the smallest
sufficient capacity) is always computed: it is the fallback when CP-SAT finds nothing in
its time limit, and the plan returned is the better of the two.

Lower bound per family: ``ceil((need - usable leftover mg) / largest vial)`` (per dose
when vials cannot be shared), raised to CP-SAT's proven stage-1 bound.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum

from ortools.sat.python import cp_model

from corsia.compounding.domain.product import hours_to_timedelta
from corsia.core.domain.errors import ValidationFailed

UNIT_MG = Decimal("0.1")
DEFAULT_TIME_LIMIT_S = 5.0
_EXACT_COMBINATION_MAX = 12


class VialPlanInvalid(ValidationFailed):
    code = "vial_plan_invalid"


class Method(StrEnum):
    CP_SAT_OPTIMAL = "cp_sat_optimal"
    CP_SAT_FEASIBLE = "cp_sat_feasible"
    GREEDY = "greedy"
    GREEDY_FALLBACK = "greedy_fallback"


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
    family: str
    draws: tuple[Draw, ...]
    opened: tuple[OpenedVial, ...]
    lower_bound: int
    method: Method
    solver_wall_s: float = 0.0

    @property
    def vials(self) -> int:
        return len(self.opened)

    @property
    def mg_wasted(self) -> Decimal:
        """mg left in the vials opened by this plan (waste unless used later in stability)."""
        return sum((v.remaining_mg for v in self.opened), Decimal(0))

    @property
    def cost_eur(self) -> Decimal:
        return sum((v.price_eur for v in self.opened), Decimal(0))

    @property
    def leftover_mg_used(self) -> Decimal:
        return sum((d.mg for d in self.draws if d.from_leftover), Decimal(0))


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
    def cost_eur(self) -> Decimal:
        return sum((f.cost_eur for f in self.families), Decimal(0))

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


def to_units_up(mg: Decimal) -> int:
    return int((mg / UNIT_MG).to_integral_value(ROUND_CEILING))


def to_units_down(mg: Decimal) -> int:
    return int((mg / UNIT_MG).to_integral_value(ROUND_FLOOR))


def from_units(units: int) -> Decimal:
    return units * UNIT_MG


def _cents(price: Decimal) -> int:
    return int((price * 100).to_integral_value(ROUND_HALF_UP))


def _cheapest_per_strength(sizes: Sequence[VialSize]) -> tuple[VialSize, ...]:
    best: dict[int, VialSize] = {}
    for size in sizes:
        units = to_units_down(size.strength_mg)
        if units not in best or size.price_eur < best[units].price_eur:
            best[units] = size
    return tuple(sorted(best.values(), key=lambda s: -s.strength_mg))


def best_vial_combination(need_mg: Decimal, sizes: Sequence[VialSize]) -> tuple[VialSize, ...]:
    """The vials for one dose alone: fewest vials, then smallest capacity, then cheapest."""
    if need_mg <= 0:
        return ()
    options = _cheapest_per_strength(sizes)
    if not options:
        raise VialPlanInvalid("Nessun flacone disponibile.", field="sizes")
    need = to_units_up(need_mg)
    largest = options[0]
    count = math.ceil(need / to_units_down(largest.strength_mg))
    fixed = max(0, count - _EXACT_COMBINATION_MAX)
    rest_need = need - fixed * to_units_down(largest.strength_mg)
    best: tuple[int, int, tuple[VialSize, ...]] | None = None
    for combo in itertools.combinations_with_replacement(options, count - fixed):
        capacity = sum(to_units_down(s.strength_mg) for s in combo)
        if capacity < rest_need:
            continue
        key = (capacity, sum(_cents(s.price_eur) for s in combo), combo)
        if best is None or key[:2] < best[:2]:
            best = key
    assert best is not None  # ``count`` largest vials always suffice
    return (largest,) * fixed + best[2]


@dataclass
class _Source:
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
class _FamilyInput:
    family: str
    doses: list[DoseNeed]
    needs: list[int]
    sizes: tuple[VialSize, ...]
    leftovers: list[OpenSource]
    stability: timedelta | None
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
        self.batches = [
            k
            for k, window in enumerate(self.windows)
            if k == 0 or self.stability is None or window[-1] != self.windows[k - 1][-1]
        ]
        for leftover in self.leftovers:
            self.usable.append([j for j, t in enumerate(times) if t < leftover.expiry])


def _lower_bound(data: _FamilyInput) -> int:
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


def _vial_id(family: str, number: int) -> str:
    return f"{family}#{number}"


def _greedy(data: _FamilyInput, *, fifo: bool) -> tuple[list[Draw], list[_Source]]:
    """FEFO over open content, then the per-dose best combination of new vials.

    ``fifo``: doses in time order and open content oldest first (the "greedy FIFO" policy);
    otherwise doses by decreasing size (first-fit decreasing) and content by expiry.
    """
    sources = [
        _Source(
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

        def fits(source: _Source, t: datetime = t) -> bool:
            if source.used >= source.capacity:
                return False
            if source.leftover:
                return source.expiry is not None and t < source.expiry
            if data.stability is None:
                return False
            assert source.first_use is not None and source.last_use is not None
            return max(source.last_use, t) - min(source.first_use, t) < data.stability

        def expiry_key(source: _Source) -> tuple[datetime, str]:
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
            for size in best_vial_combination(from_units(need), data.sizes):
                opened_count += 1
                source = _Source(
                    id=_vial_id(data.family, opened_count),
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


def _opened(data: _FamilyInput, sources: list[_Source]) -> tuple[OpenedVial, ...]:
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


def _key(opened: Sequence[OpenedVial]) -> tuple[int, int, int]:
    return (
        len(opened),
        sum(to_units_down(v.strength_mg) for v in opened),
        sum(_cents(v.price_eur) for v in opened),
    )


def _solve_cp_sat(
    data: _FamilyInput, *, time_limit_s: float, workers: int
) -> tuple[list[Draw], list[_Source], bool, int, float] | None:
    """(draws, opened vials, optimal, proven vial bound, wall time) or None if nothing found."""
    model = cp_model.CpModel()
    n = len(data.doses)
    caps = [to_units_down(s.strength_mg) for s in data.sizes]
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    f: dict[tuple[int, int], cp_model.IntVar] = {}
    g: dict[tuple[int, int], cp_model.IntVar] = {}
    incoming: list[list[cp_model.IntVar]] = [[] for _ in range(n)]
    for k in data.batches:
        window = data.windows[k]
        reach = sum(data.needs[j] for j in window)
        for s, cap in enumerate(caps):
            x[k, s] = model.new_int_var(0, math.ceil(reach / cap), f"x{k}_{s}")
        for j in window:
            f[k, j] = model.new_int_var(0, data.needs[j], f"f{k}_{j}")
            incoming[j].append(f[k, j])
        model.add(sum(f[k, j] for j in window) <= sum(cap * x[k, s] for s, cap in enumerate(caps)))
    for index, (leftover, usable) in enumerate(zip(data.leftovers, data.usable, strict=True)):
        cap = to_units_down(leftover.mg_available)
        for j in usable:
            g[index, j] = model.new_int_var(0, min(cap, data.needs[j]), f"g{index}_{j}")
            incoming[j].append(g[index, j])
        if usable:
            model.add(sum(g[index, j] for j in usable) <= cap)
    for j in range(n):
        model.add(sum(incoming[j]) == data.needs[j])
    vial_count = sum(x.values())
    model.minimize(vial_count)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit_s * 0.6)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    status = solver.solve(model)
    wall = solver.wall_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    found = round(solver.objective_value)
    bound = math.ceil(solver.best_objective_bound - 1e-6)
    optimal = status == cp_model.OPTIMAL
    for var in x.values():
        model.add_hint(var, solver.value(var))
    model.add(vial_count <= found)
    max_cost = sum(
        _cents(size.price_eur) * math.ceil(sum(data.needs) / cap)
        for size, cap in zip(data.sizes, caps, strict=True)
    )
    weight = max_cost + 1
    stage_two = sum(
        (weight * caps[s] + _cents(data.sizes[s].price_eur)) * var for (_, s), var in x.items()
    )
    model.minimize(stage_two)
    for var in itertools.chain(f.values(), g.values()):
        model.add_hint(var, solver.value(var))
    stage_one = {key: solver.value(var) for key, var in x.items()}
    flows_one = {key: solver.value(var) for key, var in f.items()}
    leftovers_one = {key: solver.value(var) for key, var in g.items()}
    stage_two_share = 0.7 if g else 1.0
    solver.parameters.max_time_in_seconds = max(0.01, (time_limit_s - wall) * stage_two_share)
    status = solver.solve(model)
    wall += solver.wall_time
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        counts = {key: solver.value(var) for key, var in x.items()}
        flows = {key: solver.value(var) for key, var in f.items()}
        from_leftovers = {key: solver.value(var) for key, var in g.items()}
        optimal = optimal and status == cp_model.OPTIMAL
        if g and optimal:
            # Stage 3: same vials, capacity and cost; consume the older open content first
            # (the remainder then stays in the fresher vial).
            model.add(stage_two <= round(solver.objective_value))
            model.clear_hints()  # type: ignore[no-untyped-call]  # ortools leaves it unannotated
            for var in itertools.chain(x.values(), f.values(), g.values()):
                model.add_hint(var, solver.value(var))
            model.maximize(sum(g.values()))
            solver.parameters.max_time_in_seconds = max(0.01, time_limit_s - wall)
            status = solver.solve(model)
            wall += solver.wall_time
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                counts = {key: solver.value(var) for key, var in x.items()}
                flows = {key: solver.value(var) for key, var in f.items()}
                from_leftovers = {key: solver.value(var) for key, var in g.items()}
    else:
        counts, flows, from_leftovers, optimal = stage_one, flows_one, leftovers_one, False
    draws, vials = _decode(data, counts, flows, from_leftovers)
    return draws, vials, optimal, bound, wall


def _decode(
    data: _FamilyInput,
    counts: Mapping[tuple[int, int], int],
    flows: Mapping[tuple[int, int], int],
    from_leftovers: Mapping[tuple[int, int], int],
) -> tuple[list[Draw], list[_Source]]:
    draws: list[Draw] = []
    vials: list[_Source] = []
    for (index, j), units in sorted(from_leftovers.items()):
        if units > 0:
            leftover = data.leftovers[index]
            draws.append(
                Draw(data.doses[j].id, leftover.id, leftover.product_code, from_units(units), True)
            )
    for k in data.batches:
        window = data.windows[k]
        batch: list[_Source] = []
        for s, size in enumerate(data.sizes):
            for _ in range(counts.get((k, s), 0)):
                batch.append(
                    _Source(
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
                    source.id = _vial_id(data.family, len(vials) + 1)
                    vials.append(source)
                source.used += take
                source.first_use = t if source.first_use is None else source.first_use
                source.last_use = t
                need -= take
                draws.append(
                    Draw(data.doses[j].id, source.id, source.product_code, from_units(take), False)
                )
    return draws, vials


def _validate(
    doses: Sequence[DoseNeed], sizes: Sequence[VialSize], leftovers: Sequence[OpenSource]
) -> None:
    ids = [d.id for d in doses]
    if len(set(ids)) != len(ids):
        raise VialPlanInvalid("Identificativi di preparazione ripetuti.", field="doses")
    source_ids = [lo.id for lo in leftovers]
    if len(set(source_ids)) != len(source_ids):
        raise VialPlanInvalid("Identificativi di residuo ripetuti.", field="leftovers")
    for dose in doses:
        if dose.dose_mg <= 0:
            raise VialPlanInvalid(
                f"Preparazione {dose.id}: la dose deve essere maggiore di zero.", field="dose_mg"
            )
        if dose.needed_at.tzinfo is None:
            raise VialPlanInvalid("Data e ora senza fuso orario.", field="needed_at")
    for size in sizes:
        if to_units_down(size.strength_mg) <= 0 or size.price_eur < 0:
            raise VialPlanInvalid(
                f"{size.product_code}: dosaggio o prezzo non validi.", field="sizes"
            )
    for leftover in leftovers:
        if leftover.mg_available < 0:
            raise VialPlanInvalid(f"Residuo {leftover.id}: quantità negativa.", field="leftovers")
    families_with_sizes = {s.family for s in sizes}
    for family in sorted({d.family for d in doses} - families_with_sizes):
        raise VialPlanInvalid(
            f"Nessun flacone disponibile per {family}.", field="sizes", code="no_vial_size"
        )


def _family_inputs(
    doses: Sequence[DoseNeed],
    sizes: Sequence[VialSize],
    leftovers: Sequence[OpenSource],
    stability_hours: Mapping[str, Decimal | None],
) -> list[_FamilyInput]:
    inputs = []
    for family in sorted({d.family for d in doses}):
        family_doses = sorted(
            (d for d in doses if d.family == family),
            key=lambda d: (d.needed_at, -d.dose_mg, d.id),
        )
        hours = stability_hours.get(family)
        inputs.append(
            _FamilyInput(
                family=family,
                doses=family_doses,
                needs=[to_units_up(d.dose_mg) for d in family_doses],
                sizes=_cheapest_per_strength([s for s in sizes if s.family == family]),
                leftovers=[
                    lo
                    for lo in leftovers
                    if lo.family == family and to_units_down(lo.mg_available) > 0
                ],
                stability=None if hours is None else hours_to_timedelta(hours),
            )
        )
    return inputs


def plan_vials(
    *,
    doses: Sequence[DoseNeed],
    sizes: Sequence[VialSize],
    leftovers: Sequence[OpenSource] = (),
    stability_hours: Mapping[str, Decimal | None],
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    use_cp_sat: bool = True,
    fifo_greedy: bool = False,
    workers: int = 1,
) -> VialPlan:
    """Plan the vials of a session (see the module docstring for model and objective).

    ``stability_hours[family]`` is how long an opened vial of the family keeps under the
    planned storage; a family absent or ``None`` has no documented opened stability.
    """
    _validate(doses, sizes, leftovers)
    inputs = _family_inputs(doses, sizes, leftovers, stability_hours)
    budget = time_limit_s / max(1, len(inputs))
    plans: list[FamilyPlan] = []
    for data in inputs:
        bound = _lower_bound(data)
        greedy_draws, greedy_sources = _greedy(data, fifo=fifo_greedy)
        greedy_opened = _opened(data, greedy_sources)
        if not use_cp_sat:
            plans.append(
                FamilyPlan(data.family, tuple(greedy_draws), greedy_opened, bound, Method.GREEDY)
            )
            continue
        solved = _solve_cp_sat(data, time_limit_s=budget, workers=workers)
        if solved is None:
            plans.append(
                FamilyPlan(
                    data.family,
                    tuple(greedy_draws),
                    greedy_opened,
                    bound,
                    Method.GREEDY_FALLBACK,
                    budget,
                )
            )
            continue
        draws, sources, optimal, proven, wall = solved
        opened = _opened(data, sources)
        bound = max(bound, proven)
        if _key(greedy_opened) < _key(opened):
            plans.append(
                FamilyPlan(
                    data.family, tuple(greedy_draws), greedy_opened, bound, Method.GREEDY, wall
                )
            )
            continue
        method = Method.CP_SAT_OPTIMAL if optimal else Method.CP_SAT_FEASIBLE
        plans.append(FamilyPlan(data.family, tuple(draws), opened, bound, method, wall))
    return VialPlan(families=tuple(plans), time_limit_s=time_limit_s)


@dataclass(frozen=True)
class IncrementalAssignment:
    draws: tuple[Draw, ...]
    opened: tuple[OpenedVial, ...]


def assign_dose(
    *,
    dose: DoseNeed,
    sources: Sequence[OpenSource],
    sizes: Sequence[VialSize],
    stability_hours: Decimal | None,
) -> IncrementalAssignment:
    """One new dose into a running session: open content first (earliest expiry), then
    the fewest new vials with the smallest sufficient capacity."""
    _validate([dose], sizes, sources)
    data = _FamilyInput(
        family=dose.family,
        doses=[dose],
        needs=[to_units_up(dose.dose_mg)],
        sizes=_cheapest_per_strength([s for s in sizes if s.family == dose.family]),
        leftovers=[
            s for s in sources if s.family == dose.family and to_units_down(s.mg_available) > 0
        ],
        stability=None if stability_hours is None else hours_to_timedelta(stability_hours),
    )
    draws, opened = _greedy(data, fifo=True)
    return IncrementalAssignment(draws=tuple(draws), opened=_opened(data, opened))
