"""Deliveries from the hospital's procurement system (pure): the goods-receipt CSV read
line by line, each line kept with its problems for the pharmacist's preview.

Layout (``corsia/inventory/README.md``, *Procurement interface*): UTF-8 (BOM allowed),
``;`` or ``,``, a header with the columns below in any order; unknown columns ignored.
Quantities are **packs**; ``unit_cost`` is euro **per pack** (the procurement system's
unit of purchase); the stock holds units (``packs × units_per_pack``) at pack cost ÷ units.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar

from corsia.core.domain.files import decode_csv_file
from corsia.inventory.domain.delivery import DeliveryFileInvalid, parse_date

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LINES = 5000
MAX_PACKS = 100_000
MAX_PACK_COST = Decimal(1_000_000)  # euro per pack; beyond this it is a typing error
MAX_TEXT = 60

REQUIRED = ("ddt_number", "ddt_date", "supplier", "lot", "expiry", "packs", "unit_cost")
OPTIONAL = ("aic", "gtin", "order_ref")


T = TypeVar("T")


class ProcurementFileInvalid(DeliveryFileInvalid):
    code = "procurement_file_invalid"


@dataclass(frozen=True)
class ProcurementLine:
    """One line as read; ``problems`` empty when every field is well formed."""

    line: int
    ddt_number: str
    ddt_date: date | None
    supplier: str
    aic: str
    gtin: str
    lot: str
    expiry: date | None
    packs: int | None
    unit_cost: Decimal | None
    order_ref: str
    problems: tuple[str, ...]


def decode_procurement_file(content: bytes) -> str:
    return decode_csv_file(
        content, limit=MAX_FILE_BYTES, refuse=ProcurementFileInvalid, exported_from="gestionale"
    )


def _packs(text: str) -> int:
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_PACKS:
        raise ValueError(value)
    return int(value)


def _pack_cost(text: str) -> Decimal:
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None
    exponent = amount.as_tuple().exponent
    if (
        not amount.is_finite()
        or not Decimal(0) <= amount <= MAX_PACK_COST
        or (isinstance(exponent, int) and exponent < -4)
    ):
        raise ValueError(text)
    return amount


def _read(
    cells: dict[str, str], name: str, parser: Callable[[str], T], label: str, problems: list[str]
) -> T | None:
    try:
        return parser(cells[name])
    except ValueError:
        problems.append(f"{label} non valida: «{cells[name][:30]}»")
        return None


def _line(number: int, cells: dict[str, str], today: date) -> ProcurementLine:
    problems: list[str] = []

    def read(name: str, parser: Callable[[str], T], label: str) -> T | None:
        return _read(cells, name, parser, label, problems)

    ddt_date = read("ddt_date", parse_date, "data DDT")
    expiry = read("expiry", parse_date, "scadenza")
    packs = read("packs", _packs, f"quantità in confezioni (intero da 1 a {MAX_PACKS})")
    unit_cost = read("unit_cost", _pack_cost, "costo per confezione")
    for name, label in (("ddt_number", "numero DDT"), ("supplier", "fornitore"), ("lot", "lotto")):
        if not cells[name]:
            problems.append(f"manca {label}")
    for name, value in cells.items():
        if len(value) > MAX_TEXT or any(ord(c) < 32 for c in value):
            problems.append(f"{name}: testo troppo lungo o con caratteri di controllo")
    aic, gtin = cells.get("aic", ""), cells.get("gtin", "")
    if not aic and not gtin:
        problems.append("manca il codice della confezione (AIC o GTIN)")
    if aic and not (aic.isascii() and aic.isdigit() and len(aic) == 9):
        problems.append(f"AIC «{aic[:20]}» non di 9 cifre")
    if gtin and not (gtin.isascii() and gtin.isdigit() and len(gtin) in (13, 14)):
        problems.append(f"GTIN «{gtin[:20]}» non di 13 o 14 cifre")
    if expiry is not None and expiry < today:
        problems.append(f"lotto scaduto il {expiry:%d/%m/%Y}: non si carica")
    if ddt_date is not None and ddt_date > today:
        problems.append("data del DDT nel futuro")
    return ProcurementLine(
        line=number,
        ddt_number=cells["ddt_number"],
        ddt_date=ddt_date,
        supplier=cells["supplier"],
        aic=aic,
        gtin=gtin.zfill(14) if gtin else "",
        lot=cells["lot"],
        expiry=expiry,
        packs=packs,
        unit_cost=unit_cost,
        order_ref=cells.get("order_ref", ""),
        problems=tuple(problems),
    )


def parse_procurement_csv(text: str, *, today: date) -> list[ProcurementLine]:
    """Every data line with its problems (line 1 is the header). A missing column, no
    lines or too many refuse the whole file."""
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise ProcurementFileInvalid("Il file è vuoto.")
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing or not ({"aic", "gtin"} & set(header)):
        names = ", ".join(missing) if missing else "aic o gtin"
        raise ProcurementFileInvalid(
            f"Intestazione non valida: mancano le colonne {names}.",
            code="procurement_columns_missing",
            details={"missing": missing or ["aic|gtin"]},
        )
    if len(rows) - 1 > MAX_LINES:
        raise ProcurementFileInvalid(f"Troppe righe (massimo {MAX_LINES}).")
    known = [(i, name) for i, name in enumerate(header) if name in REQUIRED + OPTIONAL]
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            lines.append(
                ProcurementLine(
                    number, "", None, "", "", "", "", None, None, None, "",
                    (f"{len(row)} campi invece di {len(header)} dell'intestazione",),
                )
            )  # fmt: skip
            continue
        cells = {name: row[i].strip() for i, name in known}
        lines.append(_line(number, cells, today))
    if not lines:
        raise ProcurementFileInvalid("Il file non contiene righe.")
    return lines


def per_unit_cost(pack_cost: Decimal, units_per_pack: int) -> Decimal:
    """The stock's unit cost: pack cost ÷ units per pack, to 4 decimals half up (the
    stock's precision)."""
    return (pack_cost / units_per_pack).quantize(Decimal("0.0001"), ROUND_HALF_UP)
