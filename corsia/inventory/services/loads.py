"""Loads: a delivery document typed in (all lines or none) or the hospital warehouse's
delivery CSV (all lines or none; every malformed line named)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ValidationFailed
from corsia.drugs import selectors as drugs
from corsia.drugs.services_pack_market import pack_scan_check
from corsia.inventory import audit_events as events
from corsia.inventory.domain import delivery as delivery_domain
from corsia.inventory.domain import stock as stock_domain
from corsia.inventory.domain.delivery import DeliveryLine, LineError
from corsia.inventory.models import MovementKind, StockLot, StockMovement, StorageLocation
from corsia.inventory.services.lots import (
    MANAGE,
    STOCK_REFUSED,
    local_day,
    lot_expiry_mismatch,
    movements_audit,
    weighted_cost,
    workstation_text,
)

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct, Pack


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
    withdrawn_override_reason: str = "",
) -> list[StockMovement]:
    movements = []
    for number, line in enumerate(lines, start=1):
        stock_domain.require_positive(line.quantity)
        if line.pack is not None:  # H66: a pack withdrawn from the market is not loaded
            pack_scan_check(
                actor=actor,
                workstation=workstation,
                pack=line.pack,
                where=f"carico DDT {document_number} riga {number} lotto {line.lot}",
                override_reason=withdrawn_override_reason,
                today=local_day(now),
            )
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
        row.unit_cost = weighted_cost(row.quantity, row.unit_cost, line.quantity, line.unit_cost)
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
                workstation=workstation_text(workstation),
                at=now,
            )
        )
    return movements


def load_documents(
    *,
    actor: User,
    workstation: Workstation,
    documents: dict[tuple[str, str, date], list[LoadLine]],
    location: StorageLocation,
    now: datetime,
) -> list[StockMovement]:
    """Load each delivery document (supplier, number, date) of an imported file; the
    caller holds the transaction and writes the audit event."""
    movements: list[StockMovement] = []
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
        mismatch = lot_expiry_mismatch(line.product, line.lot.strip(), line.expiry)
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
    withdrawn_override_reason: str = "",
) -> list[StockMovement]:
    """Load a delivery document: every line or none. Returns the load movements.

    A line of a pack withdrawn from the market (``Pack.withdrawn_on`` on or before today)
    refuses the document (``pack_withdrawn``) unless a pharmacist gives
    ``withdrawn_override_reason`` (audited ``drugs.pack_withdrawn_overridden``, H66)."""
    require_permission(actor, MANAGE, STOCK_REFUSED)
    _validate_load(
        supplier=supplier,
        document_number=document_number,
        document_date=document_date,
        lines=lines,
        today=local_day(now),
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
            withdrawn_override_reason=withdrawn_override_reason,
        )
        movements_audit(
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
            mismatch = lot_expiry_mismatch(product, line.lot, line.expiry)
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
    parsed = delivery_domain.parse_delivery_csv(content, today=local_day(now))
    with transaction.atomic():
        resolved = _resolve_delivery(parsed, default_location=location)
        documents: dict[tuple[str, str, date], list[LoadLine]] = {}
        for line, load in resolved:
            key = (line.supplier, line.document_number, line.document_date)
            documents.setdefault(key, []).append(load)
        movements = load_documents(
            actor=actor, workstation=workstation, documents=documents, location=location, now=now
        )
        movements_audit(
            events.DELIVERY_IMPORTED,
            actor=actor,
            workstation=workstation,
            movements=movements,
            extra={"file": file_name, "documents": [k[1] for k in documents]},
        )
    return movements
