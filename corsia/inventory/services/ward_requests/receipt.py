"""The ward receives a delivery: each pack scanned to confirm it is one delivered, then
the receipt closed with the units that arrived per line (the scans' count, or the count
the nurse gives) and every difference recorded with its reason. And the units a ward gives
back to the pharmacy: usable lots return to stock, expired ones leave as waste.

A missing unit was moved into the cabinet by the delivery and is not there: the
discrepancy is recorded for the pharmacy to look into; the stock is corrected by an
inventory count (``stock_adjust``) when the units are not found, never silently here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.services_pack_market import pack_scan_check
from corsia.inventory import audit_events as events
from corsia.inventory.domain import stock as stock_domain
from corsia.inventory.domain import ward_requests as domain
from corsia.inventory.domain.ward_requests import ReceiptLine, RequestAction, RequestState
from corsia.inventory.models import (
    StockMovement,
    StorageLocation,
    WardRequest,
    WardRequestDiscrepancy,
    WardRequestLine,
    WardRequestScan,
)
from corsia.inventory.models.ward_requests import ScanAct
from corsia.inventory.services.lots import MANAGE, STOCK_REFUSED, local_day
from corsia.inventory.services.movements import stock_return, stock_waste
from corsia.inventory.services.ward_requests.common import (
    REQUEST,
    REQUEST_REFUSED,
    locked_request,
    pack_scan,
    request_audit,
    require_step,
    step_record,
    text120,
)
from corsia.inventory.services.ward_requests.requesting import ward_cabinet_check

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct


def _delivered(request: WardRequest) -> dict[int, set[tuple[int, str]]]:
    """Line id → the (product, lot) pairs picked for it."""
    found: dict[int, set[tuple[int, str]]] = {}
    for line_id, product_id, lot in WardRequestScan.objects.filter(
        line__request=request, act=ScanAct.PICK
    ).values_list("line_id", "product_id", "lot"):
        found.setdefault(line_id, set()).add((product_id, lot))
    return found


def ward_request_receive_scan(
    *,
    actor: User,
    workstation: Workstation,
    request_id: int,
    barcode: str,
    now: datetime,
    lot: str = "",
    withdrawn_override_reason: str = "",
) -> WardRequestScan:
    """A pack the ward unpacks, scanned: it must be a product and lot of this delivery
    (``pack_not_delivered``), and no more packs than were delivered
    (``receipt_exceeds_delivery``)."""
    require_permission(actor, REQUEST, REQUEST_REFUSED)
    scan = pack_scan(barcode, lot=lot)
    with transaction.atomic():
        request = locked_request(request_id, actor=actor)
        require_step(request, RequestAction.RECEIVE)
        pack_scan_check(  # H62: a pack withdrawn from the market, unless a pharmacist's reason
            actor=actor,
            workstation=workstation,
            pack=scan.pack,
            where=f"ricevimento in reparto, richiesta {request.number}",
            override_reason=withdrawn_override_reason,
            today=local_day(now),
        )
        delivered = _delivered(request)
        lines = list(
            WardRequestLine.objects.select_for_update().filter(request=request).order_by("position")
        )
        key = (scan.pack.product_id, scan.lot)
        matching = [ln for ln in lines if key in delivered.get(ln.pk, set())]
        if not matching:
            raise ValidationFailed(
                "La confezione letta non fa parte di questa consegna (medicinale o lotto "
                "diversi): non riporla nell'armadio e segnalalo alla farmacia.",
                code="pack_not_delivered",
                field="barcode",
                details={"lot": scan.lot},
            )
        units = scan.pack.units_per_pack
        counted = _scanned_units(request)
        line = next(
            (ln for ln in matching if counted.get(ln.pk, 0) + units <= ln.units_picked), None
        )
        if line is None:
            raise ValidationFailed(
                "Tutte le confezioni consegnate di questo lotto sono già state lette: "
                "questa è in più.",
                code="receipt_exceeds_delivery",
                field="barcode",
            )
        row = WardRequestScan.objects.create(
            line=line,
            act=ScanAct.RECEIPT,
            barcode=scan.barcode,
            pack=scan.pack,
            product_id=scan.pack.product_id,
            lot=scan.lot,
            expiry=scan.expiry or _lot_expiry(request, key),
            units=units,
            actor=actor,
            workstation=text120(workstation),
            at=now,
        )
        request_audit(
            events.WARD_REQUEST_PACK_RECEIVED,
            request,
            actor=actor,
            workstation=workstation,
            after={"line": line.position, "lot": scan.lot, "units": units},
        )
    return row


def _lot_expiry(request: WardRequest, key: tuple[int, str]) -> date:
    """The expiry the pick recorded for the product and lot (the pack scanned at the
    receipt matched one of those scans)."""
    found = (
        WardRequestScan.objects.filter(
            line__request=request, act=ScanAct.PICK, product_id=key[0], lot=key[1]
        )
        .values_list("expiry", flat=True)
        .first()
    )
    assert found is not None
    return found


def _scanned_units(request: WardRequest) -> dict[int, int]:
    counted: dict[int, int] = {}
    for line_id, units in WardRequestScan.objects.filter(
        line__request=request, act=ScanAct.RECEIPT
    ).values_list("line_id", "units"):
        counted[line_id] = counted.get(line_id, 0) + units
    return counted


def ward_request_receive(
    *,
    actor: User,
    workstation: Workstation,
    request_id: int,
    now: datetime,
    counts: Mapping[int, int] | None = None,
    reasons: Mapping[int, str] | None = None,
    note: str = "",
) -> WardRequest:
    """Close the receipt. Units arrived per line: ``counts`` (line id → units) where given,
    else the packs scanned. A delivered line neither counted nor scanned is refused
    (``receipt_line_unconfirmed``); every difference needs its reason in ``reasons``
    (``discrepancy_reason_required``) and becomes a discrepancy row."""
    require_permission(actor, REQUEST, REQUEST_REFUSED)
    counts = dict(counts or {})
    reasons = dict(reasons or {})
    with transaction.atomic():
        request = locked_request(request_id, actor=actor)
        require_step(request, RequestAction.RECEIVE)
        lines = list(
            WardRequestLine.objects.select_for_update().filter(request=request).order_by("position")
        )
        unknown = sorted(set(counts) - {ln.pk for ln in lines})
        if unknown:
            raise ValidationFailed(
                "Conteggi per righe che non sono di questa richiesta.",
                code="line_unknown",
                field="counts",
                details={"lines": unknown},
            )
        scanned = _scanned_units(request)
        receipt = []
        for ln in lines:
            if ln.units_picked == 0 and ln.pk not in counts:
                received = 0
            elif ln.pk in counts:
                received = domain.units(counts[ln.pk], field=f"counts[{ln.pk}]", allow_zero=True)
            elif ln.pk in scanned:
                received = scanned[ln.pk]
            else:
                raise ValidationFailed(
                    f"Riga {ln.position}: leggi le confezioni arrivate o indica quante unità "
                    "sono arrivate.",
                    code="receipt_line_unconfirmed",
                    field=f"counts[{ln.pk}]",
                )
            receipt.append(ReceiptLine(ln.pk, ln.units_picked, received))
        found = domain.receipt_discrepancies(receipt)
        by_id = {ln.pk: ln for ln in lines}
        for gap in found:
            line = by_id[gap.line_id]
            reason = domain.reason_text(
                reasons.get(gap.line_id, ""),
                field=f"reasons[{gap.line_id}]",
                what=f"il motivo della differenza alla riga {line.position}",
            )
            WardRequestDiscrepancy.objects.create(
                line=line,
                kind=gap.kind.value,
                units=gap.units,
                reason=reason,
                actor=actor,
                workstation=text120(workstation),
                at=now,
            )
        for item in receipt:
            line = by_id[item.line_id]
            line.units_received = item.received
            line.save(update_fields=["units_received", *line.bump(by=actor)])
        step_record(
            request,
            action=RequestAction.RECEIVE,
            state=RequestState.RECEIVED,
            event=events.WARD_REQUEST_RECEIVED,
            actor=actor,
            workstation=workstation,
            now=now,
            reason=(note or "").strip()[:500],
            after={
                "received": {by_id[r.line_id].position: r.received for r in receipt},
                "discrepancies": [
                    {"line": by_id[d.line_id].position, "kind": d.kind.value, "units": d.units}
                    for d in found
                ],
            },
        )
    return request


def ward_stock_return(
    *,
    actor: User,
    workstation: Workstation,
    cabinet: StorageLocation,
    product: MedicinalProduct,
    lot: str,
    quantity: int,
    to_location: StorageLocation,
    reason: str,
    now: datetime,
) -> StockMovement:
    """Units a ward gives back, received by the pharmacy (``manage_stock``): a usable lot
    returns from the cabinet to ``to_location``; an expired one leaves the cabinet as waste
    (it came back to the pharmacy to be disposed of), the reason saying so."""
    require_permission(actor, MANAGE, STOCK_REFUSED)
    ward_cabinet_check(cabinet)
    reason = domain.reason_text(reason, what="il motivo del reso")
    lot = lot.strip()
    expiry = cabinet.lots.filter(product=product, lot=lot).values_list("expiry", flat=True).first()
    if expiry is not None and not stock_domain.is_usable(expiry, local_day(now)):
        return stock_waste(
            actor=actor,
            workstation=workstation,
            product=product,
            lot=lot,
            quantity=quantity,
            location=cabinet,
            reason=f"Scaduto il {expiry:%d/%m/%Y}, reso dal reparto per lo smaltimento: {reason}",
            now=now,
            reference=f"reso {cabinet.code}",
        )
    return stock_return(
        actor=actor,
        workstation=workstation,
        product=product,
        lot=lot,
        quantity=quantity,
        to_location=to_location,
        from_location=cabinet,
        reason=reason,
        now=now,
        reference=f"reso {cabinet.code}",
    )
