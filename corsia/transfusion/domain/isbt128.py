"""ISBT 128: the bag's barcodes, read as the ICCBBA Technical Specification (ST-001) lays
them out. Pure: no clock, no database.

Each linear barcode on a blood bag carries one *data structure*, announced by its
two-character *data identifier* (the first character ``=`` or ``&``, the second naming
the structure):

======  =========================================  ====  ==========================
number  data structure                             id    data content
======  =========================================  ====  ==========================
001     Donation Identification Number (DIN)       ``=`` + a  ``appppyynnnnnnff`` (16)
002     Blood Groups [ABO and RhD]                 ``=%``     ``ggre`` (4)
003     Product Code                               ``=<``     ``aooootds`` (8)
004     Expiration Date                            ``=>``     ``cyyjjj`` (6)
005     Expiration Date and Time                   ``&>``     ``cyyjjjhhmm`` (10)
012     Special Testing: General                   ``&(``     ``zzzzz`` (5)
======  =========================================  ====  ==========================

* DIN: ``apppp`` the collection facility (FIN), ``yy`` the year, ``nnnnnn`` the sequence
  number: these 13 characters identify the donation. ``ff`` are flag characters; flags
  60–96 (type 3) carry the ISO/IEC 7064 MOD 37-2 check of the 13 characters (60 + the
  check value), checked when present. The *keyboard entry check character* printed in a
  box beside the eye-readable DIN is the same MOD 37-2 check, as a character
  (``0``–``9``, ``A``–``Z``, ``*``): a DIN typed by hand must come with it.
  The DIN's first character is ``A``–``N``, ``P``–``Z`` or ``1``–``9`` (never ``O`` or ``0``),
  which tells it apart from every other ``=`` structure.
* Blood groups: ``gg`` the ABO/RhD code (only the eight plain groups and the four "RhD not
  specified" ones are read; the others — special messages, Rh phenotypes — are refused
  as unknown: the bag is checked by eye, not by a guess), ``r`` type of donation, ``e``
  Kell/Miltenberger (not used here).
* Product code: ``aoooo`` the product description code (ICCBBA's licensed database says
  what it means; Corsia reads it through the hospital's own table, ``products.py``),
  ``t`` the type of donation or collection, ``ds`` the division (``00`` not divided).
* Special testing: general (012): ``zzzzz`` a code of ICCBBA's Special Testing table (for
  example a CMV-negative attestation). That table, like the product descriptions, is in
  ICCBBA's licensed database: the structure is read here, its meaning through the
  hospital's own table (``products.read_special_table``), never guessed.
* Expiry: ``c`` the century digit (``0`` = 2000–2099, the only one read), ``yy`` the year,
  ``jjj`` the day of the year (ordinal, 001–366), ``hhmm`` the time. A date without a
  time expires at the end of that day (23:59), as the standard states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

MOD37_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
MAX_SCAN_LENGTH = 64


class Isbt128Error(ValueError):
    """A scan that cannot be read; ``code`` stable English, ``message`` Italian."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Structure(StrEnum):
    DIN = "001"
    BLOOD_GROUP = "002"
    PRODUCT = "003"
    EXPIRY_DATE = "004"
    EXPIRY_DATETIME = "005"
    SPECIAL_TESTING = "012"


# --- ISO/IEC 7064 MOD 37-2 ---------------------------------------------------------------------


def mod37_2_value(text: str) -> int:
    """The ISO/IEC 7064 MOD 37-2 check value (0–36) of ``text`` (digits and capitals).

    Pure system, radix 2: the data character at position i from the right weighs 2^i (the
    rightmost 2^1; the check character, appended, weighs 2^0); the check value c makes
    ``sum + c ≡ 1 (mod 37)``, i.e. ``c = (38 - sum mod 37) mod 37``.
    """
    total = 0
    for position, char in enumerate(reversed(text), start=1):
        value = MOD37_ALPHABET.find(char)
        if value < 0 or value > 35:
            raise Isbt128Error("din_malformed", f"Carattere non ammesso nel DIN: {char!r}.")
        total += value * pow(2, position, 37)
    return (38 - total % 37) % 37


