"""Read queries of the stock: levels, expiring lots, movements, consumption, requirements,
pick lists. No side effects. The rows of the File F extraction: ``selectors_file_f``."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from corsia.core.domain.errors import ValidationFailed
from corsia.drugs import selectors as drugs
from corsia.inventory.domain.accounting import ConsumptionLine
from corsia.inventory.domain.picking import PickList, build_pick_list
from corsia.inventory.domain.requirements import Need, RequirementLine, compute_requirements
from corsia.inventory.domain.stock import Layout, LotStock
from corsia.inventory.models import (
    CostCenter,
    LocationKind,
    MovementKind,
    StockLot,
    StockMovement,
    StorageLocation,
)

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct

CENT = Decimal("0.01")


def layouts() -> dict[int, Layout]:
    """Every location's path in the layout, root first: ((pick_order, code), ...)."""
    rows = {loc.pk: loc for loc in StorageLocation.objects.all()}
    found: dict[int, Layout] = {}

    def path(pk: int, seen: frozenset[int]) -> Layout:
        if pk in found:
            return found[pk]
        loc = rows[pk]
        own = ((loc.pick_order, loc.code),)
        if loc.parent_id is None or loc.parent_id in seen:
            result: Layout = own
        else:
            result = path(loc.parent_id, seen | {pk}) + own
        found[pk] = result
        return result

    for pk in rows:
        path(pk, frozenset())
    return found


def lot_stock(row: StockLot, layout: Mapping[int, Layout] | None = None) -> LotStock:
    """The lot ``row`` as the domain reads it, with its location's place in ``layout``."""
    return LotStock(
        key=row.pk,
        product_id=row.product_id,
        lot=row.lot,
        expiry=row.expiry,
        quantity=row.quantity,
        location_key=row.location_id,
        location_label=row.location.code,
        layout=(layout or {}).get(row.location_id, ()),
    )


class LocationUnknown(ValidationFailed):
    code = "location_unknown"


def stock_locations(location_code: str = "") -> tuple[StorageLocation, ...]:
    """The places whose stock counts: ``location_code`` and everything inside it, or, by
    default, the whole pharmacy (every place but the ward cabinets)."""
    rows = list(StorageLocation.objects.filter(is_active=True))
    if not location_code:
        return tuple(r for r in rows if r.kind != LocationKind.WARD_CABINET)
    paths = layouts()
    if not any(r.code == location_code for r in rows):
        raise LocationUnknown(f"Ubicazione «{location_code}» sconosciuta.", field="location")
    return tuple(r for r in rows if location_code in {code for _o, code in paths.get(r.pk, ())})


def location_options() -> QuerySet[StorageLocation]:
    return StorageLocation.objects.filter(is_active=True).order_by("code")


def cost_center_options() -> QuerySet[CostCenter]:
    return CostCenter.objects.filter(is_active=True).order_by("code")


def ward_cost_center(*, ward_id: int | None) -> CostCenter | None:
    """The cost centre a ward's consumption is charged to (the first by code; ``None``
    when the ward has none, or there is no ward)."""
    if ward_id is None:
        return None
    return CostCenter.objects.filter(ward_id=ward_id).order_by("code").first()


def ward_cabinet(*, ward_id: int | None) -> StorageLocation | None:
    """The ward's cabinet (the first active one by code; ``None`` when it has none)."""
    if ward_id is None:
        return None
    return (
        StorageLocation.objects.filter(
            ward_id=ward_id, kind=LocationKind.WARD_CABINET, is_active=True, parent=None
        )
        .order_by("code")
        .first()
    )


def lot_location(*, product_id: int, lot: str) -> StorageLocation | None:
    """The first place, in walking order, holding units of the product's lot (``None``
    when no place holds any)."""
    held = (
        StockLot.objects.filter(product_id=product_id, lot=lot, quantity__gt=0)
        .select_related("location")
        .order_by("location__pick_order", "location__code")
        .first()
    )
    return held.location if held is not None else None


def _product_filter(text: str) -> Q:
    text = text.strip()
    if not text:
        return Q()
    return (
        Q(product__name__icontains=text)
        | Q(product__code__icontains=text)
        | Q(product__ingredient__name_it__icontains=text)
        | Q(product__ingredient__name_en__icontains=text)
        | Q(lot__iexact=text)
    )


