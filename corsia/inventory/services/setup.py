"""The stock's reference set-up: cost centres (what a ward's consumption is charged to)
and storage locations (pharmacy cabinets and shelves, fridges, ward cabinets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ValidationFailed
from corsia.inventory import audit_events as events
from corsia.inventory.models import CostCenter, LocationKind, StorageLocation
from corsia.inventory.services.lots import MANAGE, STOCK_REFUSED

if TYPE_CHECKING:
    from corsia.patients.models import Ward


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
