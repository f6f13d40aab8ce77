"""An oral chemotherapy order dispensed at the desk: the order (prescribing's, read through
its selector) must be the patient's, validated by the pharmacy and not cancelled or
suspended; the product must be one of its oral lines' drug and strength; and what is
dispensed for the order, this time and before, never exceeds the tablets its cycle needs
(``prescribing.selectors.order_oral_supply``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Sum

from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import ValidationFailed
from corsia.dispensing.models import Dispensing
from corsia.prescribing.selectors import OralSupply, order_oral_supply

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct

# The order's states in which the pharmacy has validated it and it still stands.
DISPENSABLE_STATES = frozenset(
    {"validated", "taken_in_charge", "in_preparation", "prepared", "delivered", "administered"}
)


def order_supply(*, actor: User, workstation: Workstation, order_id: int) -> OralSupply:
    """The order's oral supply (a logged read of the patient's order)."""
    return order_oral_supply(user=actor, order_id=order_id, workstation=workstation)


def order_tablets_dispensed(*, order_id: int, product_id: int) -> int:
    total = Dispensing.objects.filter(therapy_order_id=order_id, product_id=product_id).aggregate(
        total=Sum("units")
    )["total"]
    return int(total or 0)


def require_order_covers(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    patient_id: int,
    product: MedicinalProduct,
    units: int,
) -> int:
    """Refuse (``order_other_patient``, ``order_not_validated``, ``order_product_unexpected``,
    ``order_supply_exceeded``) unless ``units`` more of ``product`` fit the order's cycle;
    returns the order's id."""
    supply = order_supply(actor=actor, workstation=workstation, order_id=order_id)
    if supply.patient_id != patient_id:
        raise ValidationFailed(
            "La prescrizione di chemioterapia è di un altro paziente.",
            code="order_other_patient",
            field="order_id",
        )
    if supply.state not in DISPENSABLE_STATES:
        raise ValidationFailed(
            "La prescrizione di chemioterapia non è validata dalla farmacia (o è sospesa o "
            "annullata): non si dispensa.",
            code="order_not_validated",
            field="order_id",
            details={"state": supply.state},
        )
    line = next(
        (
            s
            for s in supply.supply
            if s.ingredient == product.ingredient.code
            and product.strength is not None
            and product.strength_unit == "mg"
            and s.strength_mg == product.strength
        ),
        None,
    )
    if line is None:
        raise ValidationFailed(
            f"{product.name} non è fra i farmaci orali della prescrizione (principio attivo e "
            f"dosaggio per compressa): non si dispensa.",
            code="order_product_unexpected",
            field="product_code",
        )
    before = order_tablets_dispensed(order_id=order_id, product_id=product.pk)
    if before + units > line.tablets:
        raise ValidationFailed(
            f"Il ciclo {supply.cycle_number} della prescrizione richiede {line.tablets} unità "
            f"di {product.name}; già dispensate {before}, qui {units}: al massimo "
            f"{max(line.tablets - before, 0)}.",
            code="order_supply_exceeded",
            field="scans",
            details={"cycle_tablets": line.tablets, "dispensed": before, "units": units},
        )
    return supply.order_id