def stock_levels(
    *,
    text: str = "",
    location_code: str = "",
    include_empty: bool = False,
    product_code: str = "",
) -> list[StockLot]:
    """Lots in stock by product, expiry, location (the stock page and the API)."""
    query = StockLot.objects.select_related("product__ingredient", "location", "pack").filter(
        _product_filter(text)
    )
    if product_code:
        query = query.filter(product__code=product_code)
    if location_code:
        query = query.filter(
            Q(location__code=location_code) | Q(location__parent__code=location_code)
        )
    if not include_empty:
        query = query.filter(quantity__gt=0)
    return list(
        query.order_by("product__name", "product__strength", "expiry", "lot", "location__code")
    )


@dataclass(frozen=True)
class ProductTotal:
    product: MedicinalProduct
    units: int
    usable_units: int
    value: Decimal


def stock_totals(*, lots: Sequence[StockLot], today: date) -> list[ProductTotal]:
    """Per product: units, usable units (not expired today), value at lot cost."""
    grouped: dict[int, list[StockLot]] = defaultdict(list)
    for row in lots:
        grouped[row.product_id].append(row)
    totals = []
    for rows in grouped.values():
        totals.append(
            ProductTotal(
                product=rows[0].product,
                units=sum(r.quantity for r in rows),
                usable_units=sum(r.quantity for r in rows if r.expiry >= today),
                value=sum((r.unit_cost * r.quantity for r in rows), Decimal(0)).quantize(
                    Decimal("0.01")
                ),
            )
        )
    return sorted(totals, key=lambda t: (t.product.name, t.product.strength or 0))


def expiring_lots(*, today: date, days: int) -> list[StockLot]:
    """Lots with units that expire within ``days`` days (already expired ones included)."""
    limit = today + timedelta(days=days)
    return list(
        StockLot.objects.select_related("product", "location")
        .filter(quantity__gt=0, expiry__lte=limit)
        .order_by("expiry", "product__name", "lot")
    )


@dataclass(frozen=True)
class WithdrawnLot:
    """A lot on hand of a pack withdrawn from the market (H66): to take off the shelf.
    ``certain``: the lot was loaded with that pack's AIC; otherwise it was loaded by product
    only and every pack of the product the archive knows is withdrawn — or, when
    ``certain`` is false and ``other_packs`` true, some are not: the pharmacist checks the
    boxes on the shelf."""

    lot: StockLot
    aic: str
    withdrawn_on: date
    place: str  # the location's path in the layout, root first: "FARM / ARM-1 / R2"
    certain: bool
    other_packs: bool = False


def withdrawn_stock(*, today: date) -> list[WithdrawnLot]:
    """The lots holding units of a pack withdrawn from the market on or before ``today``:
    flagged the moment the withdrawal is in the archive (imported or recorded), not at the
    next scan. Where and how many, for the pharmacist's list."""
    packs = drugs.packs_withdrawn(today=today)
    if not packs:
        return []
    by_id = {p.pk: p for p in packs}
    withdrawn_products = {p.product_id for p in packs}
    all_packs: dict[int, list[int]] = defaultdict(list)
    for pack in drugs.packs_of_products(withdrawn_products):
        all_packs[pack.product_id].append(pack.pk)
    lots = (
        StockLot.objects.select_related("product", "location", "pack")
        .filter(quantity__gt=0)
        .filter(
            Q(pack_id__in=list(by_id)) | Q(pack__isnull=True, product_id__in=withdrawn_products)
        )
        .order_by("product__name", "lot", "location__code")
    )
    paths = {pk: " / ".join(code for _, code in layout) for pk, layout in layouts().items()}
    rows: list[WithdrawnLot] = []
    for row in lots:
        if row.pack_id is not None:
            pack = by_id[row.pack_id]
            certain, others = True, False
        else:
            mine = [by_id[pk] for pk in all_packs[row.product_id] if pk in by_id]
            pack = mine[0]
            others = len(mine) < len(all_packs[row.product_id])
            certain = not others
        assert pack.withdrawn_on is not None  # packs_withdrawn
        rows.append(
            WithdrawnLot(
                lot=row,
                aic=pack.aic or pack.gtin or "",
                withdrawn_on=pack.withdrawn_on,
                place=paths.get(row.location_id, row.location.code),
                certain=certain,
                other_packs=others,
            )
        )
    return rows


