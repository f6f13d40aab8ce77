"""The pharmacy picks an evaluated request by scanning each pack, closes the pick
(complete, or short with the reason) and delivers it: the units move from the pharmacy's
places to the ward's cabinet (``stock_transfer``, one movement per lot and place, the
delivery document's number as their reference).

A pack of a product the request does not give, beyond the units approved, expired, or of
a lot the pharmacy does not hold (or has already promised to other picks) is refused with
a clear message and nothing changes. The first person to scan a pack of a request owns its
pick: another one scanning at the same time is told who is picking it."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.db.models import Sum

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.drugs.selectors import products_by_id
from corsia.drugs.services_pack_market import pack_scan_check
from corsia.inventory import audit_events as events
from corsia.inventory.domain import ward_requests as domain
from corsia.inventory.domain.ward_requests import PickLine, RequestAction, RequestState
from corsia.inventory.models import (
    StockLot,
    StockMovement,
    StorageLocation,
    WardRequest,
    WardRequestLine,
    WardRequestScan,
)
from corsia.inventory.models.ward_requests import ScanAct
from corsia.inventory.selectors import layouts, stock_locations
from corsia.inventory.services.lots import local_day
from corsia.inventory.services.movements import stock_transfer
from corsia.inventory.services.ward_requests.common import (
    PICK,
    PICK_REFUSED,
    expired_refusal,
    locked_request,
    pack_scan,
    request_audit,
    require_step,
    step_record,
    text120,
)

# picks that hold units not yet moved: evaluated (being picked) and picked (to deliver)
_OPEN = (RequestState.EVALUATED.value, RequestState.PICKED.value)


def _picker_check(request: WardRequest, actor: User) -> None:
    if request.picker_id is not None and request.picker_id != actor.pk:
        assert request.picker is not None
        name = request.picker.get_full_name() or request.picker.username
        raise ConflictError(
            f"Il prelievo di questa richiesta è già in corso da parte di {name}.",
            code="pick_in_progress",
            details={"picker": name},
        )


def _line_for(
    lines: list[WardRequestLine], product_id: int, line_id: int | None
) -> WardRequestLine:
    candidates = [
        ln
        for ln in lines
        if ln.units_approved and ln.product_to_give_id == product_id
        and (line_id is None or ln.pk == line_id)
    ]  # fmt: skip
    if not candidates:
        raise ValidationFailed(
            "La confezione letta non è di un medicinale approvato in questa richiesta: "
            "non va prelevata.",
            code="wrong_product",
            field="barcode",
            details={"product_id": product_id},
        )
    # the first line still short (lines of several patients with the same product)
    for ln in candidates:
        if ln.units_picked < (ln.units_approved or 0):
            return ln
    return candidates[0]


def _lot_place(product_id: int, lot: str, units: int) -> StockLot:
    """The pharmacy place holding ``units`` of the lot not promised to another open pick
    (walking order). Refused when the lot is not there, or not enough of it is free."""
    places = {p.pk for p in stock_locations()}
    rows = list(
        StockLot.objects.select_for_update()
        .select_related("location")
        .filter(product_id=product_id, lot=lot, location_id__in=places, quantity__gt=0)
        .order_by("pk")
    )
    if not rows:
        raise ValidationFailed(
            f"Il lotto {lot} di questo medicinale non è in giacenza in farmacia: controlla la "
            "confezione.",
            code="lot_not_in_stock",
            field="barcode",
            details={"lot": lot},
        )
    promised = dict(
        WardRequestScan.objects.filter(
            act=ScanAct.PICK,
            product_id=product_id,
            lot=lot,
            line__request__state__in=_OPEN,
        )
        .values_list("location_id")
        .annotate(units=Sum("units"))
    )
    paths = layouts()
    for row in sorted(rows, key=lambda r: (paths.get(r.location_id, ()), r.pk)):
        if row.quantity - promised.get(row.location_id, 0) >= units:
            return row
    raise ConflictError(
        f"Il lotto {lot} non ha abbastanza unità libere in farmacia per questa confezione "
        "(le altre sono già state prelevate per altre richieste).",
        code="lot_not_available",
        field="barcode",
        details={"lot": lot},
    )


def ward_request_pick_scan(
    *,
    actor: User,
    workstation: Workstation,
    request_id: int,
    barcode: str,
    now: datetime,
    lot: str = "",
    line_id: int | None = None,
    withdrawn_override_reason: str = "",
) -> WardRequestScan:
    """One pack scanned into the pick. The stock does not change until the delivery."""
    require_permission(actor, PICK, PICK_REFUSED)
    scan = pack_scan(barcode, lot=lot)
    today = local_day(now)
    if scan.expiry is not None:
        expired_refusal(scan.expiry, today)
    with transaction.atomic():
        request = locked_request(request_id, actor=actor)
        require_step(request, RequestAction.PICK)
        _picker_check(request, actor)
        lines = list(
            WardRequestLine.objects.select_for_update().filter(request=request).order_by("position")
        )
        pack_scan_check(  # H62: a pack withdrawn from the market, unless a pharmacist's reason
            actor=actor,
            workstation=workstation,
            pack=scan.pack,
            where=f"prelievo per il reparto, richiesta {request.number}",
            override_reason=withdrawn_override_reason,
            today=local_day(now),
        )
        line = _line_for(lines, scan.pack.product_id, line_id)
        units = scan.pack.units_per_pack
        picked = domain.check_pick(
            approved=line.units_approved or 0, picked=line.units_picked, adding=units
        )
        place = _lot_place(scan.pack.product_id, scan.lot, units)
        if scan.expiry is not None and scan.expiry != place.expiry:
            raise ValidationFailed(
                f"La scadenza letta ({scan.expiry:%d/%m/%Y}) non è quella del lotto {scan.lot} "
                f"in giacenza ({place.expiry:%d/%m/%Y}): controlla la confezione.",
                code="lot_expiry_mismatch",
                field="barcode",
            )
        expired_refusal(place.expiry, today)
        row = WardRequestScan.objects.create(
            line=line,
            act=ScanAct.PICK,
            barcode=scan.barcode,
            pack=scan.pack,
            product_id=scan.pack.product_id,
            lot=scan.lot,
            expiry=place.expiry,
            units=units,
            location=place.location,
            actor=actor,
            workstation=text120(workstation),
            at=now,
        )
        line.units_picked = picked
        line.save(update_fields=["units_picked", *line.bump(by=actor)])
        if request.picker_id is None:
            request.picker = actor
            request.save(update_fields=["picker", *request.bump(by=actor)])
        request_audit(
            events.WARD_REQUEST_PACK_PICKED,
            request,
            actor=actor,
            workstation=workstation,
            after={
                "line": line.position,
                "pack": scan.pack.aic or scan.pack.gtin or scan.pack.code,
                "lot": scan.lot,
                "units": units,
                "location": place.location.code,
                "picked": picked,
            },
        )
    return row


def ward_request_close_pick(
    *,
    actor: User,
    workstation: Workstation,
    request_id: int,
    now: datetime,
    reason: str = "",
) -> WardRequest:
    """The pick is done: complete, or short with the reason (``reason_required``)."""
    require_permission(actor, PICK, PICK_REFUSED)
    with transaction.atomic():
        request = locked_request(request_id, actor=actor)
        require_step(request, RequestAction.CLOSE_PICK)
        _picker_check(request, actor)
        lines = list(request.lines.order_by("position"))
        reason = domain.check_close_pick(
            [PickLine(ln.pk, ln.units_approved or 0, ln.units_picked) for ln in lines], reason
        )
        step_record(
            request,
            action=RequestAction.CLOSE_PICK,
            state=RequestState.PICKED,
            event=events.WARD_REQUEST_PICKED,
            actor=actor,
            workstation=workstation,
            now=now,
            reason=reason,
            after={"picked": {ln.position: ln.units_picked for ln in lines}},
        )
    return request


def delivery_number(request: WardRequest, now: datetime) -> str:
    return f"CR-{now:%Y}-{request.pk:06d}"


def ward_request_deliver(
    *,
    actor: User,
    workstation: Workstation,
    request_id: int,
    now: datetime,
) -> list[StockMovement]:
    """The picked packs go to the ward: one transfer per product, lot and place into the
    ward's cabinet, referenced by the delivery document's number. All or nothing: a lot
    the stock no longer holds refuses the whole delivery (``stock_insufficient``)."""
    require_permission(actor, PICK, PICK_REFUSED)
    with transaction.atomic():
        request = locked_request(request_id, actor=actor)
        require_step(request, RequestAction.DELIVER)
        number = delivery_number(request, now)
        moving: dict[tuple[int, str, int], int] = defaultdict(int)
        for scan in WardRequestScan.objects.filter(line__request=request, act=ScanAct.PICK):
            assert scan.location_id is not None  # a pick scan names its place (constraint)
            moving[(scan.product_id, scan.lot, scan.location_id)] += scan.units
        products = products_by_id({p for p, _l, _c in moving})
        places = StorageLocation.objects.in_bulk({c for _p, _l, c in moving})
        movements: list[StockMovement] = []
        for (product_id, lot, place_id), units in sorted(moving.items()):
            movements += stock_transfer(
                actor=actor,
                workstation=workstation,
                product=products[product_id],
                quantity=units,
                from_location=places[place_id],
                to_location=request.cabinet,
                lot=lot,
                reference=number,
                now=now,
            )
        request.delivery_number = number
        request.save(update_fields=["delivery_number"])
        step_record(
            request,
            action=RequestAction.DELIVER,
            state=RequestState.DELIVERED,
            event=events.WARD_REQUEST_DELIVERED,
            actor=actor,
            workstation=workstation,
            now=now,
            after={"delivery": number, "movements": [m.pk for m in movements]},
        )
    return movements
