"""The unit's rows for the orders that reached the pharmacy, in two passes: the orders
one by one (every preparation with its times, the check-outs, the chair, the
toxicities), then the hood in time order (``hood``)."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import psycopg

from bench.records import Staff, UnitItem, UnitOrder, _copy
from bench.unit.chair import administer_day, chair_schedule
from bench.unit.constants import (
    ADMIN_COLUMNS,
    CHECKOUT_COLUMNS,
    EXPOSURE_COLUMNS,
    LEFTOVER_COLUMNS,
    LOT_COLUMNS,
    MOVEMENT_COLUMNS,
    PREP_COLUMNS,
    SCAN_COLUMNS,
    SESSION_COLUMNS,
    TOXICITY_COLUMNS,
    VIAL_COLUMNS,
    WEIGHING_COLUMNS,
)
from bench.unit.context import Read, UnitRun, load_run
from bench.unit.hood import hood_pass
from bench.unit.preps import Leftover, Prep, _day_progress, _spread, _toxicities

SUSPECTED = "toxicity_toxicityrecord_suspected_ingredients"
TABLES = (
    ("compounding_worksession", SESSION_COLUMNS),
    ("compounding_checkout", CHECKOUT_COLUMNS),
    ("compounding_preparation", PREP_COLUMNS),
    ("compounding_leftover", LEFTOVER_COLUMNS),
    ("compounding_preparationvial", VIAL_COLUMNS),
    ("compounding_weighing", WEIGHING_COLUMNS),
    ("compounding_exposurerecord", EXPOSURE_COLUMNS),
    ("inventory_stocklot", LOT_COLUMNS),
    ("inventory_stockmovement", MOVEMENT_COLUMNS),
    ("administration_administration", ADMIN_COLUMNS),
    ("administration_administrationscan", SCAN_COLUMNS),
    ("toxicity_toxicityrecord", TOXICITY_COLUMNS),
    (SUSPECTED, "toxicityrecord_id, activeingredient_id"),
)


def generate_unit(
    cur: psycopg.Cursor[Any],
    *,
    orders: list[UnitOrder],
    staff: Staff,
    rng: random.Random,
    today: date,
    now: datetime,
) -> tuple[dict[str, int], list[Read]]:
    """COPY the unit's rows for ``orders``; returns the counts and the reads to log."""
    run = load_run(cur, orders, staff, rng, (today, now))
    # pass 1: every preparation with its times; check-outs; administrations
    preps: list[Prep] = []
    prep_of_item: dict[int, Prep] = {}
    slot_of_day: dict[date, int] = defaultdict(int)
    for order in orders:
        _order_days(run, order, preps, prep_of_item, slot_of_day)
        if order.state == "administered":
            _toxicities(
                rng,
                order,
                archive=run.archive,
                terms=run.terms,
                staff=staff,
                today=today,
                now=now,
                ids=run.ids,
                rows=run.rows["toxicity_toxicityrecord"],  # type: ignore[arg-type]
                suspected=run.rows[SUSPECTED],  # type: ignore[arg-type]
                reads=run.reads,
            )
    # pass 2: the hood, in time order (leftovers and stock are shared across orders)
    all_leftovers = hood_pass(run, preps)
    run.stock.close(today, now)
    run.rows["compounding_leftover"] = _leftover_rows(run, all_leftovers)
    run.rows["inventory_stocklot"] = [
        (
            lot.id, lot.created_at, lot.updated_at, lot.code, lot.expiry, lot.quantity,
            lot.product.unit_cost, lot.product.pack_id, lot.product.id, lot.product.location_id,
        )
        for lot in run.stock.all_lots
    ]  # fmt: skip
    run.rows["inventory_stockmovement"] = list(run.stock.movements)
    counts = run.counts
    for table, columns in TABLES:
        rows: Sequence[Sequence[Any]] = run.rows[table]
        _copy(cur, table, columns, rows)
        counts[table.split("_", 1)[1]] = len(rows)
    counts["stock_deliveries"] = run.stock.deliveries
    from django.db import connections

    connections.close_all()
    return dict(counts), run.reads


