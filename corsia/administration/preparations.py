"""The one door from bedside administration to the pharmacy's preparations.

Bedside verification needs, for a scanned UFA label (``PRP`` + zero-padded preparation id),
what the preparation is: for which order item and patient, which ingredient, dose,
volume, expiry, and whether the pharmacist released it. The compounding module owns
preparations; until it is merged this adapter reads a **stand-in** registry that tests
(and nothing else) fill with :func:`stand_in_register`.

TO RE-POINT AT MERGE (lead): replace the bodies of :func:`preparation_for_label` and
:func:`preparations_for_items` with reads of ``corsia.compounding`` (its selectors),
mapping each ``Preparation`` to :class:`PreparationInfo` (``released`` is true in the
states released and checked_out), and delete the stand-in functions and the tests'
``stand_in_preparations`` fixture uses. Nothing else in administration reads preparations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from corsia.administration.domain.bedside import PreparationView

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
    return f"{PREPARATION_PREFIX}{preparation_id:08d}"


# --- stand-in until compounding is merged ------------------------------------------------

_STAND_IN: dict[str, PreparationInfo] = {}


def stand_in_register(info: PreparationInfo) -> None:
    _STAND_IN[info.code.upper()] = info


def stand_in_clear() -> None:
    _STAND_IN.clear()


@contextmanager
def stand_in_preparations(*infos: PreparationInfo) -> Iterator[None]:
    for info in infos:
        stand_in_register(info)
    try:
        yield
    finally:
        stand_in_clear()


# --- the adapter ----------------------------------------------------------------------------


def preparation_for_label(code: str) -> PreparationInfo | None:
    """The preparation a scanned UFA label names, or None if there is none."""
    return _STAND_IN.get(code.strip().upper())


def preparations_for_items(order_item_ids: Iterable[int]) -> dict[int, PreparationInfo]:
    """The current preparation of each order item that has one (for the worklist)."""
    wanted = set(order_item_ids)
    return {info.order_item_id: info for info in _STAND_IN.values() if info.order_item_id in wanted}
