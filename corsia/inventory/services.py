"""Use cases that change the stock. Each one: permission, one transaction, rows locked with
``select_for_update``, the pure domain decides, movements appended, one audit event.

Quantities are whole units (vials, tablets). Stock never goes below zero (checked here and
by the database). Expired lots are never unloaded, transferred or returned to stock; they
leave only as waste.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.domain.events import EventType
from corsia.audit.services import access_log_record, audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.drugs import selectors as drugs
from corsia.inventory import audit_events as events
from corsia.inventory import selectors
from corsia.inventory.domain import delivery as delivery_domain
from corsia.inventory.domain import file_f
from corsia.inventory.domain import stock as stock_domain
from corsia.inventory.domain.delivery import DeliveryLine, LineError
from corsia.inventory.domain.stock import LotExpired, LotStock, Take
from corsia.inventory.models import (
    CostCenter,
    LocationKind,
    MovementKind,
    StockLot,
    StockMovement,
    StorageLocation,
)

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct, Pack
    from corsia.patients.models import Patient, Ward

VIEW = "inventory.view_stock"
MANAGE = "inventory.manage_stock"
EXPORT_FILE_F = "inventory.export_file_f"


STOCK_REFUSED = "Non hai il permesso di movimentare il magazzino."


def _workstation_text(workstation: Workstation) -> str:
    return workstation_label(workstation)[:120]


def _today(now: datetime) -> date:
    return timezone.localdate(now)


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationFailed(
            "Indica il motivo del movimento.", code="reason_required", field="reason"
        )
    return reason.strip()


def _lot_stock(row: StockLot) -> LotStock:
    return LotStock(
        key=row.pk,
        product_id=row.product_id,
        lot=row.lot,
        expiry=row.expiry,
        quantity=row.quantity,
        location_key=row.location_id,
        location_label=row.location.code,
    )


def _audit(
    event: EventType,
    *,
    actor: User,
    workstation: Workstation,
    movements: Sequence[StockMovement],
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    first = movements[0] if movements else None
    audit_record(
        event=event,
        actor=actor,
        workstation=workstation,
        target=first,
        patient_id=first.patient_id if first is not None else None,
        after={
            "movements": [
                {
                    "id": m.pk,
                    "kind": m.kind,
                    "product": m.product.code,
                    "lot": m.lot,
                    "expiry": m.expiry.isoformat(),
                    "quantity": m.quantity,
                    "from": m.from_location.code if m.from_location else None,
                    "to": m.to_location.code if m.to_location else None,
                    "cost_center": m.cost_center.code if m.cost_center else None,
                    "reference": m.reference,
                }
                for m in movements
            ]
        }
        | (extra or {}),
        reason=reason,
    )


# --- reference set-up ------------------------------------------------------------------


def cost_center_save(
    *, actor: User, workstation: Workstation, code: str, name: str, ward: Ward | None = None
) -> CostCenter:
    """Create the cost centre ``code`` or update its name and ward."""
    require_permission(actor, MANAGE, STOCK_REFUSED)
    with transaction.atomic():
        center, created = CostCenter.objects.select_for_update().get_or_create(
            code=code.strip(), defaults={"name": name.strip(), "ward": ward}
        )
        if not created:
            center.name, center.ward = name.strip(), ward
            center.updated_at = timezone.now()
            center.save(update_fields=["name", "ward", "updated_at"])
        audit_record(
            event=events.COST_CENTER_SAVED,
            actor=actor,
            workstation=workstation,
            target=center,
            after={"code": center.code, "name": center.name, "ward": ward.code if ward else None},
        )
    return center


def location_save(
    *,
    actor: User,
    workstation: Workstation,
    code: str,
    name: str,
    kind: LocationKind | str,
    pick_order: int = 0,
    parent: StorageLocation | None = None,
    ward: Ward | None = None,
) -> StorageLocation:
    """Create the storage location ``code`` or update it (a cabinet, a shelf, a fridge)."""
    require_permission(actor, MANAGE, STOCK_REFUSED)
    if str(kind) not in LocationKind.values:
        raise ValidationFailed("Tipo di ubicazione sconosciuto.", field="kind")
    with transaction.atomic():
        location, created = StorageLocation.objects.select_for_update().get_or_create(
            code=code.strip(),
            defaults={
                "name": name.strip(),
                "kind": str(kind),
                "pick_order": pick_order,
                "parent": parent,
                "ward": ward,
            },
        )
        if not created:
            location.name, location.kind, location.pick_order = name.strip(), str(kind), pick_order
            location.parent, location.ward = parent, ward
            location.updated_at = timezone.now()
            location.save(
                update_fields=["name", "kind", "pick_order", "parent", "ward", "updated_at"]
            )
        audit_record(
            event=events.LOCATION_SAVED,
            actor=actor,
            workstation=workstation,
            target=location,
            after={
                "code": location.code,
                "kind": location.kind,
                "parent": parent.code if parent else None,
                "pick_order": pick_order,
            },
        )
    return location


# --- loads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadLine:
    """One line of a delivery document."""

    product: MedicinalProduct
    lot: str
    expiry: date
    quantity: int
    unit_cost: Decimal
    pack: Pack | None = None
    location: StorageLocation | None = None  # default: the document's location


def _weighted_cost(old_qty: int, old_cost: Decimal, qty: int, cost: Decimal) -> Decimal:
    if old_qty + qty == 0:
        return cost
    total = old_cost * old_qty + cost * qty
    return (total / (old_qty + qty)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _check_lot_expiry(product: MedicinalProduct, lot: str, expiry: date) -> str | None:
    """A lot has one expiry date wherever it lies: a different one is a typing error."""
    other = (
        StockLot.objects.filter(product=product, lot=lot)
        .exclude(expiry=expiry)
        .values_list("expiry", flat=True)
        .first()
    )
    if other is not None:
        return f"il lotto {lot} è già in giacenza con scadenza {other:%d/%m/%Y}"
    return None


def _load_lines(
    *,
    actor: User,
    workstation: Workstation,
    supplier: str,
    document_number: str,
    document_date: date,
    lines: Sequence[LoadLine],
    location: StorageLocation,
    now: datetime,
) -> list[StockMovement]:
    movements = []
    for line in lines:
        stock_domain.require_positive(line.quantity)
        target = line.location or location
        row, _created = StockLot.objects.select_for_update().get_or_create(
            product=line.product,
            lot=line.lot,
            location=target,
            defaults={
                "expiry": line.expiry,
                "quantity": 0,
                "unit_cost": line.unit_cost,
                "pack": line.pack,
            },
        )
        row.unit_cost = _weighted_cost(row.quantity, row.unit_cost, line.quantity, line.unit_cost)
        row.quantity = stock_domain.add(row.quantity, line.quantity)
        row.pack = row.pack or line.pack
        row.updated_at = now
        row.save(update_fields=["quantity", "unit_cost", "pack", "updated_at"])
        movements.append(
            StockMovement.objects.create(
                kind=MovementKind.LOAD,
                product=line.product,
                pack=line.pack,
                lot=line.lot,
                expiry=line.expiry,
                to_location=target,
                quantity=line.quantity,
                unit_cost=line.unit_cost,
                reference=f"DDT {document_number}",
                supplier=supplier,
                document_date=document_date,
                actor=actor,
                workstation=_workstation_text(workstation),
                at=now,
            )
        )
    return movements


def _validate_load(
    *,
    supplier: str,
    document_number: str,
    document_date: date,
    lines: Sequence[LoadLine],
    today: date,
) -> None:
    if not supplier.strip() or not document_number.strip():
        raise ValidationFailed(
            "Indica fornitore e numero del documento di trasporto.",
            code="document_incomplete",
            field="document_number",
        )
    if not lines:
        raise ValidationFailed("Il documento non ha righe.", code="document_empty")
    errors = []
    for number, line in enumerate(lines, start=1):
        problems = delivery_domain.validate_line(
            DeliveryLine(
                line=number,
                supplier=supplier,
                document_number=document_number,
                document_date=document_date,
                product_code=line.product.code,
                aic=line.pack.aic if line.pack else "",
                lot=line.lot.strip(),
                expiry=line.expiry,
                quantity=line.quantity,
                unit_cost=line.unit_cost,
            ),
            today=today,
        )
        if line.quantity <= 0:
            problems.append("quantità non valida")
        if line.unit_cost < 0:
            problems.append("costo unitario negativo")
        if line.pack is not None and line.pack.product_id != line.product.pk:
            problems.append("la confezione non è di questo medicinale")
        mismatch = _check_lot_expiry(line.product, line.lot.strip(), line.expiry)
        if mismatch:
            problems.append(mismatch)
        if problems:
            errors.append(LineError(number, "; ".join(problems)))
    if errors:
        delivery_domain.raise_line_errors(errors, document=True)


def stock_load(
    *,
    actor: User,
    workstation: Workstation,
    supplier: str,
    document_number: str,
    document_date: date,
    lines: Sequence[LoadLine],
    location: StorageLocation,
    now: datetime,
) -> list[StockMovement]:
    """Load a delivery document: every line or none. Returns the load movements."""
    require_permission(actor, MANAGE, STOCK_REFUSED)
    _validate_load(
        supplier=supplier,
        document_number=document_number,
        document_date=document_date,
        lines=lines,
        today=_today(now),
    )
    with transaction.atomic():
        movements = _load_lines(
            actor=actor,
            workstation=workstation,
            supplier=supplier.strip(),
            document_number=document_number.strip(),
            document_date=document_date,
            lines=[
                LoadLine(
                    product=line.product,
                    lot=line.lot.strip(),
                    expiry=line.expiry,
                    quantity=line.quantity,
                    unit_cost=line.unit_cost,
                    pack=line.pack,
                    location=line.location,
                )
                for line in lines
            ],
            location=location,
            now=now,
        )
        _audit(
            events.STOCK_LOADED,
            actor=actor,
            workstation=workstation,
            movements=movements,
            extra={"supplier": supplier, "document": document_number},
        )
    return movements


def _resolve_delivery(
    parsed: Sequence[DeliveryLine], *, default_location: StorageLocation
) -> list[tuple[DeliveryLine, LoadLine]]:
    """Products, packs and locations named in the file; every unknown one is a line error."""
    codes = {line.product_code for line in parsed if line.product_code}
    aics = {line.aic for line in parsed if line.aic}
    locations = {line.location for line in parsed if line.location}
    products = drugs.products_by_code(codes)
    packs = drugs.packs_by_aic(aics)
    places = {s.code: s for s in StorageLocation.objects.filter(code__in=locations)}
    errors: list[LineError] = []
    resolved = []
    for line in parsed:
        problems = []
        pack = packs.get(line.aic) if line.aic else None
        product = products.get(line.product_code) if line.product_code else None
        if line.aic and pack is None:
            problems.append(f"AIC {line.aic} non presente nell'archivio farmaci")
        if line.product_code and product is None:
            problems.append(f"medicinale «{line.product_code}» non presente nell'archivio")
        if pack is not None and product is not None and pack.product_id != product.pk:
            problems.append(f"l'AIC {line.aic} non è una confezione di «{line.product_code}»")
        product = product or (pack.product if pack is not None else None)
        location = places.get(line.location) if line.location else default_location
        if line.location and location is None:
            problems.append(f"ubicazione «{line.location}» sconosciuta")
        if product is not None:
            mismatch = _check_lot_expiry(product, line.lot, line.expiry)
            if mismatch:
                problems.append(mismatch)
        if problems or product is None or location is None:
            errors.append(LineError(line.line, "; ".join(problems)))
            continue
        resolved.append(
            (
                line,
                LoadLine(
                    product=product,
                    lot=line.lot,
                    expiry=line.expiry,
                    quantity=line.quantity,
                    unit_cost=line.unit_cost,
                    pack=pack,
                    location=location,
                ),
            )
        )
    if errors:
        delivery_domain.raise_line_errors(errors)
    return resolved


def stock_import_delivery_csv(
    *,
    actor: User,
    workstation: Workstation,
    content: bytes,
    file_name: str,
    location: StorageLocation,
    now: datetime,
) -> list[StockMovement]:
    """Import the hospital warehouse's delivery CSV (layout in the module README): all lines
    or none; each malformed line is named in the error's ``details["errors"]``."""
    require_permission(actor, MANAGE, STOCK_REFUSED)
    parsed = delivery_domain.parse_delivery_csv(content, today=_today(now))
    with transaction.atomic():
        resolved = _resolve_delivery(parsed, default_location=location)
        documents: dict[tuple[str, str, date], list[LoadLine]] = {}
        for line, load in resolved:
            key = (line.supplier, line.document_number, line.document_date)
            documents.setdefault(key, []).append(load)
        movements = []
        for (supplier, number, day), loads in documents.items():
            movements += _load_lines(
                actor=actor,
                workstation=workstation,
                supplier=supplier,
                document_number=number,
                document_date=day,
                lines=loads,
                location=location,
                now=now,
            )
        _audit(
            events.DELIVERY_IMPORTED,
            actor=actor,
            workstation=workstation,
            movements=movements,
            extra={"file": file_name, "documents": [k[1] for k in documents]},
        )
    return movements