def movements_query(
    *,
    kind: str = "",
    text: str = "",
    location_code: str = "",
    cost_center_code: str = "",
    product_code: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[StockMovement]:
    """Movements matching the filters, newest first (``until`` is inclusive)."""
    query = StockMovement.objects.select_related(
        "product", "from_location", "to_location", "cost_center", "actor"
    ).filter(_product_filter(text) | Q(reference__icontains=text.strip()) if text.strip() else Q())
    if kind:
        query = query.filter(kind=kind)
    if product_code:
        query = query.filter(product__code=product_code)
    if location_code:
        query = query.filter(
            Q(from_location__code=location_code) | Q(to_location__code=location_code)
        )
    if cost_center_code:
        query = query.filter(cost_center__code=cost_center_code)
    if since:
        query = query.filter(at__gte=_day_start(since))
    if until:
        query = query.filter(at__lt=_day_start(until + timedelta(days=1)))
    return query.order_by("-at", "-id")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month in local (hospital) time, as aware datetimes [start, end)."""
    last = calendar.monthrange(year, month)[1]
    return _day_start(date(year, month, 1)), _day_start(date(year, month, last) + timedelta(days=1))


@dataclass(frozen=True)
class ConsumptionRow:
    cost_center: CostCenter
    product: MedicinalProduct
    units_unloaded: int
    units_returned: int
    value_unloaded: Decimal
    value_returned: Decimal

    @property
    def net_units(self) -> int:
        return self.units_unloaded - self.units_returned

    @property
    def net_value(self) -> Decimal:
        """Net euro value, rounded half up to the cent only at the end."""
        return (self.value_unloaded - self.value_returned).quantize(CENT, rounding=ROUND_HALF_UP)


def consumption_by_cost_center(*, year: int, month: int) -> list[ConsumptionRow]:
    """Per cost centre and product: unloads charged in the month minus returns credited,
    in units and in euro (each movement at its own unit cost). Waste is not consumption."""
    start, end = month_bounds(year, month)
    value = ExpressionWrapper(
        F("quantity") * F("unit_cost"), output_field=DecimalField(max_digits=18, decimal_places=4)
    )
    rows = (
        StockMovement.objects.filter(
            at__gte=start,
            at__lt=end,
            cost_center__isnull=False,
            kind__in=[MovementKind.UNLOAD, MovementKind.RETURN],
        )
        .values("cost_center_id", "product_id", "kind")
        .annotate(units=Sum("quantity"), value=Sum(value))
    )
    sums: dict[tuple[int, int], dict[str, Any]] = defaultdict(
        lambda: {"uu": 0, "ur": 0, "vu": Decimal(0), "vr": Decimal(0)}
    )
    for row in rows:
        entry = sums[(row["cost_center_id"], row["product_id"])]
        if row["kind"] == MovementKind.UNLOAD:
            entry["uu"] += row["units"]
            entry["vu"] += row["value"]
        else:
            entry["ur"] += row["units"]
            entry["vr"] += row["value"]
    centers = CostCenter.objects.in_bulk({k[0] for k in sums})
    products = drugs.products_by_id({k[1] for k in sums})
    result = [
        ConsumptionRow(
            cost_center=centers[cc],
            product=products[pid],
            units_unloaded=e["uu"],
            units_returned=e["ur"],
            value_unloaded=Decimal(e["vu"]),
            value_returned=Decimal(e["vr"]),
        )
        for (cc, pid), e in sums.items()
    ]
    return sorted(result, key=lambda r: (r.cost_center.code, r.product.name, r.product.pk))


@dataclass(frozen=True)
class CenterConsumption:
    cost_center: CostCenter
    rows: list[ConsumptionRow]

    @property
    def net_value(self) -> Decimal:
        exact = sum((r.value_unloaded - r.value_returned for r in self.rows), start=Decimal(0))
        return exact.quantize(CENT, rounding=ROUND_HALF_UP)


def consumption_by_center(*, year: int, month: int) -> list[CenterConsumption]:
    groups: dict[int, list[ConsumptionRow]] = defaultdict(list)
    for row in consumption_by_cost_center(year=year, month=month):
        groups[row.cost_center.pk].append(row)
    return [CenterConsumption(rows[0].cost_center, rows) for rows in groups.values()]


def stock_by_product(
    product_ids: Iterable[int], locations: Iterable[StorageLocation] | None
) -> dict[int, list[LotStock]]:
    layout = layouts()
    query = StockLot.objects.select_related("location").filter(
        product_id__in=set(product_ids), quantity__gt=0
    )
    if locations is not None:
        query = query.filter(location__in=list(locations))
    stock: dict[int, list[LotStock]] = defaultdict(list)
    for row in query:
        stock[row.product_id].append(lot_stock(row, layout))
    return stock


def requirements(
    needs: Iterable[tuple[int, date, int]],
    locations: Iterable[StorageLocation] | None = None,
    *,
    today: date | None = None,
) -> list[RequirementLine]:
    """Per product: units needed, in stock (usable today), covered, to order, packs to order.

    ``needs`` are (product id, day, units); ``locations`` limit the stock counted (None: all).
    Packs to order use the product's smallest pack (units per pack), 1 if it has none.
    """
    need_list = [Need(product_id=p, day=d, units=u) for p, d, u in needs]
    product_ids = {n.product_id for n in need_list}
    per_pack: dict[int, int] = {}
    for pack in drugs.packs_of_products(product_ids):
        per_pack.setdefault(pack.product_id, pack.units_per_pack)
    return compute_requirements(
        need_list,
        stock_by_product(product_ids, locations),
        units_per_pack=per_pack,
        today=today or timezone.localdate(),
    )


def pick_list(
    needed: Iterable[tuple[int, int]],
    locations: Iterable[StorageLocation] | None = None,
    *,
    today: date | None = None,
) -> PickList:
    """Lots to pick for (product id, units), FEFO, ordered by the storage layout
    (cabinet pick order, then shelf). ``shortages`` says what the stock cannot give."""
    wanted: dict[int, int] = defaultdict(int)
    for product_id, units in needed:
        wanted[product_id] += units
    return build_pick_list(
        wanted,
        stock_by_product(wanted, locations),
        today=today or timezone.localdate(),
    )


MAX_EXPORT_DAYS = 366


def consumption_lines(*, since: date, until: date) -> list[ConsumptionLine]:
    """Net consumption (unloads charged − returns credited, each at its own unit cost) per
    cost centre and product over [since, until] in local days, for accounting. Waste is
    not consumption. AIC: the packs the movements name (joined by ``|``), else the
    product's only pack."""
    if until < since or (until - since).days >= MAX_EXPORT_DAYS:
        raise ValidationFailed(
            f"Periodo non valido: dal {since:%d/%m/%Y} al {until:%d/%m/%Y} (al massimo "
            f"{MAX_EXPORT_DAYS} giorni).",
            code="date_range_invalid",
            field="until",
        )
    value = ExpressionWrapper(
        F("quantity") * F("unit_cost"), output_field=DecimalField(max_digits=18, decimal_places=4)
    )
    rows = (
        StockMovement.objects.filter(
            at__gte=_day_start(since),
            at__lt=_day_start(until + timedelta(days=1)),
            cost_center__isnull=False,
            kind__in=[MovementKind.UNLOAD, MovementKind.RETURN],
        )
        .values("cost_center_id", "product_id", "pack_id", "kind")
        .annotate(units=Sum("quantity"), value=Sum(value))
    )
    sums: dict[tuple[int, int], dict[str, Any]] = defaultdict(
        lambda: {"units": 0, "value": Decimal(0), "packs": set(), "unloaded": 0, "returned": 0}
    )
    for row in rows:
        entry = sums[(row["cost_center_id"], row["product_id"])]
        sign = 1 if row["kind"] == MovementKind.UNLOAD else -1
        entry["units"] += sign * row["units"]
        entry["unloaded" if sign > 0 else "returned"] += row["units"]
        entry["value"] += sign * Decimal(row["value"])
        if row["pack_id"] is not None:
            entry["packs"].add(row["pack_id"])
    centers = CostCenter.objects.in_bulk({k[0] for k in sums})
    products = drugs.products_by_id({k[1] for k in sums})
    all_packs = drugs.packs_of_products({k[1] for k in sums})
    by_id = {p.pk: p for p in all_packs}
    of_product: dict[int, list[Any]] = defaultdict(list)
    for pack in all_packs:
        of_product[pack.product_id].append(pack)
    lines = []
    for (cc, pid), e in sums.items():
        packs = [by_id[i] for i in sorted(e["packs"]) if i in by_id] or (
            of_product[pid] if len(of_product[pid]) == 1 else []
        )
        sizes = {p.units_per_pack for p in packs}
        lines.append(
            ConsumptionLine(
                cost_center_code=centers[cc].code,
                cost_center_name=centers[cc].name,
                product_code=products[pid].code,
                product_name=products[pid].name,
                aic="|".join(sorted({p.aic for p in packs if p.aic})),
                units=e["units"],
                units_per_pack=sizes.pop() if len(sizes) == 1 else None,
                value=e["value"],
                unloaded=e["unloaded"],
                returned=e["returned"],
                ward_id=centers[cc].ward_id,
            )
        )
    return sorted(lines, key=lambda r: (r.cost_center_code, r.product_name, r.product_code))


def lots_named(*, lot: str) -> list[LotStock]:
    """Every lot in stock (units above zero) with this lot number, whatever the product
    (a scanned lot checked against the product it should be: galenics' weighing)."""
    layout = layouts()
    rows = StockLot.objects.select_related("location").filter(lot=lot.strip(), quantity__gt=0)
    return [lot_stock(row, layout) for row in rows.order_by("expiry", "pk")]
