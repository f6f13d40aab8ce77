"""The inventory tests' fixed clock and the type of their ``load`` fixture
(``tests/inventory/conftest.py``); ``assert_stock_matches_movements``, the stock ledger's
invariant every test that moves stock checks (inventory, ward requests, dispensing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from corsia.accounts.models import User
    from corsia.drugs.models import MedicinalProduct
    from corsia.inventory.models import StorageLocation

ROME = ZoneInfo("Europe/Rome")
# "Now" in every service test: 15 October 2026, 10:00 in Rome.
NOW = datetime(2026, 10, 15, 10, 0, tzinfo=ROME)
TODAY = date(2026, 10, 15)

Load = Callable[..., None]


def assert_stock_matches_movements() -> None:
    """Every lot in every place holds exactly what its movements brought in minus what they
    took out (the ledger and the stock never disagree), and no place holds a lot no
    movement ever brought."""
    from collections import defaultdict

    from corsia.inventory.models import StockLot, StockMovement

    ledger: dict[tuple[int, str, int], int] = defaultdict(int)
    for product_id, lot, source, target, units in StockMovement.objects.values_list(
        "product_id", "lot", "from_location_id", "to_location_id", "quantity"
    ):
        if target is not None:
            ledger[(product_id, lot, target)] += units
        if source is not None:
            ledger[(product_id, lot, source)] -= units
    stock = {
        (product_id, lot, place): units
        for product_id, lot, place, units in StockLot.objects.values_list(
            "product_id", "lot", "location_id", "quantity"
        )
    }
    held = {key: units for key, units in stock.items() if units}
    moved = {key: units for key, units in ledger.items() if units}
    assert held == moved, f"stock {held} ≠ movements {moved}"


def gs1_pack(gtin: str, expiry: date, lot: str) -> str:
    """What a scanner returns from a pack's GS1 DataMatrix, in the bracketed human form:
    GTIN (01), expiry (17, YYMMDD), lot (10)."""
    return f"(01){gtin}(17){expiry:%y%m%d}(10){lot}"


def gtin_for(body: str) -> str:
    """A 14-digit GTIN from 13 digits, with its GS1 check digit."""
    from corsia.drugs.domain.barcodes import gtin_check_digit

    return body + str(gtin_check_digit(body))


# the GS1 GTINs the inventory tests give the oxaliplatin (1 vial) and fluorouracil
# (10 vials) packs of ``tests/inventory/conftest.py``
OXALI_GTIN = gtin_for("0801234500001")
FU_GTIN = gtin_for("0801234500002")


@dataclass(frozen=True)
class WardScene:
    """The people and places of a ward request test: the day hospital's nurse, the
    pharmacist, the technician, the ward's cabinet, the pharmacy's shelf A1, the two
    products (packs scannable by GS1) and the ``load`` of lots into the shelf."""

    nurse: User
    pharmacist: User
    technician: User
    cabinet: StorageLocation
    shelf: StorageLocation
    oxaliplatin: MedicinalProduct
    fluorouracil: MedicinalProduct
    load: Load