def din_check_character(din: str) -> str:
    """The keyboard entry check character of a 13-character DIN."""
    return MOD37_ALPHABET[mod37_2_value(din)]


# --- the structures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Donation:
    din: str  # the 13 characters: facility, year, sequence
    facility: str
    year: str
    sequence: str
    flags: str  # "" when typed by hand


class Abo(StrEnum):
    O = "O"  # noqa: E741  # the blood group's name
    A = "A"
    B = "B"
    AB = "AB"


@dataclass(frozen=True)
class BloodGroup:
    abo: Abo
    rhd_positive: bool | None  # None: RhD not specified on the label

    def label_it(self) -> str:
        if self.rhd_positive is None:
            return f"{self.abo.value} (RhD non specificato)"
        return f"{self.abo.value} RhD {'positivo' if self.rhd_positive else 'negativo'}"

    def short(self) -> str:
        sign = {True: "+", False: "−", None: "?"}[self.rhd_positive]
        return f"{self.abo.value}{sign}"


# ST-001, data structure 002: the ABO/RhD codes of the eight groups and of ABO alone.
GROUP_CODES: dict[str, BloodGroup] = {
    "95": BloodGroup(Abo.O, False),
    "51": BloodGroup(Abo.O, True),
    "06": BloodGroup(Abo.A, False),
    "62": BloodGroup(Abo.A, True),
    "17": BloodGroup(Abo.B, False),
    "73": BloodGroup(Abo.B, True),
    "28": BloodGroup(Abo.AB, False),
    "84": BloodGroup(Abo.AB, True),
    "55": BloodGroup(Abo.O, None),
    "66": BloodGroup(Abo.A, None),
    "77": BloodGroup(Abo.B, None),
    "88": BloodGroup(Abo.AB, None),
}


@dataclass(frozen=True)
class GroupLabel:
    code: str
    group: BloodGroup


@dataclass(frozen=True)
class Product:
    code: str  # the whole 8 characters: description code, donation type, division
    description_code: str  # aoooo, looked up in the hospital's table
    donation_type: str
    division: str


@dataclass(frozen=True)
class Expiry:
    day: date
    clock: time  # the hospital's local time (23:59 for a date alone)
    with_time: bool

    def at(self, tz: tzinfo) -> datetime:
        return datetime.combine(self.day, self.clock, tzinfo=tz)


@dataclass(frozen=True)
class SpecialTesting:
    code: str  # zzzzz, looked up in the hospital's table


Scan = Donation | GroupLabel | Product | Expiry | SpecialTesting

_DIN_FIRST = "ABCDEFGHIJKLMNPQRSTUVWXYZ123456789"
_DIN = re.compile(r"[A-NP-Z1-9][A-Z0-9]{4}[0-9]{2}[0-9]{6}")
_PRODUCT = re.compile(r"[A-Z][0-9]{4}[A-Z0-9][A-Z0-9]{2}")
_SPECIAL = re.compile(r"[A-Z0-9]{5}")


def _din(content: str) -> Donation:
    if (len(content) != 15 and len(content) != 16) or not _DIN.fullmatch(content[:13]):
        raise Isbt128Error(
            "din_malformed",
            "Il codice donazione (DIN) non è leggibile: attesi 13 caratteri e 2 di flag.",
        )
    din, flags = content[:13], content[13:]
    if len(flags) == 2 and not flags.isdigit():
        raise Isbt128Error("din_malformed", "I caratteri di flag del DIN non sono numerici.")
    if len(flags) == 2 and 60 <= int(flags) <= 96 and int(flags) - 60 != mod37_2_value(din):
        raise Isbt128Error(
            "din_check_failed",
            "Il carattere di controllo del DIN non corrisponde: rileggere il codice.",
        )
    return Donation(din=din, facility=din[:5], year=din[5:7], sequence=din[7:13], flags=flags)