def _order_days(
    run: UnitRun,
    order: UnitOrder,
    preps: list[Prep],
    prep_of_item: dict[int, Prep],
    slot_of_day: dict[date, int],
) -> None:
    """An order's days: each pharmacy line's preparation in the state its day implies,
    at a hood of the day, the patient bag checked out, the lines given in the chair."""
    rng, today, now = run.rng, run.today, run.now
    taken = order.stamps.get("take_charge")
    validated = order.stamps.get("validate")
    assert taken is not None and validated is not None
    by_day: dict[date, list[UnitItem]] = defaultdict(list)
    for item in order.items:
        by_day[item.day].append(item)
    for day, items in sorted(by_day.items()):
        items.sort(key=lambda i: i.sequence)
        plan = order.days[day]
        progress = _day_progress(order, day, today, rng)
        prep_start, prep_end, deliver = plan.prep_start, plan.prep_end, plan.deliver
        if day == order.first:
            prep_start = order.stamps.get("start_preparation", (0, prep_start))[1]
            prep_end = order.stamps.get("complete_preparation", (0, prep_end))[1]
            deliver = order.stamps.get("deliver", (0, deliver))[1]
        if day == today:  # nothing after now
            prep_start, prep_end, deliver = (min(t, now) for t in (prep_start, prep_end, deliver))
        pharmacy = [i for i in items if i.competence == "pharmacy"]
        slots = _spread(prep_start, prep_end, len(pharmacy))
        given_today = progress in ("administered", "running")
        checkout_id = None
        if given_today and pharmacy:
            checkout_id = run.next_id("compounding_checkout")
            run.rows["compounding_checkout"].append(
                (
                    checkout_id, day, f"DDC-{day:%Y}-{checkout_id:07d}", deliver,
                    run.staff.pick(rng, "technician"), order.id,
                )
            )  # fmt: skip
        for k, item in enumerate(pharmacy):
            if progress == "validated" or (progress == "in_progress" and k > 0):
                state = "validated"
            elif progress in ("in_progress", "released"):
                state = progress
            else:
                state = "checked_out"
            product = run.archive.product_for(item)
            prep = Prep(
                run.next_id("compounding_preparation"), order, item, product, state, taken[1]
            )
            prep_of_item[item.id] = prep
            preps.append(prep)
            if state == "validated" and day == today and run.hoods:
                prep.state = "assigned"
            if prep.state in ("assigned", "in_progress", "released", "checked_out"):
                slot = slot_of_day[day]
                slot_of_day[day] += 1
                prep.hood, prep.session, prep.technician, prep.pharmacist = run.session_of(
                    day, slot
                )
            if state in ("in_progress", "released", "checked_out"):
                begin, finish = slots[k]
                prep.started_at = begin
                if state != "in_progress":
                    prep.weighed_at = finish - timedelta(minutes=3)
                    prep.released_at = finish
            prep.checkout_id = checkout_id if state == "checked_out" else None
        if given_today:
            schedule = chair_schedule(order, day, items, plan, deliver)
            administer_day(run, order, schedule, progress=progress, prep_of_item=prep_of_item)


def _leftover_rows(run: UnitRun, all_leftovers: list[Leftover]) -> list[Sequence[Any]]:
    """Every leftover opened, in the state it is in now (wasted, used, expired, open)."""
    rows: list[Sequence[Any]] = []
    for left in all_leftovers:
        if left.wasted:
            state = "wasted"
        elif left.ml <= 0:
            state = "used"
        elif left.expires_at <= run.now:
            state = "expired"
        else:
            state = "open"
        run.counts[f"leftovers_{state}"] += 1
        rows.append(
            (
                left.id, left.opened_at, left.updated_at, left.lot.code, left.lot.expiry,
                left.product.data.concentration_mg_ml, left.ml, left.opened_at, left.expires_at,
                left.storage, True, state, left.hood, left.product.id, left.prep,
            )
        )  # fmt: skip
    return rows
