"""What every movement of the stock shares: the permission names, the lots of a product
in a place locked for the change, the units taken (FEFO, or the lot named), the weighted
cost of a lot loaded twice, the one expiry of a lot, and the audit of the movements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from corsia.audit.domain.events import EventType
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.inventory.domain import stock as stock_domain
from corsia.inventory.domain.stock import Take
from corsia.inventory.models import LocationKind, StockLot, StockMovement, StorageLocation
from corsia.inventory.selectors import lot_stock

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct

VIEW = "inventory.view_stock"
MANAGE = "inventory.manage_stock"
EXPORT_FILE_F = "inventory.export_file_f"
STOCK_REFUSED = "Non hai il permesso di movimentare il magazzino."
# the ward's own cabinet: the care team unloads what it gives (and a correction puts it
# back); the pharmacy's places stay the pharmacy's
MOVE_WARD_CABINET = "inventory.move_ward_cabinet"


def require_move(actor: User, location: StorageLocation) -> None:
    """``manage_stock``, or ``move_ward_cabinet`` when ``location`` is a ward cabinet."""
    if location.kind == LocationKind.WARD_CABINET and actor.has_perm(MOVE_WARD_CABINET):
        return
    require_permission(actor, MANAGE, STOCK_REFUSED)


def workstation_text(workstation: Workstation) -> str:
    return workstation_label(workstation)[:120]


def local_day(now: datetime) -> date:
    return timezone.localdate(now)


def reason_required(reason: str) -> str:
    if not reason.strip():
        raise ValidationFailed(
            "Indica il motivo del movimento.", code="reason_required", field="reason"
        )
    return reason.strip()


def movements_audit(
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


def weighted_cost(old_qty: int, old_cost: Decimal, qty: int, cost: Decimal) -> Decimal:
    if old_qty + qty == 0:
        return cost
    total = old_cost * old_qty + cost * qty
    return (total / (old_qty + qty)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def lot_expiry_mismatch(product: MedicinalProduct, lot: str, expiry: date) -> str | None:
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


def locked_lots(product: MedicinalProduct, location: StorageLocation) -> list[StockLot]:
    return list(
        StockLot.objects.select_for_update()
        .select_related("location")
        .filter(product=product, location=location)
        .order_by("pk")
    )


def named_lot(rows: Sequence[StockLot], lot: str, location: StorageLocation) -> StockLot:
    for row in rows:
        if row.lot == lot:
            return row
    raise NotFound(
        f"Il lotto {lot} non è in giacenza in {location.code}.",
        code="lot_not_found",
        field="lot",
        details={"lot": lot, "location": location.code},
    )


def lots_to_take(
    rows: Sequence[StockLot],
    *,
    quantity: int,
    lot: str | None,
    location: StorageLocation,
    today: date,
) -> list[Take]:
    if lot is None:
        return stock_domain.fefo_take([lot_stock(r) for r in rows], quantity, today=today)
    return [stock_domain.lot_take(lot_stock(named_lot(rows, lot, location)), quantity, today=today)]


def apply_takes(
    rows: Sequence[StockLot], takes: Sequence[Take], now: datetime
) -> dict[int, StockLot]:
    by_id = {r.pk: r for r in rows}
    for take in takes:
        row = by_id[take.key]
        row.quantity = stock_domain.subtract(row.quantity, take.quantity)
        row.updated_at = now
        row.save(update_fields=["quantity", "updated_at"])
    return by_id