# --- unloads and the other movements ----------------------------------------------------


def _locked_lots(product: MedicinalProduct, location: StorageLocation) -> list[StockLot]:
    return list(
        StockLot.objects.select_for_update()
        .select_related("location")
        .filter(product=product, location=location)
        .order_by("pk")
    )


def _named_lot(rows: Sequence[StockLot], lot: str, location: StorageLocation) -> StockLot:
    for row in rows:
        if row.lot == lot:
            return row
    raise NotFound(
        f"Il lotto {lot} non è in giacenza in {location.code}.",
        code="lot_not_found",
        field="lot",
        details={"lot": lot, "location": location.code},
    )


def _takes(
    rows: Sequence[StockLot],
    *,
    quantity: int,
    lot: str | None,
    location: StorageLocation,
    today: date,
) -> list[Take]:
    if lot is None:
        return stock_domain.fefo_take([_lot_stock(r) for r in rows], quantity, today=today)
    return [
        stock_domain.lot_take(_lot_stock(_named_lot(rows, lot, location)), quantity, today=today)
    ]


def _apply_takes(
    rows: Sequence[StockLot], takes: Sequence[Take], now: datetime
) -> dict[int, StockLot]:
    by_id = {r.pk: r for r in rows}
    for take in takes:
        row = by_id[take.key]
        row.quantity = stock_domain.subtract(row.quantity, take.quantity)
        row.updated_at = now
        row.save(update_fields=["quantity", "updated_at"])
    return by_id


