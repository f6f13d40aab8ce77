"""The hood, in time order (leftovers and stock are shared across orders): each started
preparation draws from the open leftovers of its family, then from new vials (what a new
vial holds beyond the dose becomes a leftover), and is weighed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bench.unit.archive import Product
from bench.unit.constants import MG, ML, WEIGHING_REDONE, G
from bench.unit.context import UnitRun
from bench.unit.preps import Leftover, Prep, _barcode, _prep_row
from bench.unit.stock import Lot
from corsia.compounding.domain.diluents import DILUENT_DENSITY_G_ML
from corsia.compounding.domain.gravimetric import Component, gravimetric_check
from corsia.compounding.domain.leftovers import leftover_expiry
from corsia.compounding.domain.preparation import Preparation as Completion
from corsia.compounding.domain.product import StorageTemperature
from corsia.compounding.domain.vials.costs import best_vial_combination
from corsia.compounding.domain.workflow import preparation_label_code

# the empty bag's weight by its nominal volume (else the largest)
TARE_G = {
    Decimal(100): Decimal("14.8"),
    Decimal(250): Decimal("21.5"),
    Decimal(500): Decimal("31.0"),
}
TARE_OTHER_G = Decimal("44.0")


@dataclass
class Draws:
    """What one preparation has drawn so far, and when its last draw was."""

    at: datetime
    remaining: Decimal
    planned: list[dict[str, Any]] = field(default_factory=list)
    drawn: list[tuple[Product, Decimal, Decimal]] = field(default_factory=list)  # mg, ml
    oldest_open: datetime | None = None

    def record(
        self,
        run: UnitRun,
        prep: Prep,
        vial: Product,
        lot: Lot,
        *,
        mg: Decimal,
        ml: Decimal,
        leftover: Leftover | None = None,
        plan: dict[str, Any],
    ) -> None:
        """One draw: its vial row, its line of the vial plan, the mg and mL taken."""
        source = "leftover" if leftover else "new"
        run.rows["compounding_preparationvial"].append(
            (
                run.next_id("compounding_preparationvial"), lot.code, lot.expiry, mg, ml, source,
                "" if leftover else _barcode(vial, lot), self.at, leftover.id if leftover else None,
                None if leftover else vial.pack_id, prep.id, vial.id, prep.technician,
            )
        )  # fmt: skip
        self.planned.append({"product": vial.code, "mg": str(mg), "source": source, **plan})
        self.drawn.append((vial, mg, ml))
        self.remaining -= mg


def _from_leftovers(
    run: UnitRun, prep: Prep, product: Product, pool: list[Leftover], draws: Draws
) -> None:
    """The open leftovers of the family the preparation's own stability allows, the one
    that expires first first."""
    moment = draws.at
    pool[:] = [x for x in pool if x.expires_at > moment + timedelta(minutes=10) and x.ml > 0]
    usable = [
        x
        for x in pool
        if run.archive.complete(product, prep.item, moment, opened_at=x.opened_at)[0] is not None
    ]
    for left in sorted(usable, key=lambda x: (x.expires_at, x.id)):
        if draws.remaining <= 0:
            break
        concentration = left.product.data.concentration_mg_ml
        mg = min(draws.remaining, left.ml * concentration).quantize(MG)
        ml = (mg / concentration).quantize(ML, ROUND_HALF_UP)
        if mg <= 0 or ml <= 0:
            continue
        draws.at += timedelta(seconds=50)
        left.ml = max(Decimal(0), left.ml - ml)
        left.updated_at = draws.at
        draws.oldest_open = min(draws.oldest_open or left.opened_at, left.opened_at)
        plan = {"leftover_id": left.id}
        draws.record(run, prep, left.product, left.lot, mg=mg, ml=ml, leftover=left, plan=plan)
        run.counts["leftover_draws"] += 1


def _from_new_vials(
    run: UnitRun,
    prep: Prep,
    product: Product,
    draws: Draws,
    *,
    leftovers: dict[str, list[Leftover]],
    all_leftovers: list[Leftover],
) -> None:
    """New vials of the cheapest combination for what is left, unloaded from stock at the
    release; each vial's excess opened as a leftover (wasted at once without a stability)."""
    combo = sorted(
        best_vial_combination(draws.remaining, product.family), key=lambda s: -s.strength_mg
    )
    for n, size in enumerate(combo):
        vial = run.archive.products[size.product_code]
        mg = min(draws.remaining, size.strength_mg).quantize(MG)
        if mg <= 0:  # the dose is drawn (0.1 mg units rounded up)
            break
        ml = (mg / vial.data.concentration_mg_ml).quantize(ML, ROUND_HALF_UP)
        draws.at += timedelta(seconds=70)
        at = draws.at
        lot = run.stock.take(vial, at, run.now)
        if prep.released_at is not None:
            run.stock.unload(
                lot,
                prep.released_at,
                actor=prep.pharmacist or run.staff.pharmacists[0],
                cost_center=run.cost_centers.get(prep.order.ward_id),
                patient=prep.order.patient_id,
                label=preparation_label_code(prep.id),
            )
        plan = {"vial": f"V{n + 1}", "strength_mg": str(size.strength_mg)}
        draws.record(run, prep, vial, lot, mg=mg, ml=ml, plan=plan)
        run.counts["vials_new"] += 1
        excess = size.strength_mg - mg
        if excess > 0:
            data = vial.data
            opened = data.opened_stability
            storage = opened.temperature if opened is not None else StorageTemperature.REFRIGERATED
            expires = leftover_expiry(
                product=data, opened_at=at, storage=storage, protected_from_light=True
            )
            left = Leftover(
                run.next_id("compounding_leftover"), vial, lot,
                (excess / data.concentration_mg_ml).quantize(ML, ROUND_HALF_UP), at, expires,
                storage.value, prep.id, prep.hood, at, expires <= at,
            )  # fmt: skip
            all_leftovers.append(left)
            if not left.wasted:
                leftovers[data.family].append(left)


