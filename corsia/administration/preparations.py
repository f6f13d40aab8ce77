"""The one door from bedside administration to the pharmacy's preparations.

Bedside verification needs, for a scanned UFA label (``PRP`` + zero-padded preparation id),
what the preparation is: for which order item and patient, which ingredient, dose,
volume, expiry, and whether the pharmacist released it. The compounding module owns
preparations: this adapter reads ``compounding.Preparation`` (the current, not rejected,
one of each order item) and maps it to :class:`PreparationInfo`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from corsia.administration.domain.bedside import PreparationView
from corsia.compounding.domain.workflow import (
    PREP_STATE_LABELS_IT,
    PrepState,
    preparation_id_from_label,
    preparation_label_code,
)
from corsia.compounding.models import Preparation

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
    expiry: datetime
    state: str  # the compounding module's state (… released, checked_out)
    state_label: str = ""

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
        )


def preparation_label(preparation_id: int) -> str:
    return preparation_label_code(preparation_id)


# --- the adapter ----------------------------------------------------------------------------


def _info(prep: Preparation) -> PreparationInfo | None:
    if prep.expiry_at is None:
        return None  # not completed by the pharmacy yet: never administrable
    return PreparationInfo(
        code=prep.label_code or preparation_label_code(prep.pk),
        order_item_id=prep.order_item_id,
        patient_id=prep.order.patient_id,
        ingredient_code=prep.order_item.ingredient.code,
        dose=prep.dose_mg,
        volume_ml=prep.final_volume_ml or Decimal(0),
        expiry=prep.expiry_at,
        state=prep.state,
        state_label=PREP_STATE_LABELS_IT.get(PrepState(prep.state), prep.state),
    )


def _current() -> QuerySet[Preparation]:
    return Preparation.objects.exclude(state=PrepState.REJECTED.value).select_related(
        "order", "order_item__ingredient"
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
