"""JSON API of the stock: /api/v1/inventory/… (the requirements of the planned orders,
/api/v1/inventory/requirements, are compounding's: ``corsia.compounding.requirements_api``).

Thin: read through ``selectors``, write through ``services`` (the load is
the same all-or-nothing service as the delivery form). Refusals are problem+json with a
stable English ``code``. Codes of products, locations and cost centres are the archive's.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime).
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from corsia.core.access import api_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.schemas import Amount, BoundedInt, IsoDate, IsoDatetime
from corsia.core.web import acting, request_actor
from corsia.drugs import selectors as drugs
from corsia.inventory import selectors, services
from corsia.inventory.domain.accounting import consumption_json
from corsia.inventory.models import CostCenter, MovementKind, StockMovement, StorageLocation

router = Router(tags=["inventory"])

MAX_PAGE = 200
MAX_EXPIRY_DAYS = 730


class LotOut(Schema):
    id: int
    product_code: str
    product: str
    aic: str
    lot: str
    expiry: IsoDate
    location: str
    quantity: int
    unit_cost: Decimal
    usable: bool


class MovementOut(Schema):
    id: int
    kind: str
    product_code: str
    lot: str
    expiry: IsoDate
    quantity: int
    unit_cost: Decimal
    from_location: str | None
    to_location: str | None
    cost_center: str | None
    reference: str
    supplier: str
    reason: str
    actor: str
    at: IsoDatetime


class MovementPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MovementOut]


class LoadLineIn(Schema):
    product: str = Field(max_length=40, description="Corsia product code")
    aic: str = Field("", max_length=20, description="AIC of the pack (optional, of the product)")
    lot: str = Field(max_length=40)
    expiry: IsoDate
    quantity: BoundedInt
    unit_cost: Amount
    location: str = Field("", max_length=30, description="default: the document's location")


class LoadIn(Schema):
    supplier: str = Field(max_length=120)
    document_number: str = Field(max_length=60)
    document_date: IsoDate
    location: str = Field(max_length=30)
    lines: list[LoadLineIn] = Field(max_length=200)
    # a line of a pack withdrawn from the market: only a pharmacist's reason loads it (H66)
    withdrawn_override_reason: str = Field(default="", max_length=500)


def _lot(row: Any, today: date) -> dict[str, Any]:
    return {
        "id": row.pk,
        "product_code": row.product.code,
        "product": row.product.name,
        "aic": row.pack.aic if row.pack is not None else "",
        "lot": row.lot,
        "expiry": row.expiry,
        "location": row.location.code,
        "quantity": row.quantity,
        "unit_cost": row.unit_cost,
        "usable": row.expiry >= today,
    }


def _movement(row: StockMovement) -> dict[str, Any]:
    return {
        "id": row.pk,
        "kind": row.kind,
        "product_code": row.product.code,
        "lot": row.lot,
        "expiry": row.expiry,
        "quantity": row.quantity,
        "unit_cost": row.unit_cost,
        "from_location": row.from_location.code if row.from_location else None,
        "to_location": row.to_location.code if row.to_location else None,
        "cost_center": row.cost_center.code if row.cost_center else None,
        "reference": row.reference,
        "supplier": row.supplier,
        "reason": row.reason,
        "actor": row.actor.username,
        "at": row.at,
    }


def _known(exists: Callable[[str], bool], code: str, *, error: str, what: str, field: str) -> None:
    if code and not exists(code):
        raise ValidationFailed(f"{what} «{code}» sconosciuto.", code=error, field=field)


def _known_product(code: str) -> None:
    _known(
        lambda c: c in drugs.products_by_code([c]),
        code,
        error="product_unknown",
        what="Medicinale",
        field="product",
    )


def _known_location(code: str) -> None:
    _known(
        lambda c: StorageLocation.objects.filter(code=c).exists(),
        code,
        error="location_unknown",
        what="Ubicazione",
        field="location",
    )


def _range(value: int, low: int, high: int, *, field: str) -> int:
    if not low <= value <= high:
        raise ValidationFailed(
            f"Valore fuori intervallo ({low}–{high}).", code=f"{field}_out_of_range", field=field
        )
    return value


@router.get("/stock", response=list[LotOut])
@api_perm(services.VIEW)
def stock_levels(
    request: HttpRequest, product: str = "", location: str = "", include_empty: bool = False
) -> list[dict[str, Any]]:
    """Lots by product, expiry and location (a location includes the places inside it one
    level down, as on the stock page)."""
    _known_product(product)
    _known_location(location)
    today = timezone.localdate()
    rows = selectors.stock_levels(
        product_code=product, location_code=location, include_empty=include_empty
    )
    return [_lot(row, today) for row in rows]


@router.get("/lots/expiring", response=list[LotOut])
@api_perm(services.VIEW)
def expiring_lots(request: HttpRequest, days: BoundedInt = 60) -> list[dict[str, Any]]:
    """Lots holding units that expire within ``days`` days (already expired ones included)."""
    _range(days, 0, MAX_EXPIRY_DAYS, field="days")
    today = timezone.localdate()
    return [_lot(row, today) for row in selectors.expiring_lots(today=today, days=days)]


class WithdrawnLotOut(LotOut):
    withdrawn_on: IsoDate
    place: str  # the location's path in the layout, root first
    certain: bool  # loaded with the withdrawn pack's AIC (else: by product, check the box)


@router.get("/lots/withdrawn", response=list[WithdrawnLotOut])
@api_perm(services.VIEW)
def withdrawn_lots(request: HttpRequest) -> list[dict[str, Any]]:
    """Lots holding units of a pack withdrawn from the market (AIFA) on or before today,
    listed from the moment the withdrawal is in the archive (H66): where and how many, to
    take off the shelves. ``certain`` false: loaded by product only (no AIC)."""
    today = timezone.localdate()
    return [
        _lot(w.lot, today)
        | {
            "aic": w.aic,
            "withdrawn_on": w.withdrawn_on,
            "place": w.place,
            "certain": w.certain,
        }
        for w in selectors.withdrawn_stock(today=today)
    ]


class MovementFilters(Schema):
    product: str = Field("", max_length=40)
    cost_center: str = Field("", max_length=20)
    kind: str = Field("", max_length=10)
    since: IsoDate | None = None
    until: IsoDate | None = None
    limit: BoundedInt = 50
    offset: BoundedInt = 0


@router.get("/movements", response=MovementPage)
@api_perm(services.VIEW)
def movements(request: HttpRequest, filters: Query[MovementFilters]) -> dict[str, Any]:
    """Movements, newest first; ``since`` and ``until`` are local days, both included."""
    product, cost_center, kind = filters.product, filters.cost_center, filters.kind
    since, until, limit, offset = filters.since, filters.until, filters.limit, filters.offset
    _known_product(product)
    _known(
        lambda c: CostCenter.objects.filter(code=c).exists(),
        cost_center,
        error="cost_center_unknown",
        what="Centro di costo",
        field="cost_center",
    )
    if kind and kind not in MovementKind.values:
        raise ValidationFailed(
            f"Tipo di movimento «{kind}» sconosciuto ({', '.join(MovementKind.values)}).",
            code="kind_unknown",
            field="kind",
        )
    if since is not None and until is not None and until < since:
        raise ValidationFailed(
            "La data finale precede quella iniziale.", code="date_range_invalid", field="until"
        )
    _range(limit, 1, MAX_PAGE, field="limit")
    _range(offset, 0, 10**9, field="offset")
    query = selectors.movements_query(
        product_code=product, cost_center_code=cost_center, kind=kind, since=since, until=until
    )
    return {
        "count": query.count(),
        "limit": limit,
        "offset": offset,
        "items": [_movement(row) for row in query[offset : offset + limit]],
    }


def _movements_out(movements: list[StockMovement]) -> list[dict[str, Any]]:
    rows = StockMovement.objects.select_related(
        "product", "from_location", "to_location", "cost_center", "actor"
    ).filter(pk__in=[m.pk for m in movements])
    return [_movement(row) for row in rows.order_by("id")]


@router.post("/loads", response={201: list[MovementOut]})
@api_perm(services.MANAGE)
def load(request: HttpRequest, payload: LoadIn) -> Status[list[dict[str, Any]]]:
    """Load a delivery document: every line or none (the service of the load page)."""
    products = drugs.products_by_code(line.product for line in payload.lines)
    packs = drugs.packs_by_aic(line.aic for line in payload.lines if line.aic)
    places = StorageLocation.objects.in_bulk(
        {payload.location} | {line.location for line in payload.lines if line.location},
        field_name="code",
    )
    if payload.location not in places:
        raise ValidationFailed(
            f"Ubicazione «{payload.location}» sconosciuta.",
            code="location_unknown",
            field="location",
        )
    errors = []
    for number, line in enumerate(payload.lines, start=1):
        problems = []
        if line.product not in products:
            problems.append(f"medicinale «{line.product}» non presente nell'archivio")
        if line.aic and line.aic not in packs:
            problems.append(f"AIC {line.aic} non presente nell'archivio farmaci")
        if line.location and line.location not in places:
            problems.append(f"ubicazione «{line.location}» sconosciuta")
        if problems:
            errors.append({"line": number, "message": "; ".join(problems)})
    if errors:
        raise ValidationFailed(
            f"{len(errors)} righe con medicinali o ubicazioni sconosciuti: nulla è stato caricato.",
            code="delivery_references_unknown",
            field="lines",
            details={"errors": errors},
        )
    movements = services.stock_load(
        **acting(request),
        supplier=payload.supplier,
        document_number=payload.document_number,
        document_date=payload.document_date,
        location=places[payload.location],
        now=timezone.now(),
        withdrawn_override_reason=payload.withdrawn_override_reason,
        lines=[
            services.LoadLine(
                product=products[line.product],
                lot=line.lot,
                expiry=line.expiry,
                quantity=line.quantity,
                unit_cost=line.unit_cost,
                pack=packs[line.aic] if line.aic else None,
                location=places[line.location] if line.location else None,
            )
            for line in payload.lines
        ],
    )
    return Status(201, _movements_out(movements))


# --- procurement and accounting interfaces (README: "Procurement interface", "Consumption
# export") -------------------------------------------------------------------------------


class ProcurementLineOut(Schema):
    line: int
    ddt_number: str
    aic: str
    gtin: str
    lot: str
    packs: int | None
    units: int | None
    pack_code: str | None
    product_code: str | None
    problems: list[str]


class ProcurementPreviewOut(Schema):
    ok: bool
    duplicates: list[str]
    lines: list[ProcurementLineOut]


def _preview_out(preview: services.ProcurementPreview) -> ProcurementPreviewOut:
    return ProcurementPreviewOut(
        ok=preview.ok,
        duplicates=list(preview.duplicates),
        lines=[
            ProcurementLineOut(
                line=line.read.line,
                ddt_number=line.read.ddt_number,
                aic=line.read.aic,
                gtin=line.read.gtin,
                lot=line.read.lot,
                packs=line.read.packs,
                units=line.units,
                pack_code=line.pack.code if line.pack else None,
                product_code=line.pack.product.code if line.pack else None,
                problems=list(line.problems),
            )
            for line in preview.lines
        ],
    )


@router.post("/procurement/preview", response=ProcurementPreviewOut)
@api_perm(services.MANAGE)
def procurement_preview(request: HttpRequest) -> ProcurementPreviewOut:
    """The procurement system's CSV as the body (``Content-Type: text/csv``): each line
    matched to a pack or flagged; nothing written."""
    return _preview_out(
        services.procurement_preview(
            actor=request_actor(request), content=request.body, today=timezone.localdate()
        )
    )


@router.post("/procurement", response={201: list[MovementOut]})
@api_perm(services.MANAGE)
def procurement_import(request: HttpRequest, location: str) -> Status[list[dict[str, Any]]]:
    """Load the CSV (the body) into ``location``: all lines or none
    (``procurement_lines_invalid``), a DDT loaded before refused (``delivery_duplicate``)."""
    place = selectors.location_options().filter(code=location).first()
    if place is None:
        raise ValidationFailed(
            f"Ubicazione «{location[:30]}» sconosciuta.", code="location_unknown", field="location"
        )
    movements = services.procurement_import(
        **acting(request),
        content=request.body,
        file_name="api",
        location=place,
        now=timezone.now(),
    )
    return Status(201, _movements_out(movements))


class ConsumptionRowOut(Schema):
    cost_center_code: str
    cost_center_name: str
    product_code: str
    product_name: str
    aic: str
    units: int
    packs: str | None
    value_eur: str


class ConsumptionOut(Schema):
    schema_: str = Field(alias="schema")
    since: str
    until: str
    total_value_eur: str
    rows: list[ConsumptionRowOut]


@router.get("/consumption", response=ConsumptionOut, by_alias=True)
@api_perm(services.VIEW)
def consumption(request: HttpRequest, since: date, until: date) -> dict[str, Any]:
    """Net consumption per cost centre and product over [since, until] (JSON; the CSV is
    ``/inventory/consumption/export/?format=csv``)."""
    export = services.consumption_export(**acting(request), since=since, until=until)
    return consumption_json(export.lines, since=since, until=until)
