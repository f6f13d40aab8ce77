"""Reads for the UFA pages and API (no side effects, except the access log of patient
data and expiring stale leftovers on read)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from corsia.audit.services import access_log_record
from corsia.compounding.domain.workflow import PREP_STATE_LABELS_IT, PrepState
from corsia.compounding.models import (
    CheckOut,
    ExposureRecord,
    Hood,
    Leftover,
    Preparation,
    WorkSession,
)
from corsia.compounding.services import PHARMACY, VIEW, leftovers_expire_stale
from corsia.core.domain.errors import NotFound, PermissionRefused
from corsia.prescribing.domain.states import STATE_LABELS_IT, OrderState
from corsia.prescribing.models import ItemStatus, OrderItem, TherapyOrder

# Orders whose drugs the UFA will (or may) prepare: from the physician's confirmation on.
CONFIRMED_ON = (
    OrderState.CONFIRMED,
    OrderState.SENT_TO_PHARMACY,
    OrderState.VALIDATED,
    OrderState.TAKEN_IN_CHARGE,
    OrderState.IN_PREPARATION,
    OrderState.PREPARED,
    OrderState.DELIVERED,
)
POTENTIAL = (OrderState.DRAFT, OrderState.CONFIRMED, OrderState.RETURNED_TO_PRESCRIBER)


def _require(user: Any) -> None:
    if not user.has_perm(VIEW):
        raise PermissionRefused("Non hai accesso al piano di lavoro della UFA.")


@dataclass(frozen=True)
class WorkRow:
    item: OrderItem
    order: TherapyOrder
    preparation: Preparation | None
    potential: bool

    @property
    def state_label(self) -> str:
        if self.preparation is not None:
            return PREP_STATE_LABELS_IT[PrepState(self.preparation.state)]
        label = STATE_LABELS_IT[OrderState(self.order.state)]
        return f"Carico potenziale — {label.lower()}" if self.potential else label

    @property
    def state_key(self) -> str:
        return self.preparation.state if self.preparation is not None else self.order.state


def workplan(
    *,
    user: Any,
    day: date,
    ward: str = "",
    regimen: str = "",
    ingredient: str = "",
    patient: str = "",
) -> list[WorkRow]:
    """Every antineoplastic preparation of the day with its state, including the drugs
    of orders not yet sent (potential workload)."""
    _require(user)
    items = (
        OrderItem.objects.filter(
            scheduled_date=day,
            competence=PHARMACY,
            status=ItemStatus.ACTIVE,
            order__state__in=[s.value for s in (*CONFIRMED_ON, *POTENTIAL)],
        )
        .select_related(
            "ingredient", "order__patient", "order__ward", "order__regimen_version__regimen"
        )
        .order_by("order__patient__surname", "order_id", "sequence")
    )
    if ward:
        items = items.filter(order__ward__code=ward)
    if regimen:
        items = items.filter(order__regimen_version__regimen__code__icontains=regimen)
    if ingredient:
        items = items.filter(ingredient__name_it__icontains=ingredient)
    if patient:
        items = items.filter(order__patient__surname__icontains=patient)
    preps = {
        p.order_item_id: p
        for p in Preparation.objects.filter(order_item__in=items)
        .exclude(state=PrepState.REJECTED)
        .select_related("hood", "technician")
    }
    return [
        WorkRow(
            item=i,
            order=i.order,
            preparation=preps.get(i.pk),
            potential=i.order.state in {s.value for s in POTENTIAL},
        )
        for i in items
    ]


def preparation_get(*, user: Any, preparation_id: int) -> Preparation:
    _require(user)
    prep = (
        Preparation.objects.select_related(
            "order__patient",
            "order__ward",
            "order__regimen_version__regimen",
            "order_item__ingredient",
            "product",
            "hood",
            "technician",
            "released_by",
            "validated_by",
        )
        .filter(pk=preparation_id)
        .first()
    )
    if prep is None:
        raise NotFound("Preparazione inesistente.", code="preparation_not_found")
    return prep


def preparation_view(
    *, user: Any, preparation_id: int, workstation: Any, channel: str = "web"
) -> Preparation:
    prep = preparation_get(user=user, preparation_id=preparation_id)
    access_log_record(
        user=user,
        patient_id=prep.order.patient_id,
        what=f"preparazione {prep.label_code}",
        workstation=workstation,
        channel=channel,
    )
    return prep


def order_for_pharmacy(*, user: Any, order_id: int, workstation: Any) -> TherapyOrder:
    _require(user)
    order = (
        TherapyOrder.objects.select_related(
            "patient", "regimen_version__regimen", "prescriber", "ward", "validated_by"
        )
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound("Prescrizione inesistente.", code="order_not_found")
    access_log_record(
        user=user,
        patient_id=order.patient_id,
        what=f"prescrizione {order.pk} (UFA)",
        workstation=workstation,
    )
    return order


def order_preparations(order: TherapyOrder) -> QuerySet[Preparation]:
    return (
        Preparation.objects.filter(order=order)
        .select_related("order_item__ingredient", "product")
        .order_by("scheduled_date", "order_item__sequence", "pk")
    )


def leftovers(*, user: Any, now: datetime | None = None) -> QuerySet[Leftover]:
    _require(user)
    leftovers_expire_stale(now=now or timezone.now())
    return Leftover.objects.select_related("product", "hood").order_by("state", "expires_at")


def exposures(*, user: Any) -> QuerySet[ExposureRecord]:
    _require(user)
    return ExposureRecord.objects.select_related(
        "operator", "ingredient", "hood", "preparation"
    ).order_by("-started_at")[:500]


def sessions(*, user: Any, day: date) -> QuerySet[WorkSession]:
    _require(user)
    return WorkSession.objects.filter(date=day).select_related("hood", "technician", "pharmacist")


def hoods() -> QuerySet[Hood]:
    return Hood.objects.filter(active=True).order_by("code")


def checkout_get(*, user: Any, checkout_id: int) -> CheckOut:
    _require(user)
    checkout = (
        CheckOut.objects.select_related("order__patient", "order__ward", "checked_out_by")
        .filter(pk=checkout_id)
        .first()
    )
    if checkout is None:
        raise NotFound("Check-out inesistente.", code="checkout_not_found")
    return checkout


# States from which a preparation's vials have been drawn at the hood (or left the stock).
VIALS_DRAWN = (PrepState.IN_PROGRESS, PrepState.WEIGHED, PrepState.RELEASED, PrepState.CHECKED_OUT)


@dataclass(frozen=True)
class LinePreparation:
    """What the stock needs to know of an order line's live preparation."""

    state: str
    product_id: int | None
    dose_mg: Decimal
    vials_drawn: bool


def live_preparations(*, item_ids: Iterable[int]) -> dict[int, LinePreparation]:
    """Order line id -> its live (not rejected) preparation, for the stock requirements."""
    return {
        prep.order_item_id: LinePreparation(
            state=prep.state,
            product_id=prep.product_id,
            dose_mg=prep.dose_mg,
            vials_drawn=prep.state in {s.value for s in VIALS_DRAWN},
        )
        for prep in Preparation.objects.filter(order_item_id__in=list(item_ids)).exclude(
            state=PrepState.REJECTED
        )
    }