def stock_unload(
    *,
    actor: User,
    workstation: Workstation,
    product: MedicinalProduct,
    quantity: int,
    location: StorageLocation,
    cost_center: CostCenter,
    reference: str,
    lot: str | None = None,
    now: datetime,
    patient: Patient | None = None,
) -> list[StockMovement]:
    """Unload ``quantity`` units of ``product`` from ``location``, charged to ``cost_center``.

    ``lot=None`` takes the lots FEFO (possibly several: one movement each); a named lot is
    taken alone. Refused with ``lot_expired`` (named lot past its expiry),
    ``stock_insufficient`` (not enough usable units; nothing is taken), ``lot_not_found``,
    ``quantity_invalid``. ``patient`` (optional) makes the unload reportable in File F.
    """
    require_permission(actor, MANAGE, STOCK_REFUSED)
    stock_domain.require_positive(quantity)
    with transaction.atomic():
        rows = _locked_lots(product, location)
        takes = _takes(rows, quantity=quantity, lot=lot, location=location, today=_today(now))
        by_id = _apply_takes(rows, takes, now)
        movements = [
            StockMovement.objects.create(
                kind=MovementKind.UNLOAD,
                product=product,
                pack=by_id[take.key].pack,
                lot=take.lot,
                expiry=take.expiry,
                from_location=location,
                quantity=take.quantity,
                unit_cost=by_id[take.key].unit_cost,
                cost_center=cost_center,
                patient=patient,
                reference=reference.strip(),
                actor=actor,
                workstation=_workstation_text(workstation),
                at=now,
            )
            for take in takes
        ]
        _audit(events.STOCK_UNLOADED, actor=actor, workstation=workstation, movements=movements)
    return movements