def _group(content: str) -> GroupLabel:
    if len(content) != 4:
        raise Isbt128Error("group_malformed", "Il codice del gruppo sanguigno non è leggibile.")
    group = GROUP_CODES.get(content[:2])
    if group is None:
        raise Isbt128Error(
            "group_unknown",
            f"Codice di gruppo ABO/RhD {content[:2]!r} non riconosciuto: verificare la sacca "
            "con il servizio trasfusionale.",
        )
    return GroupLabel(code=content, group=group)


def _product(content: str) -> Product:
    if not _PRODUCT.fullmatch(content):
        raise Isbt128Error("product_malformed", "Il codice prodotto non è leggibile.")
    return Product(
        code=content, description_code=content[:5], donation_type=content[5], division=content[6:]
    )


def _expiry(content: str, *, with_time: bool) -> Expiry:
    size = 10 if with_time else 6
    if len(content) != size or not content.isdigit():
        raise Isbt128Error("expiry_malformed", "La data di scadenza non è leggibile.")
    if content[0] != "0":
        raise Isbt128Error("expiry_malformed", "Secolo della data di scadenza non previsto.")
    year = 2000 + int(content[1:3])
    day = int(content[3:6])
    last = 366 if date(year, 12, 31).timetuple().tm_yday == 366 else 365
    if not 1 <= day <= last:
        raise Isbt128Error("expiry_malformed", "Giorno dell'anno della scadenza non valido.")
    when = date(year, 1, 1) + timedelta(days=day - 1)
    if not with_time:
        return Expiry(day=when, clock=time(23, 59), with_time=False)
    hour, minute = int(content[6:8]), int(content[8:10])
    if hour > 23 or minute > 59:
        raise Isbt128Error("expiry_malformed", "Ora della scadenza non valida.")
    return Expiry(day=when, clock=time(hour, minute), with_time=True)


def parse_scan(raw: str) -> Scan:
    """One barcode as the scanner sends it (a trailing CR/LF or spaces are dropped)."""
    text = raw.strip()
    if not text:
        raise Isbt128Error("scan_empty", "Nessun codice letto.")
    if len(text) > MAX_SCAN_LENGTH or "\x00" in text:
        raise Isbt128Error("scan_malformed", "Il codice letto non è un codice ISBT 128.")
    prefix, content = text[:2], text[2:]
    if prefix == "=%":
        return _group(content)
    if prefix == "=<":
        return _product(content)
    if prefix == "=>":
        return _expiry(content, with_time=False)
    if prefix == "&>":
        return _expiry(content, with_time=True)
    if prefix == "&(":
        if not _SPECIAL.fullmatch(content):
            raise Isbt128Error("special_malformed", "Il codice dei test speciali non è leggibile.")
        return SpecialTesting(content)
    if text[0] == "=" and len(text) > 1 and text[1] in _DIN_FIRST:
        return _din(text[1:])
    raise Isbt128Error(
        "scan_not_isbt128",
        "Il codice letto non è uno dei codici ISBT 128 della sacca (DIN, gruppo, prodotto, "
        "scadenza).",
    )


def din_typed(text: str) -> Donation:
    """A DIN typed by hand: its 13 characters followed by the keyboard entry check character
    (spaces ignored). A wrong check character is refused: a typing slip never names
    another donation."""
    compact = re.sub(r"\s", "", text).upper()
    if len(compact) != 14 or not _DIN.fullmatch(compact[:13]):
        raise Isbt128Error(
            "din_malformed",
            "Digitare il DIN con i 13 caratteri e il carattere di controllo nel riquadro.",
        )
    if din_check_character(compact[:13]) != compact[13]:
        raise Isbt128Error(
            "din_check_failed",
            "Il carattere di controllo non corrisponde al DIN digitato: ricontrollare.",
        )
    din = compact[:13]
    return Donation(din=din, facility=din[:5], year=din[5:7], sequence=din[7:13], flags="")
