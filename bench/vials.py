"""Vial-sharing benchmark: a synthetic year of doses replayed under four policies.

(a) ``no_sharing``: each dose alone, the fewest vials with the smallest capacity;
(b) ``greedy_fifo``: open content used oldest first, then the per-dose best new vials;
(c) ``corsia``: each day planned by ``plan_vials`` (CP-SAT) with the leftovers still stable;
(d) ``clairvoyant``: the whole year known in advance, solved exactly per *stability window*
    (per family, maximal runs of doses whose consecutive gaps are shorter than the opened
    stability: no vial can serve two windows, so the windows are independent and the sum
    of their optima is the offline optimum).

All four use the planner's objective (``VialPolicy``, defaults): per dose, per session or
per window, the least waste cost + 3 EUR handling per vial opened, then fewer vials, then
fewer mg wasted; (b) and (c) plan each day knowing the next session starts the next
working day at 08:00 (content still stable then is carried over to it).

Figures over the whole replay, identical for every policy (like with like):
waste (mg) = mg in opened vials - mg drawn (open content left at the end counts as waste);
waste cost = spend on opened vials - drawn mg at the family's best price per mg (the
domain's ``surcharge + best price x mg wasted`` summed over the year); objective = waste
cost + handling x vials (what the planner minimises). Capture = (a - c) / (a - d): the
share of the avoidable waste (cost, mg, vials, objective) the planner saves.

Product strengths come from the shipped archive (``corsia/drugs/data/catalogue.jsonl``);
the opened stability of a family is its reconstituted stability (powders) or, as a
benchmark assumption for concentrates, its diluted stability. Prices are illustrative
(no list prices ship with Corsia). Doses follow common regimen doses on a synthetic
population (BSA, weight, GFR).
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.stats import percentile
from corsia.compounding.domain.vials.costs import best_vial_combination
from corsia.compounding.domain.vials.greedy import assign_dose
from corsia.compounding.domain.vials.inputs import (
    DoseNeed,
    OpenSource,
    VialPolicy,
    VialSize,
    from_units,
    to_units_up,
)
from corsia.compounding.domain.vials.plan import OpenedVial, VialPlan
from corsia.compounding.domain.vials.planner import plan_vials

CATALOGUE = Path(__file__).resolve().parent.parent / "corsia/drugs/data/catalogue.jsonl"
FIRST_DAY = date(2026, 1, 5)  # a Monday
DAY_START_HOUR = 8
DAY_LENGTH_MIN = 8 * 60


@dataclass(frozen=True)
class Regimen:
    weight: int
    basis: str  # "m2", "kg", "flat", "auc"
    per_unit: Decimal


@dataclass(frozen=True)
class FamilySpec:
    ingredient: str
    code_suffix: str
    price_per_mg: Decimal
    share: int
    regimens: tuple[Regimen, ...]


SPECS: tuple[FamilySpec, ...] = (
    FamilySpec("oxaliplatin", "_oxaliplatino", Decimal("0.30"), 10,
               (Regimen(3, "m2", Decimal(85)), Regimen(1, "m2", Decimal(130)))),
    FamilySpec("fluorouracil", "_fluorouracile", Decimal("0.004"), 10,
               (Regimen(1, "m2", Decimal(400)), Regimen(1, "m2", Decimal(2400)))),
    FamilySpec("carboplatin", "_carboplatino", Decimal("0.05"), 9,
               (Regimen(3, "auc", Decimal(5)), Regimen(1, "auc", Decimal(2)))),
    FamilySpec("paclitaxel", "ml_paclitaxel", Decimal("0.20"), 9,
               (Regimen(1, "m2", Decimal(175)), Regimen(2, "m2", Decimal(80)))),
    FamilySpec("gemcitabine", "ml_gemcitabina", Decimal("0.02"), 7,
               (Regimen(1, "m2", Decimal(1000)),)),
    FamilySpec("cyclophosphamide", "_endoxan", Decimal("0.02"), 5,
               (Regimen(1, "m2", Decimal(600)), Regimen(1, "m2", Decimal(750)))),
    FamilySpec("doxorubicin", "_adriblastina", Decimal("0.40"), 5,
               (Regimen(1, "m2", Decimal(60)), Regimen(1, "m2", Decimal(50)))),
    FamilySpec("rituximab", "_mabthera", Decimal("2.00"), 6,
               (Regimen(1, "m2", Decimal(375)),)),
    FamilySpec("trastuzumab", "_herceptin", Decimal("3.00"), 6,
               (Regimen(4, "kg", Decimal(6)), Regimen(1, "kg", Decimal(8)))),
    FamilySpec("bevacizumab", "_avastin", Decimal("2.50"), 6,
               (Regimen(1, "kg", Decimal(5)), Regimen(1, "kg", Decimal("7.5")))),
    FamilySpec("pembrolizumab", "_keytruda", Decimal("25.00"), 6,
               (Regimen(1, "flat", Decimal(200)),)),
    FamilySpec("docetaxel", "ml_docetaxel", Decimal("0.50"), 6,
               (Regimen(1, "m2", Decimal(75)),)),
    FamilySpec("irinotecan", "_campto", Decimal("0.10"), 6,
               (Regimen(1, "m2", Decimal(180)),)),
    FamilySpec("cisplatin", "_cisplatino", Decimal("0.10"), 6,
               (Regimen(2, "m2", Decimal(75)), Regimen(1, "m2", Decimal(40)))),
    FamilySpec("etoposide", "ml_etoposide", Decimal("0.05"), 3,
               (Regimen(1, "m2", Decimal(100)),)),
)  # fmt: skip


@dataclass(frozen=True)
class Family:
    spec: FamilySpec
    sizes: tuple[VialSize, ...]
    stability_hours: Decimal | None

    @property
    def name(self) -> str:
        return self.spec.ingredient


def load_families() -> tuple[Family, ...]:
    products: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        record = json.loads(line)
        if record.get("type") == "product":
            products[record["ingredient"]].append(record)
    families = []
    for spec in SPECS:
        chosen = [
            p
            for p in products[spec.ingredient]
            if p["code"].endswith(spec.code_suffix)
            and p.get("strength_unit", "mg") == "mg"
            # a subcutaneous or liposomal product of the same brand is another family
            and p.get("formulation", "conventional") in ("", "conventional")
        ]
        if not chosen:
            raise LookupError(f"no product for {spec.ingredient} ending {spec.code_suffix}")
        largest = max(Decimal(p["strength"]) for p in chosen)
        sizes = tuple(
            VialSize(
                product_code=p["code"],
                family=spec.ingredient,
                strength_mg=Decimal(p["strength"]),
                price_eur=(
                    Decimal(p["strength"])
                    * spec.price_per_mg
                    * (Decimal(1) if Decimal(p["strength"]) == largest else Decimal("1.05"))
                ).quantize(Decimal("0.01")),
            )
            for p in chosen
        )
        first = chosen[0]
        hours = (
            first.get("reconstituted_stability_hours")
            if first.get("physical_state") == "powder"
            else first.get("diluted_stability_hours")
        )
        families.append(Family(spec, sizes, Decimal(hours) if hours else None))
    return tuple(families)


def working_days(count: int) -> list[date]:
    days: list[date] = []
    current = FIRST_DAY
    while len(days) < count:
        if current.weekday() < 5:
            days.append(current)
        current += timedelta(days=1)
    return days


def _dose_mg(rng: random.Random, regimen: Regimen) -> Decimal:
    bsa = min(2.4, max(1.3, rng.gauss(1.8, 0.18)))
    weight = min(130.0, max(40.0, rng.gauss(72, 14)))
    if regimen.basis == "m2":
        value = float(regimen.per_unit) * bsa
    elif regimen.basis == "kg":
        value = float(regimen.per_unit) * weight
    elif regimen.basis == "auc":
        value = float(regimen.per_unit) * (min(125.0, rng.uniform(45, 130)) + 25)  # Calvert
    else:
        value = float(regimen.per_unit)
    return Decimal(max(1, round(value)))


def synthetic_day(
    rng: random.Random, families: Sequence[Family], day: date, count: int, prefix: str
) -> list[DoseNeed]:
    doses = []
    weights = [f.spec.share for f in families]
    start = datetime(day.year, day.month, day.day, DAY_START_HOUR, tzinfo=UTC)
    for index in range(count):
        family = rng.choices(families, weights)[0]
        regimen = rng.choices(family.spec.regimens, [r.weight for r in family.spec.regimens])[0]
        doses.append(
            DoseNeed(
                id=f"{prefix}{index}",
                family=family.name,
                dose_mg=_dose_mg(rng, regimen),
                needed_at=start + timedelta(minutes=rng.randrange(DAY_LENGTH_MIN)),
            )
        )
    return doses


@dataclass
class Tally:
    vials: int = 0
    opened_mg: Decimal = Decimal(0)
    drawn_mg: Decimal = Decimal(0)
    spend_eur: Decimal = Decimal(0)
    objective_bound_eur: Decimal = Decimal(0)  # clairvoyant: Σ proven bounds of the windows

    def add_plan(self, plan: VialPlan) -> None:
        self.vials += plan.vials
        self.opened_mg += sum((v.strength_mg for v in plan.opened), Decimal(0))
        self.spend_eur += plan.cost_eur


def _figures(tally: Tally, drawn_value_eur: Decimal, policy: VialPolicy) -> dict[str, float | int]:
    waste = tally.opened_mg - tally.drawn_mg
    waste_cost = tally.spend_eur - drawn_value_eur
    return {
        "vials": tally.vials,
        "mg_wasted": float(waste),
        "waste_cost_eur": float(waste_cost.quantize(Decimal("0.01"))),
        "objective_eur": float(
            (waste_cost + policy.handling_eur * tally.vials).quantize(Decimal("0.01"))
        ),
        "spend_eur": float(tally.spend_eur.quantize(Decimal("0.01"))),
    }


def _next_session(day: date) -> datetime:
    """The next working day's start: the unit's calendar, not the next day's first dose."""
    following = day + timedelta(days=1)
    while following.weekday() >= 5:
        following += timedelta(days=1)
    return datetime(following.year, following.month, following.day, DAY_START_HOUR, tzinfo=UTC)