def stock_transfer(
    *,
    actor: User,
    workstation: Workstation,
    product: MedicinalProduct,
    quantity: int,
    from_location: StorageLocation,
    to_location: StorageLocation,
    lot: str | None = None,
    reference: str = "",
    now: datetime,
) -> list[StockMovement]:
    """Move units between locations (pharmacy → ward cabinet, shelf → fridge). Expired lots
    are not moved; FEFO when ``lot`` is None."""
    require_permission(actor, MANAGE, STOCK_REFUSED)
    stock_domain.require_positive(quantity)
    if from_location.pk == to_location.pk:
        raise ValidationFailed(
            "Origine e destinazione coincidono.", code="same_location", field="to_location"
        )
    with transaction.atomic():
        rows = _locked_lots(product, from_location)
        takes = _takes(rows, quantity=quantity, lot=lot, location=from_location, today=_today(now))
        by_id = _apply_takes(rows, takes, now)
        movements = []
        for take in takes:
            source = by_id[take.key]
            target, _ = StockLot.objects.select_for_update().get_or_create(
                product=product,
                lot=take.lot,
                location=to_location,
                defaults={
                    "expiry": take.expiry,
                    "quantity": 0,
                    "unit_cost": source.unit_cost,
                    "pack": source.pack,
                },
            )
            target.unit_cost = _weighted_cost(
                target.quantity, target.unit_cost, take.quantity, source.unit_cost
            )
            target.quantity = stock_domain.add(target.quantity, take.quantity)
            target.updated_at = now
            target.save(update_fields=["quantity", "unit_cost", "updated_at"])
            movements.append(
                StockMovement.objects.create(
                    kind=MovementKind.TRANSFER,
                    product=product,
                    pack=source.pack,
                    lot=take.lot,
                    expiry=take.expiry,
                    from_location=from_location,
                    to_location=to_location,
                    quantity=take.quantity,
                    unit_cost=source.unit_cost,
                    reference=reference.strip(),
                    actor=actor,
                    workstation=_workstation_text(workstation),
                    at=now,
                )
            )
        _audit(events.STOCK_TRANSFERRED, actor=actor, workstation=workstation, movements=movements)
    return movements


