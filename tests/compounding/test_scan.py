"""Pack scan at the hood: wrong drug, wrong strength, expired lot, missing lot."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from corsia.compounding.domain.scan import (
    AcceptedScan,
    ExpectedVial,
    ResolvedPack,
    ScanRefused,
    match_scanned_pack,
)
from corsia.drugs.domain.barcodes import parse_pack_barcode
from corsia.testing.compounding import scan_refusal

# GS1's example GTIN (check digit verified in tests/drugs/test_barcodes.py) and an
# AIC with a valid check digit, resolved as the archive would.
GTIN = "09506000134352"
AIC = "044155024"
OXALIPLATIN_100 = ResolvedPack("oxaliplatin_100mg", "oxaliplatin", "oxaliplatino", Decimal(100))
OXALIPLATIN_50 = ResolvedPack("oxaliplatin_50mg", "oxaliplatin", "oxaliplatino", Decimal(50))
FLUOROURACIL = ResolvedPack("fluorouracil_1000mg", "fluorouracil", "fluorouracile", Decimal(1000))
EXPECTED = ExpectedVial("oxaliplatin", "oxaliplatino", Decimal(100))
NOW = datetime(2027, 1, 15, 10, 0, tzinfo=UTC)
DATAMATRIX = f"]d2(01){GTIN}(17)270131(10)LOT42(21)SN1"


def _refusal(
    scanned: str,
    packs: dict[str, ResolvedPack],
    *,
    now: datetime = NOW,
    expected: ExpectedVial = EXPECTED,
    lot: str = "",
    expiry: date | None = None,
) -> ScanRefused:
    """The refusal of the pack read from ``scanned`` (the archive resolving ``packs``)."""
    return scan_refusal(
        expected=expected, scanned=scanned, packs=packs, now=now, lot=lot, expiry=expiry
    )


def test_right_pack_with_datamatrix_is_accepted() -> None:
    accepted = match_scanned_pack(
        expected=EXPECTED,
        scanned=parse_pack_barcode(DATAMATRIX),
        packs={GTIN: OXALIPLATIN_100},
        now=NOW,
    )
    assert accepted == AcceptedScan("oxaliplatin_100mg", "LOT42", date(2027, 1, 31))


def test_other_active_ingredient_is_refused_with_both_names() -> None:
    error = _refusal(f"A{AIC}", {AIC: FLUOROURACIL})
    assert error.code == "wrong_drug"
    assert error.message == (
        "Flacone di un altro principio attivo: atteso oxaliplatino, letto fluorouracile."
    )


def test_other_strength_is_refused() -> None:
    error = _refusal(DATAMATRIX, {GTIN: OXALIPLATIN_50})
    assert error.code == "wrong_strength"
    assert error.message == (
        "Flacone di un altro dosaggio: atteso oxaliplatino 100 mg, letto 50 mg."
    )


def test_expired_lot_is_refused_the_day_after_expiry() -> None:
    after = datetime(2027, 2, 1, 0, 5, tzinfo=UTC)
    error = _refusal(DATAMATRIX, {GTIN: OXALIPLATIN_100}, now=after)
    assert error.code == "expired_lot"
    assert error.message == "Lotto LOT42 scaduto il 31/01/2027: non si può usare."


def test_pack_is_usable_on_its_expiry_day() -> None:
    last_day = datetime(2027, 1, 31, 23, 0, tzinfo=UTC)
    accepted = match_scanned_pack(
        expected=EXPECTED,
        scanned=parse_pack_barcode(DATAMATRIX),
        packs={GTIN: OXALIPLATIN_100},
        now=last_day,
    )
    assert accepted.expiry == date(2027, 1, 31)


def test_stamp_without_lot_requires_lot_and_expiry() -> None:
    scanned = parse_pack_barcode(f"A{AIC}")
    packs = {AIC: OXALIPLATIN_100}
    with pytest.raises(ScanRefused) as error:
        match_scanned_pack(expected=EXPECTED, scanned=scanned, packs=packs, now=NOW)
    assert error.value.code == "lot_required"
    assert error.value.field == "lot"
    with pytest.raises(ScanRefused) as error:
        match_scanned_pack(expected=EXPECTED, scanned=scanned, packs=packs, now=NOW, lot="L1")
    assert error.value.code == "lot_required"
    assert error.value.field == "expiry"
    accepted = match_scanned_pack(
        expected=EXPECTED,
        scanned=scanned,
        packs=packs,
        now=NOW,
        lot=" L1 ",
        expiry=date(2028, 5, 31),
    )
    assert accepted == AcceptedScan("oxaliplatin_100mg", "L1", date(2028, 5, 31))


def test_typed_expiry_in_the_past_is_refused() -> None:
    error = _refusal(f"A{AIC}", {AIC: OXALIPLATIN_100}, lot="L1", expiry=date(2026, 12, 31))
    assert error.code == "expired_lot"


def test_unknown_pack_is_refused() -> None:
    error = _refusal(DATAMATRIX, {})
    assert error.code == "unknown_pack"


def test_biosimilar_instead_of_the_planned_originator_is_refused() -> None:
    expected = ExpectedVial(
        "trastuzumab", "trastuzumab", Decimal(150), frozenset({"trastuzumab_herceptin"})
    )
    biosimilar = ResolvedPack("trastuzumab_ontruzant", "trastuzumab", "trastuzumab", Decimal(150))
    error = _refusal(DATAMATRIX, {GTIN: biosimilar}, expected=expected)
    assert error.code == "wrong_product"
