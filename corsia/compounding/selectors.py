"""Reads for the UFA pages and API. No side effects but the access log of patient data:
a read never writes (a stale leftover is shown expired, the expiry itself is written by
``services.leftovers_expire_stale``). Order rows come through prescribing's selectors
for other modules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from corsia.audit.services import access_log_record, access_log_record_many
from corsia.compounding.domain.product import StorageTemperature
from corsia.compounding.domain.transport import outside_range
from corsia.compounding.domain.workflow import (
    PREP_STATE_LABELS_IT,
    PrepState,
    preparation_id_from_label,
    preparation_label_code,
)
from corsia.compounding.models import (
    CheckOut,
    ExposureRecord,
    Hood,
    Leftover,
    LeftoverState,
    Preparation,
    WorkSession,
)
from corsia.compounding.services.pgx_hold import order_pgx_holds, orders_pgx_holds
from corsia.compounding.services.steps import VIEW
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.prescribing.domain.states import STATE_LABELS_IT, OrderState
from corsia.prescribing.pharmacist_review import order_for_review
from corsia.prescribing.selectors import order_find, pharmacy_lines

if TYPE_CHECKING:
    from corsia.compounding.models import TransportLog
    from corsia.prescribing.models import OrderItem, TherapyOrder

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


WORKPLAN_REFUSED = "Non hai accesso al piano di lavoro della UFA."


@dataclass(frozen=True)
class WorkRow:
    item: OrderItem
    order: TherapyOrder
    preparation: Preparation | None
    potential: bool
    # «SOSPESA: …» when a late pharmacogenomic result holds this drug of the order (H65:
    # every compounding action on it is refused until acknowledged); "" otherwise
    on_hold: str = ""

    @property
    def hold_reason(self) -> str:
        """The hold's reason without its «SOSPESA:» (the badge says it)."""
        return self.on_hold.removeprefix("SOSPESA:").strip()

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
    user: User,
    day: date,
    ward: str = "",
    regimen: str = "",
    ingredient: str = "",
    patient: str = "",
) -> list[WorkRow]:
    """Every antineoplastic preparation of the day with its state, including the drugs
    of orders not yet sent (potential workload)."""
    require_permission(user, VIEW, WORKPLAN_REFUSED)
    items = (
        pharmacy_lines(first_day=day, last_day=day, states=(*CONFIRMED_ON, *POTENTIAL))
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
    lines = list(items)
    # the holds read once for the page (a fixed number of queries, not one per row)
    holds = orders_pgx_holds({i.order_id: i.order for i in lines}.values())
    return [
        WorkRow(
            item=i,
            order=i.order,
            preparation=preps.get(i.pk),
            potential=i.order.state in {s.value for s in POTENTIAL},
            on_hold=holds.get(i.order_id, {}).get(i.ingredient_id, ""),
        )
        for i in lines
    ]


def workplan_view(
    *,
    user: User,
    day: date,
    workstation: Workstation,
    channel: str = "web",
    ward: str = "",
    regimen: str = "",
    ingredient: str = "",
    patient: str = "",
) -> list[WorkRow]:
    """The work plan as shown (page, its rows, the vial plan, the API): names, MRNs and
    doses of every patient in it, so one access-log row per patient shown."""
    reader = require_permission(user, VIEW, WORKPLAN_REFUSED)
    rows = workplan(
        user=reader, day=day, ward=ward, regimen=regimen, ingredient=ingredient, patient=patient
    )
    access_log_record_many(
        user=reader,
        patient_ids=list(dict.fromkeys(row.order.patient_id for row in rows)),
        what=f"piano di lavoro UFA del {day:%d/%m/%Y}",
        workstation=workstation,
        channel=channel,
    )
    return rows


def preparation_get(*, user: User, preparation_id: int) -> Preparation:
    require_permission(user, VIEW, WORKPLAN_REFUSED)
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
    *,
    user: User,
    preparation_id: int,
    workstation: Workstation,
    channel: str = "web",
) -> Preparation:
    reader = require_permission(user, VIEW, WORKPLAN_REFUSED)
    prep = preparation_get(user=reader, preparation_id=preparation_id)
    access_log_record(
        user=reader,
        patient_id=prep.order.patient_id,
        what=f"preparazione {prep.label_code}",
        workstation=workstation,
        channel=channel,
    )
    return prep


def order_for_pharmacy(
    *,
    user: User,
    order_id: int,
    workstation: Workstation,
    channel: str = "web",
    for_review: bool = False,
) -> TherapyOrder:
    """The order, its read logged. ``for_review``: with every line and what the
    validation page shows of them (``prescribing.pharmacist_review.order_for_review``)."""
    reader = require_permission(user, VIEW, WORKPLAN_REFUSED)
    order = order_for_review(order_id) if for_review else order_find(order_id)
    if order is None:
        raise NotFound("Prescrizione inesistente.", code="order_not_found")
    access_log_record(
        user=reader,
        patient_id=order.patient_id,
        what=f"prescrizione {order.pk} (UFA)",
        workstation=workstation,
        channel=channel,
    )
    return order


