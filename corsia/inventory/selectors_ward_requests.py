"""Reads of the wards' requests and of the ward cabinets: the requests (the pharmacy's
queue, a ward's list), one request with its lines, steps, scans and discrepancies, the
pick list of a request (FEFO lots in walking order), the restock proposal from the par
levels, and every ward cabinet's stock with its par levels and near-expiry units.

No side effects: the API and pages record the access to the patients named."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from corsia.inventory.domain.picking import PickList
from corsia.inventory.domain.ward_requests import ParLevelRule, RestockLine, restock_proposal
from corsia.inventory.models import (
    LocationKind,
    ParLevel,
    StockLot,
    StorageLocation,
    WardRequest,
    WardRequestLine,
)
from corsia.inventory.selectors import pick_list, stock_locations
from corsia.patients.selectors import user_ward_ids

if TYPE_CHECKING:
    from corsia.core.actors import User

# units on their way to a cabinet: asked (submitted) or approved and not yet delivered
_IN_TRANSIT = ("submitted", "evaluated", "picked")
NEAR_EXPIRY_DAYS = 60


def cabinet_places(cabinet: StorageLocation) -> set[int]:
    """The cabinet and every active place inside it."""
    return {loc.pk for loc in stock_locations(cabinet.code)}


def cabinet_on_hand(cabinet: StorageLocation, *, today: date) -> dict[int, int]:
    """Product id → units usable today in the cabinet (expired units are not stock)."""
    found: dict[int, int] = defaultdict(int)
    for product_id, units in StockLot.objects.filter(
        location_id__in=cabinet_places(cabinet), quantity__gt=0, expiry__gte=today
    ).values_list("product_id", "quantity"):
        found[product_id] += units
    return dict(found)


def cabinet_in_transit(cabinet: StorageLocation) -> dict[int, int]:
    """Product id → units of ward-stock requests for the cabinet not yet delivered."""
    found: dict[int, int] = defaultdict(int)
    lines = WardRequestLine.objects.filter(
        request__cabinet=cabinet, request__kind="ward_stock", request__state__in=_IN_TRANSIT
    ).values_list(
        "request__state", "product_id", "substitute_id", "units_requested", "units_approved"
    )
    for state, product_id, substitute_id, requested, approved in lines:
        if state == "submitted":
            found[product_id] += requested
        elif approved:
            found[substitute_id or product_id] += approved
    return dict(found)


def par_levels(cabinet: StorageLocation) -> list[ParLevel]:
    return list(
        ParLevel.objects.select_related("product")
        .filter(cabinet=cabinet, is_active=True)
        .order_by("product__name")
    )


def ward_cabinets(user: User | None = None) -> list[StorageLocation]:
    """The active ward cabinets (top level), by code; ``user``: of the user's wards."""
    cabinets = StorageLocation.objects.select_related("ward").filter(
        kind=LocationKind.WARD_CABINET, is_active=True, parent=None, ward__isnull=False
    )
    scope = ward_scope(user) if user is not None else None
    if scope is not None:
        cabinets = cabinets.filter(ward_id__in=scope)
    return list(cabinets.order_by("code"))


def cabinet_restock(cabinet: StorageLocation, *, today: date) -> list[RestockLine]:
    """The ward-stock request that brings the cabinet back to its par levels."""
    rules = [ParLevelRule(lv.product_id, lv.par, lv.reorder_point) for lv in par_levels(cabinet)]
    return restock_proposal(
        rules, cabinet_on_hand(cabinet, today=today), cabinet_in_transit(cabinet)
    )


# the pharmacy's roles work for every ward
PHARMACY_PERMISSIONS = ("inventory.evaluate_ward_request", "inventory.pick_ward_request")


def ward_scope(user: User) -> frozenset[int] | None:
    """The wards whose requests the user reads and acts on: ``None`` for the pharmacy
    (pharmacist, technician: every ward), else the wards the user is assigned to
    (``WardAssignment``: the ward staff the coordinator keeps; none assigned, none)."""
    if any(user.has_perm(p) for p in PHARMACY_PERMISSIONS):
        return None
    return frozenset(user_ward_ids(user_id=user.pk))


def in_ward_scope(user: User, ward_id: int | None) -> bool:
    scope = ward_scope(user)
    return scope is None or ward_id in scope


def ward_requests(
    *, state: str = "", ward_code: str = "", user: User | None = None
) -> QuerySet[WardRequest]:
    """Requests, urgent first, then the oldest first (the pharmacy's queue); ``user``: only
    those of the wards the user works for (``ward_scope``)."""
    query = WardRequest.objects.select_related("ward", "cabinet", "requested_by")
    scope = ward_scope(user) if user is not None else None
    if scope is not None:
        query = query.filter(ward_id__in=scope)
    if state:
        query = query.filter(state=state)
    if ward_code:
        query = query.filter(ward__code=ward_code)
    # urgent first: "urgent" sorts after "routine", the only two urgencies (``Urgency``), so
    # descending; a plain column, so the paged list reads it from an index (issue 27)
    return query.order_by("-urgency", "requested_at", "id")