def stock_return(
    *,
    actor: User,
    workstation: Workstation,
    product: MedicinalProduct,
    lot: str,
    quantity: int,
    to_location: StorageLocation,
    reason: str,
    now: datetime,
    from_location: StorageLocation | None = None,
    cost_center: CostCenter | None = None,
    reference: str = "",
) -> StockMovement:
    """Units come back into stock (from a ward cabinet, or unused from the ward). The lot
    must be known and not expired (an expired unit is waste). A ``cost_center`` is credited
    in the consumption report."""
    require_permission(actor, MANAGE, STOCK_REFUSED)
    stock_domain.require_positive(quantity)
    reason = _require_reason(reason)
    lot = lot.strip()
    today = _today(now)
    with transaction.atomic():
        known = StockLot.objects.filter(product=product, lot=lot).order_by("pk").first()
        if known is None:
            raise NotFound(
                f"Il lotto {lot} di questo medicinale non è mai stato caricato.",
                code="lot_not_found",
                field="lot",
            )
        if not stock_domain.is_usable(known.expiry, today):
            raise LotExpired(
                f"Il lotto {lot} è scaduto il {known.expiry:%d/%m/%Y}: va registrato come "
                "scarto, non come reso.",
                field="lot",
            )
        if from_location is not None:
            rows = _locked_lots(product, from_location)
            take = stock_domain.lot_take(
                _lot_stock(_named_lot(rows, lot, from_location)), quantity, today=today
            )
            _apply_takes(rows, [take], now)
        target, _ = StockLot.objects.select_for_update().get_or_create(
            product=product,
            lot=lot,
            location=to_location,
            defaults={
                "expiry": known.expiry,
                "quantity": 0,
                "unit_cost": known.unit_cost,
                "pack": known.pack,
            },
        )
        target.quantity = stock_domain.add(target.quantity, quantity)
        target.updated_at = now
        target.save(update_fields=["quantity", "updated_at"])
        movement = StockMovement.objects.create(
            kind=MovementKind.RETURN,
            product=product,
            pack=target.pack,
            lot=lot,
            expiry=known.expiry,
            from_location=from_location,
            to_location=to_location,
            quantity=quantity,
            unit_cost=target.unit_cost,
            cost_center=cost_center,
            reference=reference.strip(),
            reason=reason,
            actor=actor,
            workstation=_workstation_text(workstation),
            at=now,
        )
        _audit(
            events.STOCK_RETURNED,
            actor=actor,
            workstation=workstation,
            movements=[movement],
            reason=reason,
        )
    return movement


def stock_waste(
    *,
    actor: User,
    workstation: Workstation,
    product: MedicinalProduct,
    lot: str,
    quantity: int,
    location: StorageLocation,
    reason: str,
    now: datetime,
    cost_center: CostCenter | None = None,
    reference: str = "",
) -> StockMovement:
    """Units leave the stock as waste (expired, broken, contaminated): reason required.
    The only way an expired lot leaves the stock."""
    require_permission(actor, MANAGE, STOCK_REFUSED)
    stock_domain.require_positive(quantity)
    reason = _require_reason(reason)
    with transaction.atomic():
        rows = _locked_lots(product, location)
        row = _named_lot(rows, lot.strip(), location)
        row.quantity = stock_domain.subtract(row.quantity, quantity)
        row.updated_at = now
        row.save(update_fields=["quantity", "updated_at"])
        movement = StockMovement.objects.create(
            kind=MovementKind.WASTE,
            product=product,
            pack=row.pack,
            lot=row.lot,
            expiry=row.expiry,
            from_location=location,
            quantity=quantity,
            unit_cost=row.unit_cost,
            cost_center=cost_center,
            reference=reference.strip(),
            reason=reason,
            actor=actor,
            workstation=_workstation_text(workstation),
            at=now,
        )
        _audit(
            events.STOCK_WASTED,
            actor=actor,
            workstation=workstation,
            movements=[movement],
            reason=reason,
        )
    return movement


