"""Reads: the requests, one request, its pick list, the restock proposal, every ward
cabinet's stock.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime).
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query

from corsia.core.access import api_perm
from corsia.core.domain.errors import NotFound
from corsia.core.schemas import RecordId
from corsia.core.web import request_actor
from corsia.drugs import selectors as drugs
from corsia.inventory import selectors_ward_requests as wsel
from corsia.inventory.api_requests.common import (
    cabinet_of,
    cabinet_unknown,
    person,
    request_json,
    router,
    summary_json,
)
from corsia.inventory.api_requests.schemas import (
    CabinetOut,
    CabinetQuery,
    DeliveryDocumentOut,
    ListFilters,
    PickListOut,
    RequestOut,
    RequestPage,
    RestockOut,
    WardStockFilters,
)
from corsia.inventory.services import VIEW
from corsia.inventory.services import ward_requests as wr


@router.get("/", response=RequestPage)
@api_perm(wr.VIEW_REQUESTS)
def request_list(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    """Requests, urgent first then the oldest (the pharmacy's queue), ``limit`` from
    ``offset`` and ``count`` in all (every request reachable); no patient named."""
    rows = wsel.ward_requests(
        state=filters.state, ward_code=filters.ward, user=request_actor(request)
    )
    limit, offset = filters.limit, filters.offset
    return {
        "count": rows.count(),
        "limit": limit,
        "offset": offset,
        "items": [summary_json(r) for r in rows[offset : offset + limit]],
    }


@router.get("/ward-stock", response=list[CabinetOut])
@api_perm(VIEW)
def ward_stock(request: HttpRequest, filters: Query[WardStockFilters]) -> list[dict[str, Any]]:
    """Every ward cabinet's stock (or one ward's): usable, expired and near-expiry units
    (within ``days``), the next expiry, the par level and whether to restock."""
    today = timezone.localdate()
    return [
        {
            "cabinet": c.code,
            "name": c.name,
            "ward": c.ward_code,
            "ward_name": c.ward_name,
            "products": [
                {
                    "product_code": p.product_code,
                    "product": p.product_name,
                    "on_hand": p.on_hand,
                    "expired": p.expired,
                    "near_expiry": p.near_expiry,
                    "next_expiry": p.next_expiry,
                    "par": p.par,
                    "reorder_point": p.reorder_point,
                    "to_restock": p.to_restock,
                }
                for p in c.products
            ],
        }
        for c in wsel.ward_stock_overview(today=today, days=filters.days, ward_code=filters.ward)
    ]


@router.get("/restock-proposal", response=list[RestockOut])
@api_perm(wr.VIEW_REQUESTS)
def restock_proposal(request: HttpRequest, query: Query[CabinetQuery]) -> list[dict[str, Any]]:
    """What a ward-stock request should ask to bring the cabinet back to its par levels:
    ``par − on hand − in transit`` for each product at or below its reorder point."""
    place = cabinet_of(query.cabinet)
    if not wsel.in_ward_scope(request_actor(request), place.ward_id):
        raise cabinet_unknown(query.cabinet)
    lines = wsel.cabinet_restock(place, today=timezone.localdate())
    codes = {p.pk: p.code for p in drugs.products_by_id(ln.product_id for ln in lines).values()}
    return [
        {
            "product_code": codes[ln.product_id],
            "on_hand": ln.on_hand,
            "in_transit": ln.in_transit,
            "par": ln.par,
            "reorder_point": ln.reorder_point,
            "units": ln.units,
        }
        for ln in lines
    ]


@router.get("/{request_id}", response=RequestOut)
@api_perm(wr.VIEW_REQUESTS)
def request_detail(request: HttpRequest, request_id: RecordId) -> dict[str, Any]:
    """One request: lines (with the patient of named ones), steps, receipt discrepancies."""
    return request_json(request, request_id)


@router.get("/{request_id}/pick-list", response=PickListOut)
@api_perm(wr.PICK)
def pick_list(request: HttpRequest, request_id: RecordId) -> dict[str, Any]:
    """Where to take what is still to pick: FEFO lots of the pharmacy in walking order;
    ``shortages``: product code → units the usable stock cannot give."""
    r = wsel.ward_request_get(request_id=request_id, user=request_actor(request))
    if r is None:
        raise NotFound("Richiesta di reparto non trovata.", code="ward_request_not_found")
    picks = wsel.request_pick_list(r, today=timezone.localdate())
    ids = {t.product_id for t in picks.lines} | set(picks.shortages)
    codes = {pk: p.code for pk, p in drugs.products_by_id(ids).items()}
    return {
        "takes": [
            {
                "product_code": codes[t.product_id],
                "lot": t.lot,
                "expiry": t.expiry,
                "location": t.location_label,
                "units": t.quantity,
            }
            for t in picks.lines
        ],
        "shortages": {codes[pk]: units for pk, units in picks.shortages.items()},
    }


@router.get("/{request_id}/delivery-document", response=DeliveryDocumentOut)
@api_perm(wr.VIEW_REQUESTS)
def delivery_document(request: HttpRequest, request_id: RecordId) -> dict[str, Any]:
    """The delivery document's content: number ``CR-…``, ward, cabinet, each lot given
    (product, AIC, lot, expiry, units), the picker and when it was delivered (none yet:
    the pick so far, ``delivery_number`` empty)."""
    r = wsel.ward_request_get(request_id=request_id, user=request_actor(request))
    if r is None:
        raise NotFound("Richiesta di reparto non trovata.", code="ward_request_not_found")
    delivered = next((st for st in r.steps.all() if st.action == "deliver"), None)
    return {
        "request": r.number,
        "delivery_number": r.delivery_number,
        "ward": r.ward.code,
        "ward_name": r.ward.name,
        "cabinet": r.cabinet.code,
        "cabinet_name": r.cabinet.name,
        "kind": r.kind,
        "urgency": r.urgency,
        "state": r.state,
        "picker": person(r.picker) if r.picker else None,
        "delivered_at": delivered.at if delivered else None,
        "lines": [
            {
                "position": ln.position,
                "product_code": ln.product_code,
                "product": ln.product_name,
                "aic": ln.aic,
                "lot": ln.lot,
                "expiry": ln.expiry,
                "units": ln.units,
            }
            for ln in wsel.delivery_lines(r)
        ],
    }
