"""A preparation and a leftover on their way, and the rows written for them."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

import psycopg

from bench.records import Staff, UnitItem, UnitOrder
from bench.unit.archive import Archive, Product
from bench.unit.constants import (
    ATTRIBUTIONS,
    GRADE_WEIGHTS,
    TOXICITY_PER_CYCLE,
    TOXICITY_SECOND,
    TOXICITY_TERMS,
)
from bench.unit.stock import Lot
from corsia.compounding.domain.preparation import Preparation as Completion
from corsia.compounding.domain.workflow import preparation_label_code

# ------------------------------------------------------------------ the unit


@dataclass
class Prep:
    """One preparation on its way; rows are written once it is complete."""

    id: int
    order: UnitOrder
    item: UnitItem
    product: Product | None
    state: str
    created_at: datetime
    started_at: datetime | None = None
    weighed_at: datetime | None = None
    released_at: datetime | None = None
    checkout_id: int | None = None
    hood: int | None = None
    session: int | None = None
    technician: int | None = None
    pharmacist: int | None = None
    updated_at: datetime | None = None
    first_started_at: datetime | None = None  # its administration's first start (chair)


@dataclass
class Leftover:
    id: int
    product: Product
    lot: Lot
    ml: Decimal
    opened_at: datetime
    expires_at: datetime
    storage: str
    prep: int
    hood: int | None
    updated_at: datetime
    wasted: bool


def _spread(start: datetime, end: datetime, n: int) -> list[tuple[datetime, datetime]]:
    if n <= 0:
        return []
    step = max((end - start) / n, timedelta(minutes=4))
    return [(start + step * k, start + step * (k + 1)) for k in range(n)]


def _day_progress(order: UnitOrder, day: date, today: date, rng: random.Random) -> str:
    if day > today:
        return "validated"
    if day < today:
        return "administered"
    if day == order.first:
        return {
            "taken_in_charge": "validated",
            "in_preparation": "in_progress",
            "prepared": "released",
            "delivered": "running",
            "administered": "administered",
        }[order.state]
    return rng.choice(("validated", "released", "running"))


def _barcode(product: Product, lot: Lot) -> str:
    if product.barcode_kind == "aic":
        return "A" + product.barcode_code
    if product.barcode_kind == "gtin":
        return f"(01){product.barcode_code}(17){lot.expiry:%y%m%d}(10){lot.code}"
    return ""


def _prep_row(
    prep: Prep,
    archive: Archive,
    planned: list[dict[str, Any]],
    counts: dict[str, int],
    *,
    done: Completion | None = None,
    reason: str = "",
) -> tuple[Any, ...]:
    item = prep.item
    if done is None and not reason:
        if prep.product is None:
            reason = "Nessun medicinale in archivio per questo principio attivo."
        elif item.amount_unit != "mg":
            reason = f"Dose in {item.amount_unit}: l'allestimento automatico gestisce i mg."
        else:
            done, reason = archive.complete(prep.product, item, prep.created_at)
    state = prep.state
    if reason:
        state = "pending"  # the pharmacist completes it by hand (not modelled)
    counts[f"preparations_{state}"] += 1
    last = prep.released_at or prep.weighed_at or prep.started_at or prep.created_at
    version = {
        "pending": 1,
        "validated": 1,
        "assigned": 2,
        "in_progress": 3,
        "released": 5,
        "checked_out": 6,
    }[state]
    released = prep.released_at if state in ("released", "checked_out") else None
    return (
        prep.id, prep.created_at, last, version, item.day, state, "", preparation_label_code(prep.id),
        item.final_dose, done.bag.diluent if done else "", done.bag.nominal_ml if done else None,
        done.bag.overfill_ml if done else Decimal(0), done.volume_to_draw_ml if done else None,
        done.final_volume_ml if done else None, done.final_concentration_mg_ml if done else None,
        done.expiry if done else None, done.storage.value if done else "",
        done.protect_from_light if done else False, json.dumps(list(done.warnings) if done else []),
        reason, json.dumps(planned), prep.started_at if state != "pending" else None,
        prep.weighed_at if released else None, item_validated(prep), released,
        prep.checkout_id if state == "checked_out" else None,
        prep.hood if state != "pending" else None, prep.order.id, item.id,
        prep.product.id if prep.product else None, prep.pharmacist if released else None,
        prep.technician if state != "pending" else None, prep.technician or prep.order.stamps["take_charge"][0],
        prep.order.stamps["validate"][0], prep.session if state != "pending" else None,
        prep.first_started_at,
    )  # fmt: skip


def item_validated(prep: Prep) -> datetime:
    return prep.order.stamps["validate"][1]


def _toxicities(
    rng: random.Random,
    order: UnitOrder,
    *,
    archive: Archive,
    terms: dict[str, tuple[int, set[int]]],
    staff: Staff,
    today: date,
    now: datetime,
    ids: dict[str, int],
    rows: list[tuple[Any, ...]],
    suspected: list[tuple[int, int]],
    reads: list[tuple[datetime, int, int, str, str]],
) -> None:
    if not terms or rng.random() >= TOXICITY_PER_CYCLE:
        return
    how_many = 2 if rng.random() < TOXICITY_SECOND else 1
    names = list(TOXICITY_TERMS)
    chosen = set()
    drugs = sorted({i.ingredient_id for i in order.items if i.competence == "pharmacy"})
    for _ in range(how_many):
        name = rng.choices(names, [TOXICITY_TERMS[n] for n in names])[0]
        if name in chosen or name not in terms:
            continue
        chosen.add(name)
        term_id, graded = terms[name]
        allowed = [g for g in GRADE_WEIGHTS if g in graded]
        if not allowed:
            continue
        grade = rng.choices(allowed, [GRADE_WEIGHTS[g] for g in allowed])[0]
        onset = order.last + timedelta(days=rng.randint(2, 14))
        recorded = datetime.combine(
            onset + timedelta(days=rng.randint(0, 7)), dtime(9, 0), tzinfo=UTC
        ) + timedelta(minutes=rng.randint(0, 180))
        if recorded >= now:
            continue
        resolved = onset + timedelta(days=rng.randint(4, 30))
        resolution = resolved if resolved < recorded.date() and grade <= 2 else None
        attribution = rng.choices([a for a, _ in ATTRIBUTIONS], [w for _, w in ATTRIBUTIONS])[0]
        physician = order.prescriber
        tid = ids["toxicity_toxicityrecord"]
        ids["toxicity_toxicityrecord"] += 1
        rows.append(
            (
                tid, recorded, recorded, grade, attribution, onset, resolution,
                grade == 4 or (grade == 3 and rng.random() < 0.5), "", order.id, order.cycle, "",
                recorded, "", True, False, "", None, None, order.patient_id, physician, None, term_id,
            )
        )  # fmt: skip
        if attribution != "unrelated":
            suspected.extend((tid, drug) for drug in drugs)
        reads.append(
            (
                recorded - timedelta(minutes=2),
                physician,
                order.patient_id,
                "tossicità (CTCAE)",
                "web",
            )
        )


def _next(cur: psycopg.Cursor[Any], table: str) -> int:
    row = cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()  # noqa: S608
    assert row is not None
    return int(row[0])
