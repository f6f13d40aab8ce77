"""The one door from bedside administration to the pharmacy's preparations.

Bedside verification needs, for a scanned UFA label (``PRP`` + zero-padded preparation id),
what the preparation is: for which order item and patient, which ingredient, dose,
volume, expiry, and whether the pharmacist released it. The compounding module owns
preparations: this adapter reads ``compounding.Preparation`` (the current, not rejected,
one of each order item) and maps it to :class:`PreparationInfo`.

It also reads what the bedside must block on: the route and dose unit on the label, the
earliest expiry of the lots drawn (the expiry shown is never later than the end of that
lot's expiry day), and the patient bag's transport temperature judged against this
preparation's own storage range, with the pharmacist's release after an excursion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from corsia.administration.domain.bedside import PreparationView, TransportView
from corsia.compounding.domain.product import StorageTemperature
from corsia.compounding.domain.transport import outside_range
from corsia.compounding.domain.workflow import (
    PREP_STATE_LABELS_IT,
    PrepState,
    preparation_id_from_label,
    preparation_label_code,
)
from corsia.compounding.models import Preparation

if TYPE_CHECKING:
    from corsia.compounding.models import TransportLog

PREPARATION_PREFIX = "PRP"
RELEASED_STATES = frozenset({"released", "checked_out"})


@dataclass(frozen=True)
class PreparationInfo:
    code: str  # the label payload, e.g. PRP00000042
    order_item_id: int
    patient_id: int
    ingredient_code: str
    dose: Decimal
    volume_ml: Decimal
    expiry: datetime  # the stability expiry capped by the lots' expiry
    state: str  # the compounding module's state (… released, checked_out)
    state_label: str = ""
    dose_unit: str = "mg"
    route: str = ""
    lot: str = ""  # the lot expiring first
    lot_expiry: date | None = None
    transport: TransportView | None = None

    @property
    def released(self) -> bool:
        return self.state in RELEASED_STATES

    def view(self) -> PreparationView:
        return PreparationView(
            code=self.code,
            order_item_id=self.order_item_id,
            patient_id=self.patient_id,
            ingredient_code=self.ingredient_code,
            dose=self.dose,
            volume_ml=self.volume_ml,
            expiry=self.expiry,
            released=self.released,
            dose_unit=self.dose_unit,
            route=self.route,
            lot=self.lot,
            lot_expiry=self.lot_expiry,
            transport=self.transport,
        )


def preparation_label(preparation_id: int) -> str:
    return preparation_label_code(preparation_id)


# --- the adapter ----------------------------------------------------------------------------


def lot_expiry_end(lot_expiry: date) -> datetime:
    """A lot is usable through its expiry date (scan.py refuses it the day after): the
    first instant it is no longer usable is local midnight after that date."""
    return datetime.combine(
        lot_expiry + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )


def _transport(prep: Preparation) -> TransportView | None:
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
    views = [
        TransportView(
            storage=storage.value,
            minimum_c=log.minimum_c,
            maximum_c=log.maximum_c,
            outside_range=outside_range(storage, log.minimum_c, log.maximum_c),
            released=log.released_at is not None,
        )
        for log in logs
    ]
    blocking = [v for v in views if v.outside_range and not v.released]
    return blocking[0] if blocking else views[-1]


def _info(prep: Preparation) -> PreparationInfo | None:
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
    )


def _current() -> QuerySet[Preparation]:
    return (
        Preparation.objects.exclude(state=PrepState.REJECTED.value)
        .select_related("order", "order_item__ingredient", "checkout")
        .prefetch_related("vials", "checkout__transports")
    )


def preparation_for_label(code: str) -> PreparationInfo | None:
    """The preparation a scanned UFA label names, or None if there is none."""
    preparation_id = preparation_id_from_label(code)
    if preparation_id is not None:
        prep = _current().filter(pk=preparation_id).first()
        if prep is not None:
            return _info(prep)
    return None


def preparations_for_items(order_item_ids: Iterable[int]) -> dict[int, PreparationInfo]:
    """The current preparation of each order item that has one (for the worklist)."""
    wanted = set(order_item_ids)
    found: dict[int, PreparationInfo] = {}
    for prep in _current().filter(order_item_id__in=wanted).order_by("id"):
        info = _info(prep)
        if info is not None:
            found[prep.order_item_id] = info
    return found
