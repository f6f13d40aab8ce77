"""IEEE 11073-20601 short (SFLOAT, 16 bit) and 32-bit FLOAT, as the Bluetooth health
profiles carry them (little-endian).

SFLOAT: a 4-bit signed exponent (high nibble) and a 12-bit signed mantissa,
value = mantissa × 10^exponent. FLOAT: an 8-bit signed exponent and a 24-bit signed
mantissa. Reserved mantissas (with exponent 0) are the special values NaN, NRes (not at
this resolution), +INF, -INF and a reserved one; they decode to :class:`Special`, never
to a number.
"""

from __future__ import annotations

import enum
from decimal import Decimal


class Special(enum.Enum):
    NAN = "nan"
    NRES = "nres"
    POSITIVE_INFINITY = "+inf"
    NEGATIVE_INFINITY = "-inf"
    RESERVED = "reserved"


_SFLOAT_SPECIAL = {
    0x07FF: Special.NAN,
    0x0800: Special.NRES,
    0x07FE: Special.POSITIVE_INFINITY,
    0x0802: Special.NEGATIVE_INFINITY,
    0x0801: Special.RESERVED,
}
_FLOAT_SPECIAL = {
    0x007FFFFF: Special.NAN,
    0x00800000: Special.NRES,
    0x007FFFFE: Special.POSITIVE_INFINITY,
    0x00800002: Special.NEGATIVE_INFINITY,
    0x00800001: Special.RESERVED,
}

SFLOAT_MANTISSA_MAX = 2045  # 0x07FD; 0x07FE.. are special
SFLOAT_MANTISSA_MIN = -2045  # 0x0803; 0x0800..0x0802 are special
SFLOAT_EXPONENT_MIN = -8
SFLOAT_EXPONENT_MAX = 7


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value & (1 << (bits - 1)) else value


def decode_sfloat(raw: int) -> Decimal | Special:
    """The SFLOAT in the 16-bit unsigned ``raw`` (already assembled little-endian)."""
    if not 0 <= raw <= 0xFFFF:
        raise ValueError("SFLOAT is 16 bits")
    if raw in _SFLOAT_SPECIAL:
        return _SFLOAT_SPECIAL[raw]
    mantissa = _signed(raw & 0x0FFF, 12)
    exponent = _signed(raw >> 12, 4)
    return Decimal(mantissa).scaleb(exponent)


def decode_float(raw: int) -> Decimal | Special:
    """The 32-bit FLOAT in the unsigned ``raw`` (already assembled little-endian)."""
    if not 0 <= raw <= 0xFFFFFFFF:
        raise ValueError("FLOAT is 32 bits")
    if raw in _FLOAT_SPECIAL:
        return _FLOAT_SPECIAL[raw]
    mantissa = _signed(raw & 0x00FFFFFF, 24)
    exponent = _signed(raw >> 24, 8)
    return Decimal(mantissa).scaleb(exponent)


def encode_sfloat(value: Decimal) -> int:
    """The SFLOAT for ``value`` with the fewest digits lost: exact when the value has at
    most four significant digits within range, else ``ValueError`` (a device that sends
    such a value sends it rounded; Corsia never encodes for a device, this is the inverse
    the tests use)."""
    sign, digits, exponent = value.normalize().as_tuple()
    if not isinstance(exponent, int):
        raise ValueError("not a finite number")
    mantissa = int("".join(map(str, digits)) or "0")
    if mantissa == 0:
        return 0
    if mantissa > SFLOAT_MANTISSA_MAX:
        raise ValueError("more digits than an SFLOAT holds")
    while exponent > SFLOAT_EXPONENT_MAX and mantissa * 10 <= SFLOAT_MANTISSA_MAX:
        mantissa *= 10
        exponent -= 1
    if not SFLOAT_EXPONENT_MIN <= exponent <= SFLOAT_EXPONENT_MAX:
        raise ValueError("exponent out of range")
    signed = -mantissa if sign else mantissa
    return ((exponent & 0x0F) << 12) | (signed & 0x0FFF)
