"""Acts: the ward writes, submits, cancels, receives; the pharmacy evaluates, picks,
delivers, takes returns back and sets par levels.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime).
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Status

from corsia.core.access import api_perm
from corsia.core.schemas import RecordId
from corsia.core.web import acting
from corsia.inventory.api_requests.common import (
    cabinet_of,
    location_of,
    movements_json,
    products_of,
    request_json,
    router,
    scan_json,
)
from corsia.inventory.api_requests.schemas import (
    CancelIn,
    ClosePickIn,
    EvaluateIn,
    MovementOut,
    ParLevelIn,
    ParLevelOut,
    ReceiveIn,
    RequestIn,
    RequestOut,
    RestockRequestIn,
    ReturnIn,
    ScanIn,
    ScanOut,
    VersionIn,
)
from corsia.inventory.domain.ward_requests import LineDecision
from corsia.inventory.services import MANAGE
from corsia.inventory.services import ward_requests as wr


@router.post("/", response={201: RequestOut})
@api_perm(wr.REQUEST)
def request_create(request: HttpRequest, payload: RequestIn) -> Status[dict[str, Any]]:
    """Write a request (a draft, or sent at once with ``submit``)."""
    products = products_of([ln.product for ln in payload.lines])
    created = wr.ward_request_create(
        **acting(request),
        cabinet=cabinet_of(payload.cabinet),
        kind=payload.kind,
        urgency=payload.urgency,
        note=payload.note,
        submit=payload.submit,
        now=timezone.now(),
        lines=[
            wr.RequestLineInput(products[ln.product], ln.units, ln.patient_id, ln.note)
            for ln in payload.lines
        ],
    )
    return Status(201, request_json(request, created.pk))


@router.post("/from-restock", response={201: RequestOut})
@api_perm(wr.REQUEST)
def request_from_restock(request: HttpRequest, payload: RestockRequestIn) -> Status[dict[str, Any]]:
    """A ward-stock request of the cabinet's restock proposal in one call (``par − on hand
    − in transit`` of each product at or below its reorder point); nothing to restock: 422
    ``restock_empty``."""
    created = wr.ward_request_from_restock(
        **acting(request),
        cabinet=cabinet_of(payload.cabinet),
        urgency=payload.urgency,
        note=payload.note,
        submit=payload.submit,
        now=timezone.now(),
    )
    return Status(201, request_json(request, created.pk))


@router.post("/{request_id}/submit", response=RequestOut)
@api_perm(wr.REQUEST)
def request_submit(
    request: HttpRequest, request_id: RecordId, payload: VersionIn
) -> dict[str, Any]:
    """Send the draft to the pharmacy."""
    wr.ward_request_submit(
        **acting(request), request_id=request_id, version=payload.version, now=timezone.now()
    )
    return request_json(request, request_id)


@router.post("/{request_id}/cancel", response=RequestOut)
@api_perm(wr.REQUEST)
def request_cancel(request: HttpRequest, request_id: RecordId, payload: CancelIn) -> dict[str, Any]:
    """Withdraw a draft or a request not yet evaluated (``reason`` required)."""
    wr.ward_request_cancel(
        **acting(request),
        request_id=request_id,
        version=payload.version,
        reason=payload.reason,
        now=timezone.now(),
    )
    return request_json(request, request_id)


@router.post("/{request_id}/receipt-scans", response={201: ScanOut})
@api_perm(wr.REQUEST)
def receipt_scan(
    request: HttpRequest, request_id: RecordId, payload: ScanIn
) -> Status[dict[str, Any]]:
    """A pack unpacked on the ward, scanned: must be of this delivery."""
    row = wr.ward_request_receive_scan(
        **acting(request),
        request_id=request_id,
        barcode=payload.barcode,
        lot=payload.lot,
        now=timezone.now(),
        withdrawn_override_reason=payload.withdrawn_override_reason,
    )
    return Status(201, scan_json(row))


@router.post("/{request_id}/receive", response=RequestOut)
@api_perm(wr.REQUEST)
def request_receive(
    request: HttpRequest, request_id: RecordId, payload: ReceiveIn
) -> dict[str, Any]:
    """Close the receipt: units per line (given, or the packs scanned); every difference
    with its reason."""
    wr.ward_request_receive(
        **acting(request),
        request_id=request_id,
        counts={ln.line_id: ln.units for ln in payload.lines if ln.units is not None},
        reasons={ln.line_id: ln.reason for ln in payload.lines if ln.reason},
        note=payload.note,
        now=timezone.now(),
    )
    return request_json(request, request_id)


# --- the pharmacy -----------------------------------------------------------------------


@router.post("/{request_id}/evaluate", response=RequestOut)
@api_perm(wr.EVALUATE)
def request_evaluate(
    request: HttpRequest, request_id: RecordId, payload: EvaluateIn
) -> dict[str, Any]:
    """Decide every line; a request already evaluated (by another pharmacist) is 409
    ``request_state_invalid``."""
    substitutes = products_of([d.substitute for d in payload.lines if d.substitute])
    wr.ward_request_evaluate(
        **acting(request),
        request_id=request_id,
        version=payload.version,
        note=payload.note,
        now=timezone.now(),
        decisions={
            d.line_id: LineDecision(
                decision=d.decision,  # type: ignore[arg-type]  # checked by the service
                units=d.units,
                reason=d.reason,
                substitute_product_id=substitutes[d.substitute].pk if d.substitute else None,
            )
            for d in payload.lines
        },
    )
    return request_json(request, request_id)


@router.post("/{request_id}/pick-scans", response={201: ScanOut})
@api_perm(wr.PICK)
def pick_scan(
    request: HttpRequest, request_id: RecordId, payload: ScanIn
) -> Status[dict[str, Any]]:
    """A pack scanned into the pick: a pack of another product, an expired lot, beyond
    the units approved, a lot not in the pharmacy: refused, nothing changes."""
    row = wr.ward_request_pick_scan(
        **acting(request),
        request_id=request_id,
        barcode=payload.barcode,
        lot=payload.lot,
        line_id=payload.line_id,
        now=timezone.now(),
        withdrawn_override_reason=payload.withdrawn_override_reason,
    )
    return Status(201, scan_json(row))


@router.post("/{request_id}/close-pick", response=RequestOut)
@api_perm(wr.PICK)
def close_pick(request: HttpRequest, request_id: RecordId, payload: ClosePickIn) -> dict[str, Any]:
    """The pick is done (short: with the reason)."""
    wr.ward_request_close_pick(
        **acting(request), request_id=request_id, reason=payload.reason, now=timezone.now()
    )
    return request_json(request, request_id)


@router.post("/{request_id}/deliver", response=list[MovementOut])
@api_perm(wr.PICK)
def deliver(request: HttpRequest, request_id: RecordId) -> list[dict[str, Any]]:
    """Deliver: the picked units move into the ward's cabinet (transfers referenced by
    the delivery document's number, all or nothing)."""
    return movements_json(
        wr.ward_request_deliver(**acting(request), request_id=request_id, now=timezone.now())
    )


