"""Vial assignment for a compounding session: which vials to open, which leftovers to use.

**Objective** (per product family, lexicographic):

1. the *cost of waste plus handling*: ``waste cost + handling × vials opened`` (see below);
2. fewer vials opened;
3. fewer mg wasted (discarded);
then, among plans equal on all three, the older open content is drawn first.

A hospital pharmacy assigns vials to spend the least on drug it throws away, with few
vials (each one is handling time, disposables and operator exposure). Minimising vials
first is wrong: a single 1,200 mg 5-FU dose would get one 5,000 mg vial (3,800 mg thrown
away) instead of 1,000 + 250 mg (50 mg).

**Waste and its cost.** At the end of the session the content left in the vials it opened,
and in the open leftovers it was offered and could have used (a leftover whose expiry
comes before every dose of the session is not counted), is either

- *carried over*: the unit keeps leftovers (``VialPolicy.keep_leftovers``) and the content
  is still within its opened stability when the next session starts (``next_session_at``):
  a later session may use it, so it is not waste; or
- *wasted*: everything else (no later session given, or it expires before it).

``waste cost = surcharge + p × mg wasted`` where ``p`` is the family's best price per mg
(the lowest ``price / strength`` among its vials) and ``surcharge = Σ price of the opened
vials − p × their content`` (what smaller, dearer-per-mg vials cost beyond the drug they
hold; 0 when prices are linear). It is in EUR when every vial of the family has a price;
otherwise in mg (``p = 1``, no surcharge): the mg proxy. Equivalently (the drug given is
fixed), the planner minimises the spend on new vials minus the value of what it carries
over.

**Carried-over content in the objective.** Content still usable at the next session may
or may not be used then; the objective counts it at ``1 − carry_over_credit`` of its value
(``VialPolicy``, default 0.5): opening a larger vial *because* a later session might use
the rest is worth only half of what it would save if it were certainly used. Reports show
wasted and carried-over mg separately; ``objective = waste cost + (1 − credit) ×
p × mg carried over + handling × vials``.

**Handling penalty** (``VialPolicy``): ``handling_eur`` (default 3.00 EUR) for families with
prices — about two minutes of a technician at the hood (≈ 1 EUR) plus a spike or vial
adaptor and swabs (≈ 2 EUR); a unit using closed-system transfer devices raises it to the
adaptor's price. For a family without prices, ``handling_share_of_smallest_vial`` (default
0.2) of its smallest vial's mg: one more vial is worth avoiding a fifth of a small vial
thrown away (oxaliplatin 50/100/200 mg: 10 mg, which at 0.30 EUR/mg is the same 3 EUR).

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

With ``K`` the batches (``t_k + S > next_session_at``) and leftovers still usable at the
next session, the objective is, up to a constant,
``Σ (price_s + handling) x[k,s] − credit · p · (content of K left after the session)``
(integer: micro-euros, or thousandths of a mg for the proxy). Stage 1 minimises it (its
proven bound is the reported objective bound); stage 2 fixes it and minimises the vial
count, stage 3 the mg wasted, stage 4 (with leftovers) draws the most from open content.
A greedy plan (FEFO use of open content, then per dose the best combination of new vials
under the same objective) is always computed: it is the fallback when CP-SAT finds
nothing in its time limit, and the plan returned is the better of the two.

Lower bounds: vials per family ``ceil((need − usable leftover mg) / largest vial)`` (per
dose when vials cannot be shared); objective: CP-SAT's proven stage-1 bound, at least
``handling × vial bound`` (waste cost is never negative). The gap objective − bound is 0
for a proven optimum.
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
# Integer cost units of the solver: one micro-euro, or a thousandth of a mg (mg proxy).
_EUR_PER_COST_UNIT = Decimal("0.000001")
_MG_PER_COST_UNIT = Decimal("0.001")


class VialPlanInvalid(ValidationFailed):
    code = "vial_plan_invalid"


class Method(StrEnum):
    CP_SAT_OPTIMAL = "cp_sat_optimal"
    CP_SAT_FEASIBLE = "cp_sat_feasible"
    GREEDY = "greedy"
    GREEDY_FALLBACK = "greedy_fallback"


@dataclass(frozen=True)
class VialPolicy:
    """How a unit weighs handling against waste (defaults justified in the module docstring).

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


def to_units_up(mg: Decimal) -> int:
    return int((mg / UNIT_MG).to_integral_value(ROUND_CEILING))


def to_units_down(mg: Decimal) -> int:
    return int((mg / UNIT_MG).to_integral_value(ROUND_FLOOR))


def from_units(units: int) -> Decimal:
    return units * UNIT_MG


def _round(value: Decimal) -> int:
    return int(value.to_integral_value(ROUND_HALF_UP))


