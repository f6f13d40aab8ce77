"""The one door from bedside administration to the pharmacy's preparations.

Bedside verification needs, for a scanned UFA label (``PRP`` + zero-padded preparation id),
what the preparation is. The compounding module owns preparations and gives them as its
frozen :class:`~corsia.compounding.selectors.PreparationInfo` (the current, not rejected,
completed one of a label or of each order line); this adapter turns one into the pure
domain's :class:`PreparationView` the bedside check judges.
"""

from __future__ import annotations

from corsia.administration.domain.bedside import PreparationView, TransportView
from corsia.compounding.selectors import (
    PreparationInfo,
    lot_expiry_end,
    preparation_for_label,
    preparations_for_items,
)

__all__ = [
    "PreparationInfo",
    "bedside_view",
    "lot_expiry_end",
    "preparation_for_label",
    "preparations_for_items",
]


def bedside_view(info: PreparationInfo) -> PreparationView:
    """The preparation as the bedside check reads it."""
    transport = info.transport
    return PreparationView(
        code=info.code,
        order_item_id=info.order_item_id,
        patient_id=info.patient_id,
        ingredient_code=info.ingredient_code,
        dose=info.dose,
        volume_ml=info.volume_ml,
        expiry=info.expiry,
        released=info.released,
        dose_unit=info.dose_unit,
        route=info.route,
        lot=info.lot,
        lot_expiry=info.lot_expiry,
        transport=None
        if transport is None
        else TransportView(
            storage=transport.storage,
            minimum_c=transport.minimum_c,
            maximum_c=transport.maximum_c,
            outside_range=transport.outside_range,
            released=transport.released,
        ),
    )
