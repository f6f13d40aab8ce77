"""The one hook announcing preparations dispensed to the ward: the UFA's check-out of an
order's bag (the preparations released and handed over for the patient). The HL7 interface
subscribes to it and sends RDS^O13. When direct distribution (issue 19) records its own
dispensings, it announces them through a hook of the same shape and the interface builds
the same message from them.

Announced inside the transaction of the check-out: a subscriber's writes commit or roll
back with it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import prefetch_related_objects

from corsia.compounding.domain.workflow import preparation_label_code
from corsia.compounding.models import CheckOut, Preparation


@dataclass(frozen=True)
class DispensedPreparation:
    code: str  # the label, PRP00000042
    order_item_id: int
    ingredient_code: str
    ingredient_name: str
    dose: Decimal
    dose_unit: str
    volume_ml: Decimal | None
    route: str
    product_id: int | None  # the medicinal product compounded, when one was chosen
    lot: str  # the lot expiring first
    expiry: datetime | None


@dataclass(frozen=True)
class Dispensing:
    checkout_id: int
    order_id: int
    patient_id: int
    dispensed_at: datetime
    pharmacist_username: str
    pharmacist_surname: str
    pharmacist_given_name: str
    delivery_document: str
    preparations: tuple[DispensedPreparation, ...]


Dispensed = Callable[[Dispensing], None]
_subscribers: dict[str, Dispensed] = {}


def dispensing_subscribe(name: str, subscriber: Dispensed) -> None:
    """Called once by a module above this one (idempotent per ``name``)."""
    _subscribers[name] = subscriber


def _preparation(prep: Preparation) -> DispensedPreparation:
    vials = sorted(prep.vials.all(), key=lambda v: (v.lot_expiry, v.pk))
    return DispensedPreparation(
        code=prep.label_code or preparation_label_code(prep.pk),
        order_item_id=prep.order_item_id,
        ingredient_code=prep.order_item.ingredient.code,
        ingredient_name=prep.order_item.ingredient.name_it,
        dose=prep.dose_mg,
        dose_unit=prep.dose_unit,
        volume_ml=prep.final_volume_ml,
        route=prep.route or prep.order_item.route,
        product_id=prep.product_id,
        lot=vials[0].lot if vials else "",
        expiry=prep.expiry_at,
    )


def dispensing_announce(
    *, checkout: CheckOut, patient_id: int, preparations: Iterable[Preparation]
) -> None:
    if not _subscribers:
        return
    preps = sorted(preparations, key=lambda p: p.pk)
    prefetch_related_objects(preps, "vials")  # every preparation's vials in one query
    by = checkout.checked_out_by
    record = Dispensing(
        checkout_id=checkout.pk,
        order_id=checkout.order_id,
        patient_id=patient_id,
        dispensed_at=checkout.checked_out_at,
        pharmacist_username=by.username,
        pharmacist_surname=by.last_name,
        pharmacist_given_name=by.first_name,
        delivery_document=checkout.delivery_document,
        preparations=tuple(_preparation(p) for p in preps),
    )
    for subscriber in _subscribers.values():
        subscriber(record)