def stock_adjust(
    *,
    actor: User,
    workstation: Workstation,
    product: MedicinalProduct,
    lot: str,
    location: StorageLocation,
    counted: int,
    reason: str,
    now: datetime,
    expiry: date | None = None,
    unit_cost: Decimal | None = None,
) -> StockMovement | None:
    """Set a lot's quantity to what the inventory count found; the difference is one
    ``adjust`` movement (none when the count matches). A lot found on the shelf but not in
    the books needs its ``expiry`` and ``unit_cost``."""
    require_permission(actor, MANAGE, STOCK_REFUSED)
    reason = _require_reason(reason)
    if isinstance(counted, bool) or counted < 0:
        raise stock_domain.QuantityInvalid("Il conteggio non può essere negativo.", field="counted")
    lot = lot.strip()
    with transaction.atomic():
        rows = _locked_lots(product, location)
        row = next((r for r in rows if r.lot == lot), None)
        if row is None and counted == 0:
            return None
        if row is None:
            if expiry is None or unit_cost is None:
                raise ValidationFailed(
                    f"Il lotto {lot} non è registrato in {location.code}: indica scadenza e "
                    "costo unitario.",
                    code="lot_details_required",
                    field="expiry",
                )
            mismatch = _check_lot_expiry(product, lot, expiry)
            if mismatch:
                raise ValidationFailed(mismatch.capitalize() + ".", field="expiry")
            row = StockLot.objects.create(
                product=product,
                lot=lot,
                location=location,
                expiry=expiry,
                quantity=0,
                unit_cost=unit_cost,
            )
        delta = counted - row.quantity
        if delta == 0:
            return None
        row.quantity = counted
        row.updated_at = now
        row.save(update_fields=["quantity", "updated_at"])
        movement = StockMovement.objects.create(
            kind=MovementKind.ADJUST,
            product=product,
            pack=row.pack,
            lot=row.lot,
            expiry=row.expiry,
            from_location=location if delta < 0 else None,
            to_location=location if delta > 0 else None,
            quantity=abs(delta),
            unit_cost=row.unit_cost,
            reference="inventario",
            reason=reason,
            actor=actor,
            workstation=_workstation_text(workstation),
            at=now,
        )
        _audit(
            events.STOCK_ADJUSTED,
            actor=actor,
            workstation=workstation,
            movements=[movement],
            reason=reason,
            extra={"counted": counted, "delta": delta},
        )
    return movement


# --- File F -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileFExtraction:
    text: str
    records: list[file_f.FileFRecord]
    excluded: list[file_f.Excluded]


def file_f_export(
    *,
    year: int,
    month: int,
    hospital_code: str,
    output_format: str,
    actor: User,
    workstation: Workstation,
) -> FileFExtraction:
    """Build the month's File F; record who extracted it (audit event) and, for each
    patient whose fiscal code it carries, an access-log entry."""
    require_permission(actor, EXPORT_FILE_F, "Non hai il permesso di estrarre il File F.")
    dispensations = selectors.file_f_dispensations(year=year, month=month)
    records, excluded = file_f.build_records(
        dispensations,
        hospital_code=hospital_code,
        year=year,
        month=month,
    )
    text = file_f.format_fixed(records) if output_format == "fixed" else file_f.format_csv(records)
    with transaction.atomic():
        for patient_id in sorted({d.patient_id for d in dispensations if d.patient_id}):
            access_log_record(
                user=actor,
                patient_id=patient_id,
                what=f"File F {year:04d}-{month:02d}",
                workstation=workstation,
                channel="batch",
            )
        audit_record(
            event=events.FILE_F_EXPORTED,
            actor=actor,
            workstation=workstation,
            after={
                "period": f"{year:04d}-{month:02d}",
                "format": output_format,
                "layout": file_f.LAYOUT_VERSION,
                "records": len(records),
                "excluded": len(excluded),
            },
        )
    return FileFExtraction(text=text, records=records, excluded=excluded)
