"""GS1 DataMatrix codes of vials, written out by hand, as the hood reads them
(``domain.vial_code.read_vial_code`` over ``drugs.domain.barcodes.parse_pack_barcode``).

The GTIN used: body 0801234567890; GS1 mod-10 with weights 3,1,3,… from the right:
0×3 + 9×1 + 8×3 + 7×1 + 6×3 + 5×1 + 4×3 + 3×1 + 2×3 + 1×1 + 0×3 + 8×1 + 0×3 = 93,
check digit (10 − 93 mod 10) mod 10 = 7 → 08012345678907.
"""

from __future__ import annotations

from datetime import date

import pytest

from corsia.compounding.domain.vial_code import VialCodeAmbiguous, read_vial_code
from corsia.drugs.domain.barcodes import BarcodeKind, BarcodeUnreadable

GS = "\x1d"
# AIC 01234567 + check digit 6 (``drugs.domain.aic``; its rule is tested there)
GTIN = "08012345678907"


def test_datamatrix_with_symbology_prefix_and_gs_separator() -> None:
    # ]d2, fixed fields first, GS after the lot (variable length), serial last
    scanned = read_vial_code(f"]d201{GTIN}1728020010AB12C{GS}21SER0001")
    assert scanned.kind is BarcodeKind.GS1
    assert scanned.gtin == GTIN
    assert scanned.lot == "AB12C"
    assert scanned.serial == "SER0001"
    # day 00 = last day of the month: February 2028 is a leap month
    assert scanned.expiry == date(2028, 2, 29)


def test_day_00_in_a_common_year_and_in_a_31_day_month() -> None:
    assert read_vial_code(f"01{GTIN}1727020010L1").expiry == date(2027, 2, 28)
    assert read_vial_code(f"01{GTIN}1726120010L1").expiry == date(2026, 12, 31)
    assert read_vial_code(f"01{GTIN}1727043010L1").expiry == date(2027, 4, 30)


def test_without_separators_when_the_lot_is_the_only_variable_field_and_last() -> None:
    scanned = read_vial_code(f"01{GTIN}1727033110LOT9")
    assert (scanned.lot, scanned.expiry, scanned.serial) == ("LOT9", date(2027, 3, 31), "")


def test_lost_separator_that_would_hide_the_lot_in_the_serial_is_refused() -> None:
    # serial SER1 then lot LOT9 without GS reads as serial «SER110LOT9» and no lot
    with pytest.raises(VialCodeAmbiguous) as refused:
        read_vial_code(f"01{GTIN}1727030021SER110LOT9")
    assert refused.value.code == "gs1_separator_missing"
    assert "separatore GS" in refused.value.message
    # the same code with its GS reads right
    scanned = read_vial_code(f"01{GTIN}1727030021SER1{GS}10LOT9")
    assert (scanned.serial, scanned.lot) == ("SER1", "LOT9")


def test_lost_separator_that_would_hide_the_serial_in_the_lot_is_refused() -> None:
    with pytest.raises(VialCodeAmbiguous):
        read_vial_code(f"01{GTIN}1727030010LOT921SER1")


def test_literal_gs_and_bracketed_human_readable_forms() -> None:
    scanned = read_vial_code(f"01{GTIN}1726120010X1<GS>21Y2")
    assert (scanned.lot, scanned.serial, scanned.expiry) == ("X1", "Y2", date(2026, 12, 31))
    # the HRI as printed under the symbol, with its spaces
    scanned = read_vial_code(f"(01) {GTIN} (17) 271100 (10) A1B2 (21) 77")
    assert (scanned.gtin, scanned.expiry, scanned.lot, scanned.serial) == (
        GTIN,
        date(2027, 11, 30),
        "A1B2",
        "77",
    )


def test_italian_aic_as_nhrn_716() -> None:
    scanned = read_vial_code(f"]d201{GTIN}1727033110L5{GS}716012345676")
    assert scanned.aic == "012345676"
    assert scanned.lot == "L5"


def test_code39_stamp_carries_no_lot_nor_expiry() -> None:
    scanned = read_vial_code("A012345676")
    assert scanned.kind is BarcodeKind.AIC_CODE39
    assert (scanned.aic, scanned.lot, scanned.expiry) == ("012345676", "", None)


def test_wrong_check_digit_and_impossible_month_are_refused() -> None:
    with pytest.raises(BarcodeUnreadable) as refused:
        read_vial_code("01080123456789081727033110L1")
    assert refused.value.code == "gtin_check_digit"
    with pytest.raises(BarcodeUnreadable):
        read_vial_code(f"01{GTIN}1727130010L1")