def _replay(
    days: Sequence[list[DoseNeed]],
    families: Sequence[Family],
    calendar: Sequence[date],
    *,
    use_cp_sat: bool,
    time_limit_s: float,
    policy: VialPolicy,
) -> Tally:
    sizes = [s for f in families for s in f.sizes]
    stability = {f.name: f.stability_hours for f in families}
    stock: list[OpenSource] = []
    tally = Tally()
    for number, (doses, day) in enumerate(zip(days, calendar, strict=True)):
        if not doses:
            continue
        first = min(d.needed_at for d in doses)
        stock = [s for s in stock if s.expiry > first]
        plan = plan_vials(
            doses=doses,
            sizes=sizes,
            leftovers=stock,
            stability_hours=stability,
            policy=policy,
            next_session_at=_next_session(day),
            time_limit_s=time_limit_s,
            use_cp_sat=use_cp_sat,
            fifo_greedy=True,
        )
        tally.add_plan(plan)
        used: dict[str, Decimal] = defaultdict(Decimal)
        for draw in plan.draws:
            tally.drawn_mg += draw.mg
            if draw.from_leftover:
                used[draw.source_id] += draw.mg
        stock = _left_open(stock, used, plan.opened, prefix=str(number))
    return tally


def _left_open(
    stock: Sequence[OpenSource],
    used: dict[str, Decimal],
    opened: Sequence[OpenedVial],
    *,
    prefix: str,
) -> list[OpenSource]:
    """What stays open after a plan: the sources less what it ``used``, and the vials it
    ``opened`` with something left in them (named ``prefix:vial``)."""
    left = [
        OpenSource(s.id, s.family, s.product_code, s.mg_available - used[s.id], s.expiry)
        for s in stock
        if s.mg_available - used[s.id] > 0
    ]
    left.extend(
        OpenSource(f"{prefix}:{v.id}", v.family, v.product_code, v.remaining_mg, v.expiry)
        for v in opened
        if v.expiry is not None and v.remaining_mg > 0
    )
    return left