def _cheapest_per_strength(sizes: Sequence[VialSize]) -> tuple[VialSize, ...]:
    best: dict[int, VialSize] = {}
    for size in sizes:
        units = to_units_down(size.strength_mg)
        if units not in best or size.price_eur < best[units].price_eur:
            best[units] = size
    return tuple(sorted(best.values(), key=lambda s: -s.strength_mg))


@dataclass(frozen=True)
class _Costs:
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


def _costs(sizes: Sequence[VialSize], policy: VialPolicy) -> _Costs:
    priced = bool(sizes) and all(s.price_eur > 0 for s in sizes)
    credit = policy.carry_over_credit if policy.keep_leftovers else Decimal(0)
    if priced:
        per_mg = min(s.price_eur / s.strength_mg for s in sizes)
        unit = _EUR_PER_COST_UNIT
        handling_value = policy.handling_eur
        vial = tuple(_round(s.price_eur / unit) for s in sizes)
    else:
        per_mg = Decimal(1)
        unit = _MG_PER_COST_UNIT
        smallest = min(s.strength_mg for s in sizes)
        handling_value = policy.handling_share_of_smallest_vial * smallest
        vial = tuple(_round(from_units(to_units_down(s.strength_mg)) / unit) for s in sizes)
    rate = per_mg * UNIT_MG / unit
    keep_rate = rate * credit
    return _Costs(
        priced=priced,
        vial=vial,
        handling=_round(handling_value / unit),
        rate=_round(rate),
        keep_rate=_round(keep_rate),
        rate_error=abs(rate - _round(rate)) + abs(keep_rate - _round(keep_rate)),
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
    options = _cheapest_per_strength(sizes)
    if not options:
        raise VialPlanInvalid("Nessun flacone disponibile.", field="sizes")
    costs = _costs(options, policy)
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
        self.costs = _costs(self.sizes, self.policy)

    def kept(self, expiry: datetime | None) -> bool:
        """Content with this expiry is carried over to the next session (not waste)."""
        return (
            self.policy.keep_leftovers
            and self.next_session_at is not None
            and expiry is not None
            and expiry > self.next_session_at
        )


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
            for size in best_vial_combination(from_units(need), data.sizes, data.policy):
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


def _family_plan(
    data: _FamilyInput,
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


def _key(plan: FamilyPlan) -> tuple[Decimal, int, Decimal, Decimal]:
    return (plan.objective, plan.vials, plan.mg_wasted, -plan.leftover_mg_used)


@dataclass(frozen=True)
class _Solved:
    draws: list[Draw]
    vials: list[_Source]
    optimal: bool
    bound: Decimal  # proven lower bound of the objective (EUR or mg)
    wall: float


def _solve_cp_sat(data: _FamilyInput, *, time_limit_s: float, workers: int) -> _Solved | None:
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
    return _Solved(draws, vials, status == cp_model.OPTIMAL and optimal, bound, wall)


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


def _family_inputs(
    *,
    doses: Sequence[DoseNeed],
    sizes: Sequence[VialSize],
    leftovers: Sequence[OpenSource],
    stability_hours: Mapping[str, Decimal | None],
    policy: VialPolicy,
    next_session_at: datetime | None,
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
                policy=policy,
                next_session_at=next_session_at,
            )
        )
    return inputs


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
    """Plan the vials of a session (see the module docstring for model and objective).

    ``stability_hours[family]`` is how long an opened vial of the family keeps under the
    planned storage; a family absent or ``None`` has no documented opened stability.
    ``next_session_at``: when the unit next prepares; content still within stability then
    is carried over (if the policy keeps leftovers). ``None``: nothing is carried over.
    """
    _validate(doses, sizes, leftovers, next_session_at)
    inputs = _family_inputs(
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
        bound = _lower_bound(data)
        greedy_draws, greedy_sources = _greedy(data, fifo=fifo_greedy)
        greedy = _family_plan(
            data,
            greedy_draws,
            _opened(data, greedy_sources),
            lower_bound=bound,
            method=Method.GREEDY,
        )
        if not use_cp_sat:
            plans.append(greedy)
            continue
        solved = _solve_cp_sat(data, time_limit_s=budget, workers=workers)
        if solved is None:
            plans.append(
                _family_plan(
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
        exact = _family_plan(
            data,
            solved.draws,
            _opened(data, solved.vials),
            lower_bound=bound,
            method=method,
            wall=solved.wall,
            proven_bound=solved.bound,
        )
        if _key(greedy) < _key(exact):
            exact = _family_plan(
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
    policy: VialPolicy = DEFAULT_POLICY,
) -> IncrementalAssignment:
    """One new dose into a running session: open content first (earliest expiry; it is
    already paid for), then the best combination of new vials for the rest under the
    session objective (``best_vial_combination``)."""
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
        policy=policy,
    )
    draws, opened = _greedy(data, fifo=True)
    return IncrementalAssignment(draws=tuple(draws), opened=_opened(data, opened))