def _weigh(run: UnitRun, prep: Prep, done: Completion, draws: Draws, weigh_at: datetime) -> None:
    """The gravimetric check on the drug volumes and the bag; a few first weighings out of
    tolerance and done again, never the last by chance."""
    rng = run.rng
    components = [
        Component(p.code, ml, p.data.density_g_ml or Decimal(1), True) for p, _mg, ml in draws.drawn
    ]
    components.append(
        Component(
            done.bag.diluent,
            done.bag.content_ml,
            DILUENT_DENSITY_G_ML.get(done.bag.diluent, Decimal(1)),
            False,
        )
    )
    tare = TARE_G.get(done.bag.nominal_ml, TARE_OTHER_G)
    expected = tare + sum((c.weight_g for c in components), Decimal(0))
    tries = []
    if rng.random() < WEIGHING_REDONE:  # a drug volume not all in: weighed again
        drug = sum((c.weight_g for c in components if c.is_drug), Decimal(0))
        tries.append(
            (
                weigh_at - timedelta(minutes=6),
                expected - max(drug * Decimal("0.6"), expected * Decimal("0.07")),
            )
        )
    tries.append((weigh_at, expected * Decimal(str(1 + rng.gauss(0, 0.008)))))
    for when, measured in tries:
        result = gravimetric_check(
            tare_g=tare, components=components, measured_g=measured.quantize(G)
        )
        if not result.passed and when == weigh_at:  # never by chance: put it right
            result = gravimetric_check(
                tare_g=tare, components=components, measured_g=expected.quantize(G)
            )
        run.rows["compounding_weighing"].append(
            (
                run.next_id("compounding_weighing"), tare, result.measured_g, "scale", result.expected_g,
                result.deviation_g, result.deviation_percent, result.drug_deviation_percent,
                result.tolerance_percent, result.basis.value, result.passed, result.message, when,
                prep.id, prep.technician,
            )
        )  # fmt: skip
        run.counts["weighings_passed" if result.passed else "weighings_failed"] += 1


def hood_pass(run: UnitRun, preps: Sequence[Prep]) -> list[Leftover]:
    """Every preparation's row (those never started as they are); returns every leftover
    opened."""
    archive, counts = run.archive, run.counts
    prep_rows = run.rows["compounding_preparation"]
    leftovers: dict[str, list[Leftover]] = defaultdict(list)  # per family, open ones
    all_leftovers: list[Leftover] = []
    started = sorted(
        (p for p in preps if p.started_at is not None), key=lambda p: (p.started_at, p.id)
    )
    for prep in preps:
        if prep.started_at is None:
            prep_rows.append(_prep_row(prep, archive, [], counts))
    for prep in started:
        assert prep.started_at is not None and prep.technician is not None
        product = prep.product
        item = prep.item
        if product is None or item.amount_unit != "mg":
            prep_rows.append(_prep_row(prep, archive, [], counts))
            continue
        moment = prep.started_at
        base, why = archive.complete(product, item, moment)
        if base is None:  # the archive cannot complete it: pending, nothing drawn
            prep_rows.append(_prep_row(prep, archive, [], counts, reason=why))
            continue
        label = f"preparazione {preparation_label_code(prep.id)}"
        run.reads.append((moment, prep.technician, prep.order.patient_id, label, "web"))
        draws = Draws(at=moment, remaining=item.final_dose)
        _from_leftovers(run, prep, product, leftovers[product.data.family], draws)
        if draws.remaining > 0:
            _from_new_vials(
                run, prep, product, draws, leftovers=leftovers, all_leftovers=all_leftovers
            )
        # worksheet as recomputed at the weighing (oldest opened content)
        done, reason = archive.complete(product, item, moment, opened_at=draws.oldest_open)
        if prep.weighed_at is not None and done is not None:
            _weigh(run, prep, done, draws, prep.weighed_at)
            run.rows["compounding_exposurerecord"].append(
                (
                    run.next_id("compounding_exposurerecord"), moment, prep.weighed_at,
                    item.ingredient_id, prep.technician, prep.hood, prep.id,
                )
            )  # fmt: skip
        prep_rows.append(_prep_row(prep, archive, draws.planned, counts, done=done, reason=reason))
    return all_leftovers