def ward_request_get(*, request_id: int, user: User | None = None) -> WardRequest | None:
    """One request with everything it shows; ``user``: None when it is of a ward out of the
    user's scope (as an id that does not exist)."""
    found = (
        WardRequest.objects.select_related("ward", "cabinet", "requested_by", "picker")
        .prefetch_related(
            "lines__product",
            "lines__substitute",
            "lines__patient",
            "lines__scans__pack",
            "lines__scans__product",
            "lines__discrepancies",
            "steps__actor",
        )
        .filter(pk=request_id)
        .first()
    )
    if found is not None and user is not None and not in_ward_scope(user, found.ward_id):
        return None
    return found


def request_patient_ids(request: WardRequest) -> list[int]:
    return sorted({ln.patient_id for ln in request.lines.all() if ln.patient_id is not None})


def request_pick_list(request: WardRequest, *, today: date) -> PickList:
    """Where to take what is still to pick: FEFO lots of the pharmacy, in walking order."""
    needed = [
        (ln.product_to_give_id, (ln.units_approved or 0) - ln.units_picked)
        for ln in request.lines.all()
        if (ln.units_approved or 0) > ln.units_picked
    ]
    return pick_list(needed, stock_locations(), today=today)


@dataclass(frozen=True)
class DeliveryLine:
    """A line of the delivery document: what was given of a request line, per pack and lot."""

    position: int
    product_code: str
    product_name: str
    aic: str
    lot: str
    expiry: date
    units: int


def delivery_lines(request: WardRequest) -> list[DeliveryLine]:
    """The packs picked for the request (``ward_request_get``'s prefetch), summed per line,
    pack and lot, in line order: what the delivery document lists."""
    rows: dict[tuple[int, int, str], DeliveryLine] = {}
    for ln in request.lines.all():
        for scan in ln.scans.all():
            if scan.act != "pick":
                continue
            key = (ln.position, scan.pack_id, scan.lot)
            found = rows.get(key)
            rows[key] = DeliveryLine(
                position=ln.position,
                product_code=scan.product.code,
                product_name=scan.product.name,
                aic=scan.pack.aic or "",
                lot=scan.lot,
                expiry=scan.expiry,
                units=scan.units + (found.units if found else 0),
            )
    return [rows[key] for key in sorted(rows)]


@dataclass(frozen=True)
class CabinetProduct:
    product_id: int
    product_code: str
    product_name: str
    on_hand: int  # usable today
    expired: int
    near_expiry: int  # usable, expiring within the window
    next_expiry: date | None
    par: int | None
    reorder_point: int | None

    @property
    def to_restock(self) -> bool:
        return self.reorder_point is not None and self.on_hand <= self.reorder_point


@dataclass
class _Tally:
    code: str
    name: str
    on_hand: int = 0
    expired: int = 0
    near: int = 0
    next: date | None = None


@dataclass(frozen=True)
class CabinetStock:
    code: str
    name: str
    ward_code: str
    ward_name: str
    products: tuple[CabinetProduct, ...]


def ward_stock_overview(
    *, today: date, days: int = NEAR_EXPIRY_DAYS, ward_code: str = ""
) -> list[CabinetStock]:
    """Every active ward cabinet (or one ward's): per product the usable units, the expired
    ones still in it, those expiring within ``days``, the next expiry and its par level."""
    cabinets = (
        StorageLocation.objects.select_related("ward")
        .filter(kind=LocationKind.WARD_CABINET, is_active=True, parent=None)
        .order_by("code")
    )
    if ward_code:
        cabinets = cabinets.filter(ward__code=ward_code)
    limit = today + timedelta(days=days)
    overview = []
    for cabinet in cabinets:
        tally: dict[int, _Tally] = {}
        for lot in StockLot.objects.select_related("product").filter(
            location_id__in=cabinet_places(cabinet), quantity__gt=0
        ):
            row = tally.setdefault(lot.product_id, _Tally(lot.product.code, lot.product.name))
            if lot.expiry < today:
                row.expired += lot.quantity
                continue
            row.on_hand += lot.quantity
            if lot.expiry <= limit:
                row.near += lot.quantity
            if row.next is None or lot.expiry < row.next:
                row.next = lot.expiry
        levels = {lv.product_id: lv for lv in par_levels(cabinet)}
        for lv in levels.values():
            tally.setdefault(lv.product_id, _Tally(lv.product.code, lv.product.name))
        products = [
            CabinetProduct(
                product_id=product_id,
                product_code=row.code,
                product_name=row.name,
                on_hand=row.on_hand,
                expired=row.expired,
                near_expiry=row.near,
                next_expiry=row.next,
                par=levels[product_id].par if product_id in levels else None,
                reorder_point=levels[product_id].reorder_point if product_id in levels else None,
            )
            for product_id, row in tally.items()
        ]
        overview.append(
            CabinetStock(
                code=cabinet.code,
                name=cabinet.name,
                ward_code=cabinet.ward.code if cabinet.ward else "",
                ward_name=cabinet.ward.name if cabinet.ward else "",
                products=tuple(sorted(products, key=lambda p: (p.product_name, p.product_code))),
            )
        )
    return overview
