"""Movements out of and between places: unload (charged to a cost centre, FEFO or the lot
named), transfer, return to stock, waste (the only way an expired lot leaves) and the
inventory count's adjustment."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from corsia.audit.domain.events import EventType
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.inventory import audit_events as events
from corsia.inventory.domain import stock as stock_domain
from corsia.inventory.domain.stock import LotExpired
from corsia.inventory.models import (
    CostCenter,
    MovementKind,
    StockLot,
    StockMovement,
    StorageLocation,
)
from corsia.inventory.selectors import lot_stock
from corsia.inventory.services.lots import (
    MANAGE,
    STOCK_REFUSED,
    apply_takes,
    local_day,
    locked_lots,
    lot_expiry_mismatch,
    lots_to_take,
    movements_audit,
    named_lot,
    reason_required,
    require_move,
    weighted_cost,
    workstation_text,
)

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct
    from corsia.patients.models import Patient


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
    A ward cabinet: ``move_ward_cabinet`` is enough (the care team unloads its doses).
    """
    require_move(actor, location)
    stock_domain.require_positive(quantity)
    with transaction.atomic():
        rows = locked_lots(product, location)
        takes = lots_to_take(
            rows, quantity=quantity, lot=lot, location=location, today=local_day(now)
        )
        by_id = apply_takes(rows, takes, now)
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
                workstation=workstation_text(workstation),
                at=now,
            )
            for take in takes
        ]
        movements_audit(
            events.STOCK_UNLOADED, actor=actor, workstation=workstation, movements=movements
        )
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
        rows = locked_lots(product, from_location)
        takes = lots_to_take(
            rows, quantity=quantity, lot=lot, location=from_location, today=local_day(now)
        )
        by_id = apply_takes(rows, takes, now)
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
            target.unit_cost = weighted_cost(
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
                    workstation=workstation_text(workstation),
                    at=now,
                )
            )
        movements_audit(
            events.STOCK_TRANSFERRED, actor=actor, workstation=workstation, movements=movements
        )
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
    in the consumption report. Into a ward cabinet: ``move_ward_cabinet`` is enough (a
    dose recorded in error gives its units back)."""
    require_move(actor, to_location)
    stock_domain.require_positive(quantity)
    reason = reason_required(reason)
    lot = lot.strip()
    today = local_day(now)
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
            rows = locked_lots(product, from_location)
            take = stock_domain.lot_take(
                lot_stock(named_lot(rows, lot, from_location)), quantity, today=today
            )
            apply_takes(rows, [take], now)
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
            workstation=workstation_text(workstation),
            at=now,
        )
        movements_audit(
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
    reason = reason_required(reason)
    with transaction.atomic():
        rows = locked_lots(product, location)
        row = named_lot(rows, lot.strip(), location)
        row.quantity = stock_domain.subtract(row.quantity, quantity)
        row.updated_at = now
        row.save(update_fields=["quantity", "updated_at"])
        movement = _lot_moved(
            events.STOCK_WASTED,
            row,
            actor,
            workstation,
            kind=MovementKind.WASTE,
            product=product,
            from_location=location,
            quantity=quantity,
            cost_center=cost_center,
            reference=reference.strip(),
            reason=reason,
            at=now,
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
    reason = reason_required(reason)
    if isinstance(counted, bool) or counted < 0:
        raise stock_domain.QuantityInvalid("Il conteggio non può essere negativo.", field="counted")
    lot = lot.strip()
    with transaction.atomic():
        rows = locked_lots(product, location)
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
            mismatch = lot_expiry_mismatch(product, lot, expiry)
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
        movement = _lot_moved(
            events.STOCK_ADJUSTED,
            row,
            actor,
            workstation,
            kind=MovementKind.ADJUST,
            product=product,
            from_location=location if delta < 0 else None,
            to_location=location if delta > 0 else None,
            quantity=abs(delta),
            reference="inventario",
            reason=reason,
            at=now,
            extra={"counted": counted, "delta": delta},
        )
    return movement


def _lot_moved(
    event: EventType, row: StockLot, actor: User, workstation: Workstation, **fields: Any
) -> StockMovement:
    """One movement of units of the lot ``row`` holds (``fields``: kind, product, quantity,
    locations, reference, reason, at…), with its audit record (``extra`` in it)."""
    extra = fields.pop("extra", None)
    movement = StockMovement.objects.create(
        pack=row.pack,
        lot=row.lot,
        expiry=row.expiry,
        unit_cost=row.unit_cost,
        actor=actor,
        workstation=workstation_text(workstation),
        **fields,
    )
    movements_audit(
        event,
        actor=actor,
        workstation=workstation,
        movements=[movement],
        reason=movement.reason,
        extra=extra,
    )
    return movement
