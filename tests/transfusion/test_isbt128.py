"""ISBT 128 parsing against codes worked out by hand (ICCBBA ST-001 layouts)."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.transfusion.domain.isbt128 import (
    MOD37_ALPHABET,
    Abo,
    Donation,
    Expiry,
    GroupLabel,
    Isbt128Error,
    Product,
    din_check_character,
    din_typed,
    mod37_2_value,
    parse_scan,
)

# Powers of 2 modulo 37, the weights of positions 1..13 from the right:
# 2, 4, 8, 16, 32, 27, 17, 34, 31, 25, 13, 26, 15.
#
# DIN G123417654321 (ST-001 Appendix A's example): G=16 1 2 3 4 1 7 6 5 4 3 2 1
#   16·15 + 1·26 + 2·13 + 3·25 + 4·31 + 1·34 + 7·17 + 6·27 + 5·32 + 4·16 + 3·8 + 2·4 + 1·2
#   = 240 + 26 + 26 + 75 + 124 + 34 + 119 + 162 + 160 + 64 + 24 + 8 + 2 = 1064
#   1064 mod 37 = 28 (37·28 = 1036); check = (38 − 28) mod 37 = 10 → "A"; type 3 flag 70.
# DIN A999917123456: A=10 9 9 9 9 1 7 1 2 3 4 5 6
#   150 + 234 + 117 + 225 + 279 + 34 + 119 + 27 + 64 + 48 + 32 + 20 + 12 = 1361
#   1361 mod 37 = 29 (37·36 = 1332); check = (38 − 29) mod 37 = 9 → "9".
# DIN W000026000001: W=32 0 0 0 0 2 6 0 0 0 0 0 1
#   32·15 + 2·34 + 6·17 + 1·2 = 480 + 68 + 102 + 2 = 652
#   652 mod 37 = 23 (37·17 = 629); check = (38 − 23) mod 37 = 15 → "F".


@pytest.mark.parametrize(
    ("din", "value", "char"),
    [("G123417654321", 10, "A"), ("A999917123456", 9, "9"), ("W000026000001", 15, "F")],
)
def test_keyboard_check_character_as_computed_by_hand(din: str, value: int, char: str) -> None:
    assert mod37_2_value(din) == value
    assert din_check_character(din) == char


def test_din_with_type3_flag_read_and_checked() -> None:
    scan = parse_scan("=G12341765432170\r\n")
    assert scan == Donation(
        din="G123417654321", facility="G1234", year="17", sequence="654321", flags="70"
    )
    with pytest.raises(Isbt128Error) as wrong:
        parse_scan("=G12341765432171")
    assert wrong.value.code == "din_check_failed"


def test_din_with_plain_flags_read() -> None:
    scan = parse_scan("=A99991712345600")
    assert isinstance(scan, Donation) and scan.din == "A999917123456" and scan.flags == "00"


def test_din_typed_needs_its_check_character() -> None:
    assert din_typed("A9999 17 123456 9").din == "A999917123456"
    with pytest.raises(Isbt128Error) as wrong:
        din_typed("A999917123456 8")
    assert wrong.value.code == "din_check_failed"
    with pytest.raises(Isbt128Error):
        din_typed("A999917123456")  # without the check character


@pytest.mark.parametrize(
    ("code", "abo", "rhd"),
    [
        ("=%9500", Abo.O, False),
        ("=%5100", Abo.O, True),
        ("=%0600", Abo.A, False),
        ("=%6200", Abo.A, True),
        ("=%1700", Abo.B, False),
        ("=%7300", Abo.B, True),
        ("=%2800", Abo.AB, False),
        ("=%8400", Abo.AB, True),
        ("=%5500", Abo.O, None),
    ],
)
def test_blood_group_codes(code: str, abo: Abo, rhd: bool | None) -> None:
    scan = parse_scan(code)
    assert isinstance(scan, GroupLabel)
    assert (scan.group.abo, scan.group.rhd_positive) == (abo, rhd)


def test_unknown_group_code_refused_not_guessed() -> None:
    with pytest.raises(Isbt128Error) as unknown:
        parse_scan("=%D600")
    assert unknown.value.code == "group_unknown"


def test_product_code() -> None:
    assert parse_scan("=<E0401V00") == Product(
        code="E0401V00", description_code="E0401", donation_type="V", division="00"
    )
    with pytest.raises(Isbt128Error):
        parse_scan("=<E04V00")


def test_expiry_date_and_time() -> None:
    # 2026: January 31 + February 28 + March 31 + April 30 = 120 days; day 123 is May 3.
    assert parse_scan("&>0261232359") == Expiry(date(2026, 5, 3), time(23, 59), with_time=True)
    # 2028 is a leap year: day 060 is February 29.
    assert parse_scan("&>0280600830") == Expiry(date(2028, 2, 29), time(8, 30), with_time=True)
    # A date without a time expires at the end of the day.
    assert parse_scan("=>019031") == Expiry(date(2019, 1, 31), time(23, 59), with_time=False)


@pytest.mark.parametrize(
    "code", ["&>0273662359", "&>0260002359", "&>0261232460", "=>1260011", "&>02612323"]
)
def test_impossible_expiry_refused(code: str) -> None:
    with pytest.raises(Isbt128Error) as bad:
        parse_scan(code)
    assert bad.value.code == "expiry_malformed"


@pytest.mark.parametrize(
    "raw", ["", "   ", "PZ000123", "=O00001712345600", "=" + "A" * 80, "=A\x00"]
)
def test_not_a_bag_code(raw: str) -> None:
    with pytest.raises(Isbt128Error):
        parse_scan(raw)


_ALNUM = st.text(alphabet=MOD37_ALPHABET[:36], min_size=1, max_size=20)


@given(_ALNUM)
def test_check_makes_the_weighted_sum_one_mod_37(text: str) -> None:
    # ISO 7064 pure system: with the check character at weight 2^0 the sum is ≡ 1 (mod 37).
    full = [MOD37_ALPHABET.index(c) for c in text] + [mod37_2_value(text)]
    total = sum(v * 2**i for i, v in enumerate(reversed(full)))
    assert total % 37 == 1


@given(_ALNUM, st.data())
def test_every_single_character_slip_is_caught(text: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(text) - 1))
    other = data.draw(st.sampled_from([c for c in MOD37_ALPHABET[:36] if c != text[index]]))
    slipped = text[:index] + other + text[index + 1 :]
    assert mod37_2_value(slipped) != mod37_2_value(text)


@given(st.text(max_size=70))
def test_any_text_is_read_or_refused_never_crashes(raw: str) -> None:
    try:
        parse_scan(raw)
    except Isbt128Error as error:
        assert error.code and error.message
