"""Reading what a scanner returns from a drug pack.

Italian packs carry, on the pharmaceutical stamp (bollino), the AIC code as a
Code 39 barcode whose text is ``A`` followed by the 9 digits (the ``A`` is the field
identifier, DM Sanità 2 agosto 2001), and the pack's serial number as a separate
barcode. Since the EU Falsified Medicines rules (Reg. (UE) 2016/161, in Italy
D.Lgs. 10/2025 and DM 6 marzo 2025) packs also carry a GS1 DataMatrix with the
GTIN (AI 01), expiry (17), lot (10) and serial (21); the Italian AIC travels in the
same symbol as a national reimbursement number (NHRN, AI 716 "AIC - Italia").
Italy has no public rule that embeds the AIC inside the GTIN (unlike France's
CIP13 ``3400…`` or Germany's PZN ``4150…``), so a GTIN is resolved to an AIC
through the pack table, not by arithmetic.

Pure functions: no database. ``parse_pack_barcode`` accepts the raw scanner text:
with the GS1 symbology identifier (``]d2``), FNC1 as ASCII GS (0x1D) or the literal
``<GS>``, or the human-readable form with brackets ``(01)…(17)…(10)…``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.domain.aic import normalize_aic

GS = "\x1d"

# GS1 Application Identifiers used on medicine packs: AI -> fixed length (None = variable).
_AI_LENGTHS: dict[str, int | None] = {
    "00": 18,
    "01": 14,
    "02": 14,
    "10": None,
    "11": 6,
    "12": 6,
    "13": 6,
    "15": 6,
    "16": 6,
    "17": 6,
    "21": None,
    "22": None,
    "30": None,
    "240": None,
    "241": None,
    "710": None,
    "711": None,
    "712": None,
    "713": None,
    "714": None,
    "715": None,
    "716": None,
}
_VARIABLE_MAX = 20
AI_NHRN_ITALY_AIC = "716"


class BarcodeUnreadable(ValidationFailed):
    code = "barcode_unreadable"


class BarcodeKind(StrEnum):
    AIC_CODE39 = "aic_code39"
    GS1 = "gs1"
    GTIN = "gtin"


@dataclass(frozen=True)
class ScannedPack:
    kind: BarcodeKind
    aic: str | None = None
    gtin: str | None = None
    expiry: date | None = None
    lot: str = ""
    serial: str = ""


def gtin_check_digit(body: str) -> int:
    """GS1 mod-10 check digit of a GTIN body (weights 3,1,3,… from the right)."""
    total = 0
    for index, char in enumerate(reversed(body)):
        total += int(char) * (3 if index % 2 == 0 else 1)
    return (10 - total % 10) % 10


def is_valid_gtin(value: str) -> bool:
    return (
        len(value) in (8, 12, 13, 14)
        and value.isascii()
        and value.isdigit()
        and gtin_check_digit(value[:-1]) == int(value[-1])
    )


def gs1_date(yymmdd: str) -> date:
    """A GS1 date (YYMMDD); day ``00`` means the last day of the month.

    Years are read as 20YY: medicine expiry dates are never in the last century and
    the GS1 sliding window gives the same answer until 2049.
    """
    if len(yymmdd) != 6 or not yymmdd.isdigit():
        raise BarcodeUnreadable(f"Data GS1 non valida: «{yymmdd}».", field="expiry")
    year, month, day = 2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    if not 1 <= month <= 12:
        raise BarcodeUnreadable(f"Mese non valido nella data GS1 «{yymmdd}».", field="expiry")
    if day == 0:
        day = calendar.monthrange(year, month)[1]
    try:
        return date(year, month, day)
    except ValueError:
        raise BarcodeUnreadable(
            f"Giorno non valido nella data GS1 «{yymmdd}».", field="expiry"
        ) from None


def _split_bracketed(text: str) -> list[tuple[str, str]]:
    parts = re.findall(r"\((\d{2,4})\)([^()]*)", text)
    if not parts or "".join(f"({ai}){value}" for ai, value in parts) != text:
        raise BarcodeUnreadable(f"Codice GS1 non leggibile: «{text}».", field="barcode")
    return [(ai, value) for ai, value in parts]


def _split_raw(text: str) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position] == GS:
            position += 1
            continue
        ai = next(
            (
                text[position : position + n]
                for n in (2, 3)
                if text[position : position + n] in _AI_LENGTHS
            ),
            None,
        )
        if ai is None:
            raise BarcodeUnreadable(
                f"Identificatore GS1 sconosciuto alla posizione {position + 1}.",
                field="barcode",
                details={"rest": text[position:]},
            )
        position += len(ai)
        length = _AI_LENGTHS[ai]
        if length is not None:
            value = text[position : position + length]
            position += length
        else:
            end = text.find(GS, position)
            end = len(text) if end == -1 else end
            value = text[position:end]
            position = end
        fields.append((ai, value))
    return fields


def _from_gs1(fields: list[tuple[str, str]]) -> ScannedPack:
    values: dict[str, str] = {}
    for ai, value in fields:
        length = _AI_LENGTHS.get(ai)
        if ai not in _AI_LENGTHS:
            raise BarcodeUnreadable(f"Identificatore GS1 ({ai}) non gestito.", field="barcode")
        if length is not None and len(value) != length:
            raise BarcodeUnreadable(
                f"Il campo GS1 ({ai}) deve avere {length} caratteri.", field="barcode"
            )
        if length is None and not 1 <= len(value) <= _VARIABLE_MAX:
            raise BarcodeUnreadable(
                f"Il campo GS1 ({ai}) deve avere da 1 a {_VARIABLE_MAX} caratteri.",
                field="barcode",
            )
        values[ai] = value
    gtin = values.get("01")
    if gtin is not None and not is_valid_gtin(gtin):
        raise BarcodeUnreadable(
            f"Il GTIN «{gtin}» ha la cifra di controllo errata.",
            field="gtin",
            code="gtin_check_digit",
        )
    aic = values.get(AI_NHRN_ITALY_AIC)
    if gtin is None and aic is None:
        raise BarcodeUnreadable(
            "Il codice GS1 non contiene né il GTIN (01) né il codice AIC (716).", field="barcode"
        )
    return ScannedPack(
        kind=BarcodeKind.GS1,
        gtin=gtin,
        aic=normalize_aic(aic) if aic is not None else None,
        expiry=gs1_date(values["17"]) if "17" in values else None,
        lot=values.get("10", ""),
        serial=values.get("21", ""),
    )


def parse_pack_barcode(raw: str) -> ScannedPack:
    """What a scanned pack says: its AIC or GTIN, and expiry, lot and serial if present."""
    text = raw.strip().replace("<GS>", GS)
    for prefix in ("]d2", "]C1", "]Q3", "]e0"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    text = text.lstrip(GS)
    if not text:
        raise BarcodeUnreadable("Il codice letto è vuoto.", field="barcode")
    if text.startswith("("):
        return _from_gs1(_split_bracketed(text))
    upper = text.upper()
    if upper.startswith("A") and len(upper) == 10 and upper[1:].isdigit():
        return ScannedPack(kind=BarcodeKind.AIC_CODE39, aic=normalize_aic(upper))
    if text.isdigit() and len(text) == 9:
        return ScannedPack(kind=BarcodeKind.AIC_CODE39, aic=normalize_aic(text))
    if text.isdigit() and len(text) in (8, 12, 13) and GS not in text:
        if not is_valid_gtin(text):
            raise BarcodeUnreadable(
                f"Il codice «{text}» non è un GTIN valido.",
                field="barcode",
                code="gtin_check_digit",
            )
        return ScannedPack(kind=BarcodeKind.GTIN, gtin=text.zfill(14))
    if text.isdigit() and len(text) == 14 and is_valid_gtin(text):
        return ScannedPack(kind=BarcodeKind.GTIN, gtin=text)
    if text.isdigit() and len(text) == 10:
        raise BarcodeUnreadable(
            "Questo sembra il numero progressivo del bollino: leggi il codice AIC (quello con la A).",
            field="barcode",
            code="stamp_serial_number",
        )
    return _from_gs1(_split_raw(text))
