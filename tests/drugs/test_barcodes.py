"""Parsing what a scanner reads from a pack."""

from __future__ import annotations

from datetime import date

import pytest

from corsia.drugs.domain.aic import InvalidAic
from corsia.drugs.domain.barcodes import (
    GS,
    BarcodeKind,
    BarcodeUnreadable,
    gs1_date,
    gtin_check_digit,
    parse_pack_barcode,
)

# The GS1 General Specifications' example GTIN. Check digit by hand (weights 3,1 from the
# right of the body 0950600013435): 5*3+3+4*3+3+1*3+0+0+0+6*3+0+5*3+9+0 = 78 -> (10-8) = 2.
GTIN = "09506000134352"


def test_gtin_check_digit_by_hand() -> None:
    assert gtin_check_digit("0950600013435") == 2


def test_code39_stamp_gives_the_aic() -> None:
    scanned = parse_pack_barcode("A044155024")
    assert scanned.kind == BarcodeKind.AIC_CODE39
    assert scanned.aic == "044155024"
    assert scanned.gtin is None


def test_code39_with_wrong_check_digit_is_refused() -> None:
    with pytest.raises(InvalidAic):
        parse_pack_barcode("A044155025")


def test_gs1_datamatrix_with_fnc1_separators() -> None:
    raw = f"]d201{GTIN}17270531" + "10LOT42A" + GS + "21SN0001" + GS + "716044155024"
    scanned = parse_pack_barcode(raw)
    assert scanned.kind == BarcodeKind.GS1
    assert scanned.gtin == GTIN
    assert scanned.expiry == date(2027, 5, 31)
    assert scanned.lot == "LOT42A"
    assert scanned.serial == "SN0001"
    assert scanned.aic == "044155024"


def test_gs1_human_readable_brackets_and_day_zero() -> None:
    scanned = parse_pack_barcode(f"(01){GTIN}(17)261100(10)AB-12")
    assert scanned.expiry == date(2026, 11, 30)
    assert scanned.lot == "AB-12"
    assert scanned.aic is None


def test_literal_gs_token_is_accepted() -> None:
    scanned = parse_pack_barcode(f"01{GTIN}10L1<GS>17280229")
    assert scanned.lot == "L1"
    assert scanned.expiry == date(2028, 2, 29)


def test_plain_ean13_is_a_gtin() -> None:
    # EAN-13 4006381333931, body reversed 3,9,3,3,3,1,8,3,6,0,0,4:
    # 3*3+9+3*3+3+3*3+1+8*3+3+6*3+0+0*3+4 = 89 -> check digit (10-9) = 1
    scanned = parse_pack_barcode("4006381333931")
    assert scanned.kind == BarcodeKind.GTIN
    assert scanned.gtin == "04006381333931"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (f"01{GTIN[:-1]}3", "gtin_check_digit"),
        ("1234567890", "stamp_serial_number"),
        ("01" + GTIN + "17271331", "barcode_unreadable"),
        ("99XYZ", "barcode_unreadable"),
        ("", "barcode_unreadable"),
    ],
)
def test_unreadable_codes_are_explained(raw: str, code: str) -> None:
    with pytest.raises(BarcodeUnreadable) as caught:
        parse_pack_barcode(raw)
    assert caught.value.code == code


def test_gs1_date_rejects_nonsense() -> None:
    with pytest.raises(BarcodeUnreadable):
        gs1_date("270230")