def order_preparations(order: TherapyOrder) -> QuerySet[Preparation]:
    return (
        Preparation.objects.filter(order=order)
        .select_related("order_item__ingredient", "product")
        .order_by("scheduled_date", "order_item__sequence", "pk")
    )


@dataclass(frozen=True)
class LeftoverRow:
    """A leftover as of the moment it is read: open ones past their stability are shown
    expired whether or not the expiry has been written yet."""

    leftover: Leftover
    state: LeftoverState

    @property
    def state_label(self) -> str:
        return str(self.state.label)


def leftover_state_at(leftover: Leftover, moment: datetime) -> LeftoverState:
    if leftover.state == LeftoverState.OPEN and leftover.expires_at <= moment:
        return LeftoverState.EXPIRED
    return LeftoverState(leftover.state)


def leftovers(*, user: User, now: datetime | None = None) -> list[LeftoverRow]:
    """The leftovers still open (the vials in the fridge: a few, whatever the history) with
    their state as of ``now``, by state then expiry: those past their stability first, shown
    expired whether or not the expiry has been written yet (writes nothing)."""
    require_permission(user, VIEW, WORKPLAN_REFUSED)
    moment = now or timezone.now()
    rows = [
        LeftoverRow(leftover, leftover_state_at(leftover, moment))
        for leftover in Leftover.objects.filter(state=LeftoverState.OPEN).select_related(
            "product", "hood"
        )
    ]
    return sorted(rows, key=lambda row: (row.state.value, row.leftover.expires_at))


def leftovers_closed(*, user: User) -> QuerySet[Leftover]:
    """The leftovers used up, expired or discarded, the latest expiry first, as a query to
    page (issue 27: the history of every opened vial; before, read whole and sorted in
    Python). The partial index ``leftover_closed_expiry`` holds the ordering."""
    require_permission(user, VIEW, WORKPLAN_REFUSED)
    return (
        Leftover.objects.exclude(state=LeftoverState.OPEN)
        .select_related("product", "hood")
        .order_by("-expires_at", "-id")
    )


def exposures(*, user: User) -> QuerySet[ExposureRecord]:
    """The operators' exposures, the latest first, as a query to page (issue 27: before,
    the latest 500 only)."""
    require_permission(user, VIEW, WORKPLAN_REFUSED)
    return ExposureRecord.objects.select_related(
        "operator", "ingredient", "hood", "preparation"
    ).order_by("-started_at", "-id")


def sessions(*, user: User, day: date) -> QuerySet[WorkSession]:
    require_permission(user, VIEW, WORKPLAN_REFUSED)
    return WorkSession.objects.filter(date=day).select_related("hood", "technician", "pharmacist")


def hoods() -> QuerySet[Hood]:
    return Hood.objects.filter(active=True).order_by("code")


def technicians() -> QuerySet[User]:
    """The active technicians (the role's group), a session's choice list."""
    return User.objects.filter(groups__name="technician", is_active=True)


def user_find(*, user_id: int, active_only: bool = False) -> User | None:
    """A user chosen on a page or in an API call (a session's technician)."""
    users = User.objects.filter(pk=user_id)
    return (users.filter(is_active=True) if active_only else users).first()


def checkout_get(*, user: User, checkout_id: int) -> CheckOut:
    require_permission(user, VIEW, WORKPLAN_REFUSED)
    checkout = (
        CheckOut.objects.select_related("order__patient", "order__ward", "checked_out_by")
        .filter(pk=checkout_id)
        .first()
    )
    if checkout is None:
        raise NotFound("Check-out inesistente.", code="checkout_not_found")
    return checkout


def checkout_view(*, user: User, checkout_id: int, what: str, workstation: Workstation) -> CheckOut:
    """A check-out as shown (its page, the bag label): a read of the patient's data."""
    reader = require_permission(user, VIEW, WORKPLAN_REFUSED)
    checkout = checkout_get(user=reader, checkout_id=checkout_id)
    access_log_record(
        user=reader,
        patient_id=checkout.order.patient_id,
        what=f"{what} {checkout.pk}",
        workstation=workstation,
    )
    return checkout


def checkout_order_state(checkout: CheckOut) -> str:
    """The state of the check-out's order as it is now (the check-out may have moved it)."""
    return CheckOut.objects.values_list("order__state", flat=True).get(pk=checkout.pk)


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


# --- for other modules' services (they check their own permission and log their own reads) ------
# Bedside administration verifies a scanned UFA label (``PRP`` + zero-padded preparation id)
# against what the preparation is: for which order line and patient, which ingredient, dose,
# volume, expiry, whether the pharmacist released it, the route and dose unit on the label,
# the earliest expiry of the lots drawn (the expiry given is never later than the end of
# that lot's expiry day) and the patient bag's transport temperature judged against this
# preparation's own storage range, with the pharmacist's release after an excursion.