def _no_sharing(
    days: Sequence[list[DoseNeed]], families: Sequence[Family], policy: VialPolicy
) -> Tally:
    by_name = {f.name: f for f in families}
    tally = Tally()
    for doses in days:
        for dose in doses:
            combo = best_vial_combination(dose.dose_mg, by_name[dose.family].sizes, policy)
            tally.vials += len(combo)
            tally.opened_mg += sum((s.strength_mg for s in combo), Decimal(0))
            tally.spend_eur += sum((s.price_eur for s in combo), Decimal(0))
            tally.drawn_mg += from_units(to_units_up(dose.dose_mg))
    return tally


def _clairvoyant(
    days: Sequence[list[DoseNeed]],
    families: Sequence[Family],
    *,
    window_limit_s: float,
    max_window_doses: int,
    policy: VialPolicy,
) -> tuple[Tally, int, int, int]:
    """Exact per stability window; a window longer than ``max_window_doses`` (a family whose
    stability outlasts the weekend links the whole year) is cut into chunks, which makes
    that part an upper bound of the offline optimum: such cuts are counted."""
    tally = Tally()
    windows = optimal = cuts = 0
    for family in families:
        doses = sorted(
            (d for day in days for d in day if d.family == family.name),
            key=lambda d: (d.needed_at, d.id),
        )
        if family.stability_hours is None:
            groups = [[d] for d in doses]
        else:
            gap = timedelta(hours=float(family.stability_hours))
            groups = []
            for dose in doses:
                if groups and dose.needed_at - groups[-1][-1].needed_at < gap:
                    groups[-1].append(dose)
                else:
                    groups.append([dose])
        chunks = []
        for group in groups:
            for start in range(0, len(group), max_window_doses):
                chunks.append(group[start : start + max_window_doses])
            cuts += (len(group) - 1) // max_window_doses
        for group in chunks:
            plan = plan_vials(
                doses=group,
                sizes=family.sizes,
                stability_hours={family.name: family.stability_hours},
                policy=policy,
                time_limit_s=window_limit_s,
            )
            windows += 1
            optimal += all(f.method == "cp_sat_optimal" for f in plan.families)
            tally.add_plan(plan)
            tally.drawn_mg += sum((d.mg for d in plan.draws), Decimal(0))
            tally.objective_bound_eur += sum((f.objective_bound for f in plan.families), Decimal(0))
    return tally, windows, optimal, cuts