@router.post("/returns", response={201: list[MovementOut]})
@api_perm(MANAGE)
def stock_return(request: HttpRequest, payload: ReturnIn) -> Status[list[dict[str, Any]]]:
    """Units a ward gives back: usable ones return to ``to_location``, expired ones leave
    the cabinet as waste."""
    product = products_of([payload.product])[payload.product]
    movement = wr.ward_stock_return(
        **acting(request),
        cabinet=cabinet_of(payload.cabinet),
        product=product,
        lot=payload.lot,
        quantity=payload.units,
        to_location=location_of(payload.to_location),
        reason=payload.reason,
        now=timezone.now(),
    )
    return Status(201, movements_json([movement]))


@router.put("/par-levels", response=ParLevelOut)
@api_perm(wr.MANAGE_PAR)
def par_level(request: HttpRequest, payload: ParLevelIn) -> dict[str, Any]:
    """Set a product's par level and reorder point in a ward cabinet."""
    product = products_of([payload.product])[payload.product]
    level = wr.par_level_save(
        **acting(request),
        cabinet=cabinet_of(payload.cabinet),
        product=product,
        par=payload.par,
        reorder_point=payload.reorder_point,
        is_active=payload.active,
        now=timezone.now(),
    )
    return {
        "cabinet": payload.cabinet,
        "product_code": product.code,
        "par": level.par,
        "reorder_point": level.reorder_point,
        "active": level.is_active,
    }