RELEASED_STATES = frozenset({"released", "checked_out"})


@dataclass(frozen=True)
class TransportReading:
    """The patient bag's recorded transport temperature against the storage this
    preparation needs. ``released``: a pharmacist released the preparation after the
    excursion."""

    storage: str  # "2-8 °C" | "25 °C"
    minimum_c: Decimal
    maximum_c: Decimal
    outside_range: bool
    released: bool = False


@dataclass(frozen=True)
class PreparationInfo:
    """A completed preparation as the bedside reads it."""

    code: str  # the label payload, e.g. PRP00000042
    order_item_id: int
    patient_id: int
    ingredient_code: str
    dose: Decimal
    volume_ml: Decimal
    expiry: datetime  # the stability expiry capped by the lots' expiry
    state: str  # the preparation's state (… released, checked_out)
    state_label: str = ""
    dose_unit: str = "mg"
    route: str = ""
    lot: str = ""  # the lot expiring first
    lot_expiry: date | None = None
    transport: TransportReading | None = None
    # a pharmacogenomic result recorded after the validation nobody acknowledged yet:
    # the bag is on hold (never discarded), the reason shown (H65); "" when not
    on_hold: str = ""

    @property
    def released(self) -> bool:
        return self.state in RELEASED_STATES


def lot_expiry_end(lot_expiry: date) -> datetime:
    """A lot is usable through its expiry date (the bedside refuses it the day after): the
    first instant it is no longer usable is local midnight after that date."""
    return datetime.combine(
        lot_expiry + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )


def _transport(prep: Preparation) -> TransportReading | None:
    """The bag's transport judged against this preparation's storage range: the first
    excursion not released by a pharmacist, else the latest record (None: not recorded)."""
    if prep.checkout is None or not prep.storage:
        return None
    logs: list[TransportLog] = sorted(
        prep.checkout.transports.all(), key=lambda log: (log.imported_at, log.pk)
    )
    if not logs:
        return None
    storage = StorageTemperature(prep.storage)
    readings = [
        TransportReading(
            storage=storage.value,
            minimum_c=log.minimum_c,
            maximum_c=log.maximum_c,
            outside_range=outside_range(storage, log.minimum_c, log.maximum_c),
            released=log.released_at is not None,
        )
        for log in logs
    ]
    blocking = [r for r in readings if r.outside_range and not r.released]
    return blocking[0] if blocking else readings[-1]


def _info(prep: Preparation, holds: dict[int, str] | None = None) -> PreparationInfo | None:
    """``holds``: the order's held drugs (``order_pgx_holds``), read once per order."""
    if prep.expiry_at is None:
        return None  # not completed by the pharmacy yet: never administrable
    vials = sorted(prep.vials.all(), key=lambda v: (v.lot_expiry, v.pk))
    first = vials[0] if vials else None
    expiry = prep.expiry_at
    if first is not None:
        expiry = min(expiry, lot_expiry_end(first.lot_expiry))
    return PreparationInfo(
        code=prep.label_code or preparation_label_code(prep.pk),
        order_item_id=prep.order_item_id,
        patient_id=prep.order.patient_id,
        ingredient_code=prep.order_item.ingredient.code,
        dose=prep.dose_mg,
        volume_ml=prep.final_volume_ml or Decimal(0),
        expiry=expiry,
        state=prep.state,
        state_label=PREP_STATE_LABELS_IT.get(PrepState(prep.state), prep.state),
        dose_unit=prep.dose_unit,
        route=prep.route,
        lot=first.lot if first else "",
        lot_expiry=first.lot_expiry if first else None,
        transport=_transport(prep),
        on_hold=(order_pgx_holds(prep.order) if holds is None else holds).get(
            prep.order_item.ingredient_id, ""
        ),
    )


def _current() -> QuerySet[Preparation]:
    return (
        Preparation.objects.exclude(state=PrepState.REJECTED.value)
        .select_related("order", "order_item__ingredient", "checkout")
        .prefetch_related("vials", "checkout__transports")
    )


def preparation_for_label(code: str) -> PreparationInfo | None:
    """The current (not rejected) completed preparation a scanned UFA label names, or None
    if there is none."""
    preparation_id = preparation_id_from_label(code)
    if preparation_id is not None:
        prep = _current().filter(pk=preparation_id).first()
        if prep is not None:
            return _info(prep)
    return None


def preparations_for_items(order_item_ids: Iterable[int]) -> dict[int, PreparationInfo]:
    """The current completed preparation of each order line that has one."""
    wanted = set(order_item_ids)
    found: dict[int, PreparationInfo] = {}
    holds: dict[int, dict[int, str]] = {}
    for prep in _current().filter(order_item_id__in=wanted).order_by("id"):
        if prep.order_id not in holds:
            holds[prep.order_id] = order_pgx_holds(prep.order)
        info = _info(prep, holds[prep.order_id])
        if info is not None:
            found[prep.order_item_id] = info
    return found