def _capture(a: float, c: float, d: float) -> float | None:
    return None if a == d else round((a - c) / (a - d), 4)


def _plan_figures(plan: VialPlan, seconds: float) -> dict[str, Any]:
    return {
        "s": round(seconds, 3),
        "vials": plan.vials,
        "lower_bound": plan.lower_bound,
        "mg_wasted": float(plan.mg_wasted),
        "waste_cost_eur": float(plan.waste_cost_eur.quantize(Decimal("0.01"))),
        "objective_eur": float(
            sum((f.objective for f in plan.families), Decimal(0)).quantize(Decimal("0.01"))
        ),
        "objective_gap_eur": float(plan.objective_gap_eur.quantize(Decimal("0.01"))),
        "methods": sorted({f.method.value for f in plan.families}),
        "within_time_limit": plan.within_time_limit,
    }


def _one_day(
    doses: Sequence[DoseNeed],
    families: Sequence[Family],
    *,
    policy: VialPolicy,
    time_limit_s: float,
) -> dict[str, Any]:
    """One day planned in full by Corsia and by the first-fit (decreasing) baseline."""
    sizes = [s for f in families for s in f.sizes]
    stability = {f.name: f.stability_hours for f in families}
    started = time.perf_counter()
    plan = plan_vials(
        doses=doses,
        sizes=sizes,
        stability_hours=stability,
        policy=policy,
        time_limit_s=time_limit_s,
    )
    corsia = _plan_figures(plan, time.perf_counter() - started)
    started = time.perf_counter()
    baseline = plan_vials(
        doses=doses, sizes=sizes, stability_hours=stability, policy=policy, use_cp_sat=False
    )
    return {
        "preps": len(doses),
        "corsia": corsia,
        "first_fit": _plan_figures(baseline, time.perf_counter() - started),
    }


