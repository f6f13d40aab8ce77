"""From planned doses to vials per product and day, and to the lots of the pick list with the
patients' trays they go to. Pure: no database, no clock.

Vials per dose come from the UFA's own planner (``corsia.compounding.domain.vials``), one
plan per day with every dose of that day (the "drug day"), exactly as the compounding
unit plans a day: fewest vials, then least waste, then cheapest; a vial shared by several
doses (an opened powder within its stability) is counted once, on the tray of the first
dose that draws from it. Open leftovers are not offered: a requirement is what the stock
must hold, and the leftovers of future days are unknown.

The pick list serves the trays day by day, each from the usable lot that expires first (a
lot must be usable both today, when it is picked, and on the tray's day); it is then sorted
by the storage layout (cabinet pick order, then shelf) so the technician walks once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from corsia.compounding.domain.vials.inputs import DoseNeed, VialSize
from corsia.compounding.domain.vials.planner import plan_vials
from corsia.inventory.domain.stock import Layout, LotStock, fefo_sorted, is_usable

# Each day's plan is solved at a nominal time: only the order of doses within a day
# matters to the planner, and they are all due the same morning.
_PLAN_TIME = time(8, 0)


@dataclass(frozen=True, order=True)
class Tray:
    """The patient's tray (vassoio) for one order on one day."""

    day: date
    patient: str  # "SURNAME Given names (MRN)"
    order_id: int
    order: str  # "FOLFOX-4 C1"
    patient_id: int = 0


@dataclass(frozen=True)
class PlannedDose:
    key: str  # opaque, unique (the order line)
    tray: Tray
    ingredient: str
    family: str
    dose: Decimal  # in the unit of the product's strength (mg)


@dataclass(frozen=True)
class DoseVials:
    dose: PlannedDose
    vials: tuple[tuple[str, int], ...]  # (product code, new vials), by product code


def vials_per_dose(
    doses: Sequence[PlannedDose],
    sizes: Sequence[VialSize],
    stability_hours: Mapping[str, Decimal | None],
    *,
    time_limit_s: float = 1.0,
) -> list[DoseVials]:
    """The new vials each dose needs, planned day by day (see the module docstring)."""
    by_day: dict[date, list[PlannedDose]] = defaultdict(list)
    for dose in doses:
        by_day[dose.tray.day].append(dose)
    result: list[DoseVials] = []
    for day in sorted(by_day):
        day_doses = sorted(by_day[day], key=lambda d: (d.tray, d.key))
        moment = datetime.combine(day, _PLAN_TIME, tzinfo=UTC)
        families = {d.family for d in day_doses}
        plan = plan_vials(
            doses=[DoseNeed(d.key, d.family, d.dose, moment) for d in day_doses],
            sizes=[s for s in sizes if s.family in families],
            stability_hours={f: stability_hours.get(f) for f in families},
            time_limit_s=time_limit_s,
        )
        product_of = {v.id: v.product_code for v in plan.opened}
        order = {d.key: n for n, d in enumerate(day_doses)}
        counted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        seen: set[str] = set()
        for draw in sorted(plan.draws, key=lambda d: (order[d.dose_id], d.source_id)):
            if draw.from_leftover or draw.source_id in seen:
                continue
            seen.add(draw.source_id)
            counted[draw.dose_id][product_of[draw.source_id]] += 1
        result.extend(
            DoseVials(dose=d, vials=tuple(sorted(counted[d.key].items()))) for d in day_doses
        )
    return result


@dataclass(frozen=True)
class TrayNeed:
    tray: Tray
    product_id: int
    units: int


@dataclass(frozen=True)
class Pick:
    """Units to take from one lot in one place, and the trays they go to."""

    key: int  # the stock lot (opaque)
    product_id: int
    lot: str
    expiry: date
    location_label: str
    layout: Layout
    quantity: int
    trays: tuple[tuple[Tray, int], ...]


@dataclass(frozen=True)
class TrayPickList:
    picks: tuple[Pick, ...]  # in walking order
    shortages: tuple[TrayNeed, ...]  # what the usable stock cannot give, per tray


def tray_pick_list(
    needs: Iterable[TrayNeed], stock: Mapping[int, Sequence[LotStock]], *, today: date
) -> TrayPickList:
    """Lots for every tray's vials: days in order, each from the earliest-expiring lot
    usable on that day (and today); then sorted by the storage layout."""
    per_product: dict[int, list[TrayNeed]] = defaultdict(list)
    for need in needs:
        if need.units > 0:
            per_product[need.product_id].append(need)
    given: dict[int, dict[Tray, int]] = defaultdict(lambda: defaultdict(int))
    lots: dict[int, LotStock] = {}
    shortages: list[TrayNeed] = []
    for product_id in sorted(per_product):
        usable = [
            s
            for s in fefo_sorted(stock.get(product_id, ()))
            if s.quantity > 0 and is_usable(s.expiry, today)
        ]
        left = {s.key: s.quantity for s in usable}
        for need in sorted(per_product[product_id], key=lambda n: n.tray):
            wanted = need.units
            for lot in usable:
                if wanted == 0:
                    break
                if not is_usable(lot.expiry, need.tray.day) or left[lot.key] == 0:
                    continue
                taken = min(left[lot.key], wanted)
                left[lot.key] -= taken
                wanted -= taken
                given[lot.key][need.tray] += taken
                lots[lot.key] = lot
            if wanted:
                shortages.append(TrayNeed(need.tray, product_id, wanted))
    picks = [
        Pick(
            key=key,
            product_id=lots[key].product_id,
            lot=lots[key].lot,
            expiry=lots[key].expiry,
            location_label=lots[key].location_label,
            layout=lots[key].layout,
            quantity=sum(trays.values()),
            trays=tuple(sorted(trays.items())),
        )
        for key, trays in given.items()
    ]
    picks.sort(key=lambda p: (p.layout, p.location_label, p.product_id, p.expiry, p.lot))
    return TrayPickList(picks=tuple(picks), shortages=tuple(shortages))


def units_by_product_day(
    doses: Iterable[DoseVials], product_ids: Mapping[str, int]
) -> dict[tuple[int, date], int]:
    """(product id, day) -> vials, over the doses whose products are known."""
    totals: dict[tuple[int, date], int] = defaultdict(int)
    for dose in doses:
        for code, units in dose.vials:
            if code in product_ids:
                totals[(product_ids[code], dose.dose.tray.day)] += units
    return dict(totals)