def vial_benchmark(
    seed: int,
    days: int,
    preps_per_day: int,
    *,
    replan_preps: int = 250,
    check_preps: int = 200,
    time_limit_s: float = 5.0,
    window_limit_s: float = 60.0,
    max_window_doses: int = 150,
    policy: VialPolicy | None = None,
) -> dict[str, Any]:
    """Replay ``days`` working days of ``preps_per_day`` doses under the four policies."""
    policy = policy or VialPolicy()
    rng = random.Random(seed)
    families = load_families()
    calendar = working_days(days)
    schedule = [
        synthetic_day(rng, families, day, preps_per_day, f"d{n}p") for n, day in enumerate(calendar)
    ]
    best_price = {f.name: min(s.price_eur / s.strength_mg for s in f.sizes) for f in families}
    drawn_value = sum(
        (
            from_units(to_units_up(d.dose_mg)) * best_price[d.family]
            for day in schedule
            for d in day
        ),
        Decimal(0),
    )
    timings: dict[str, float] = {}
    policies: dict[str, Tally] = {}
    for name in ("no_sharing", "greedy_fifo", "corsia"):
        started = time.perf_counter()
        if name == "no_sharing":
            policies[name] = _no_sharing(schedule, families, policy)
        else:
            policies[name] = _replay(
                schedule,
                families,
                calendar,
                use_cp_sat=name == "corsia",
                time_limit_s=time_limit_s,
                policy=policy,
            )
        timings[name] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    clairvoyant, windows, optimal_windows, cuts = _clairvoyant(
        schedule,
        families,
        window_limit_s=window_limit_s,
        max_window_doses=max_window_doses,
        policy=policy,
    )
    policies["clairvoyant"] = clairvoyant
    timings["clairvoyant"] = round(time.perf_counter() - started, 2)
    figures = {name: _figures(t, drawn_value, policy) for name, t in policies.items()}

    # The day of 200 preparations against the lower bound and first fit; a full re-plan of
    # a busy day; then that day assigned dose by dose.
    check_day = calendar[-1] + timedelta(days=7)
    check = _one_day(
        synthetic_day(rng, families, check_day, check_preps, "c"),
        families,
        policy=policy,
        time_limit_s=time_limit_s,
    )
    busy = synthetic_day(rng, families, check_day + timedelta(days=1), replan_preps, "r")
    sizes = [s for f in families for s in f.sizes]
    stability = {f.name: f.stability_hours for f in families}
    started = time.perf_counter()
    replan = plan_vials(
        doses=busy, sizes=sizes, stability_hours=stability, policy=policy, time_limit_s=time_limit_s
    )
    replan_s = time.perf_counter() - started
    stock: list[OpenSource] = []
    samples: list[float] = []
    for dose in sorted(busy, key=lambda d: d.needed_at):
        tick = time.perf_counter()
        result = assign_dose(
            dose=dose,
            sources=stock,
            sizes=sizes,
            stability_hours=stability[dose.family],
            policy=policy,
        )
        samples.append(time.perf_counter() - tick)
        used: dict[str, Decimal] = defaultdict(Decimal)
        for draw in result.draws:
            used[draw.source_id] += draw.mg
        stock = _left_open(stock, used, result.opened, prefix=str(dose.id))

    def capture(key: str) -> float | None:
        a, c, d = (float(figures[k][key]) for k in ("no_sharing", "corsia", "clairvoyant"))
        return _capture(a, c, d)

    captures = {
        key: capture(key) for key in ("objective_eur", "waste_cost_eur", "mg_wasted", "vials")
    }
    return {
        "seed": seed,
        "days": days,
        "preps_per_day": preps_per_day,
        "doses": sum(len(day) for day in schedule),
        "policy": {
            "handling_eur": float(policy.handling_eur),
            "keep_leftovers": policy.keep_leftovers,
            "carry_over_credit": float(policy.carry_over_credit),
        },
        "policies": figures,
        "capture": captures,
        "waste_capture": captures["waste_cost_eur"],
        "vial_capture": captures["vials"],
        # against the sum of the windows' proven bounds (exact only without window cuts):
        # a capture that cannot be overstated by windows CP-SAT did not prove optimal
        "objective_capture_vs_bound": _capture(
            figures["no_sharing"]["objective_eur"],
            figures["corsia"]["objective_eur"],
            float(clairvoyant.objective_bound_eur),
        ),
        "clairvoyant_objective_bound_eur": float(
            clairvoyant.objective_bound_eur.quantize(Decimal("0.01"))
        ),
        "clairvoyant_windows": windows,
        "clairvoyant_windows_optimal": optimal_windows,
        "clairvoyant_window_cuts": cuts,
        "policy_s": timings,
        "day_check": check,
        "replan_preps": replan_preps,
        "replan_s": round(replan_s, 3),
        "replan_within_time_limit": replan.within_time_limit,
        "replan_methods": sorted({f.method.value for f in replan.families}),
        "replan_vials": replan.vials,
        "replan_lower_bound": replan.lower_bound,
        "replan_objective_gap_eur": float(replan.objective_gap_eur.quantize(Decimal("0.01"))),
        "incremental_p95_ms": round(percentile(samples, 95) * 1000, 3),
    }


if __name__ == "__main__":
    import sys

    arguments = [int(a) for a in sys.argv[1:4]]
    seed, days, per_day = (arguments + [1, 250, 80][len(arguments) :])[:3]
    credit = Decimal(sys.argv[4]) if len(sys.argv) > 4 else VialPolicy().carry_over_credit
    result = vial_benchmark(
        seed,
        days,
        per_day,
        time_limit_s=2.0,
        window_limit_s=10.0,
        policy=VialPolicy(carry_over_credit=credit),
    )
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
