"""Delivery documents (documento di trasporto) and the hospital warehouse's CSV export.

The CSV layout is documented in ``corsia/inventory/README.md``. Parsing is all or nothing:
every malformed line is reported with its number (1 = header) and nothing is returned.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from corsia.core.domain.errors import ValidationFailed

REQUIRED_COLUMNS = (
    "supplier",
    "document_number",
    "document_date",
    "lot",
    "expiry",
    "quantity",
    "unit_cost",
)
OPTIONAL_COLUMNS = ("product_code", "aic", "location")
MAX_LOT_LENGTH = 40
T = TypeVar("T")


class DeliveryFileInvalid(ValidationFailed):
    code = "delivery_file_invalid"


class DeliveryLinesInvalid(DeliveryFileInvalid):
    """Bad lines of a delivery document typed in a form or sent to the API."""

    code = "delivery_lines_invalid"


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


@dataclass(frozen=True)
class DeliveryLine:
    """One line of a delivery: ``product_code`` or ``aic`` names the product."""

    line: int
    supplier: str
    document_number: str
    document_date: date
    product_code: str
    aic: str
    lot: str
    expiry: date
    quantity: int
    unit_cost: Decimal
    location: str = ""


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY``."""
    value = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValueError(value)


def parse_units(text: str) -> int:
    value = text.strip()
    if not value.isdigit() or int(value) <= 0:
        raise ValueError(value)
    return int(value)


def parse_cost(text: str) -> Decimal:
    """A non-negative euro amount, ``,`` or ``.`` as decimal separator, at most 4 decimals."""
    value = text.strip().replace(",", ".")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(text) from None
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or amount < 0 or (isinstance(exponent, int) and exponent < -4):
        raise ValueError(text)
    return amount


def validate_line(line: DeliveryLine, *, today: date) -> list[str]:
    """Rules a delivery line must meet whatever its origin (form or file)."""
    problems = []
    if not line.product_code and not line.aic:
        problems.append("manca il medicinale (codice prodotto o AIC)")
    if not line.lot:
        problems.append("manca il lotto")
    elif len(line.lot) > MAX_LOT_LENGTH:
        problems.append(f"lotto più lungo di {MAX_LOT_LENGTH} caratteri")
    if line.expiry < today:
        problems.append(f"lotto scaduto il {line.expiry:%d/%m/%Y}: non si carica")
    if line.document_date > today:
        problems.append("data del documento nel futuro")
    return problems


def parse_delivery_csv(content: bytes, *, today: date) -> list[DeliveryLine]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DeliveryFileInvalid(
            "Il file non è in codifica UTF-8.", details={"errors": []}
        ) from None
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise DeliveryFileInvalid("Il file è vuoto.", details={"errors": []})
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing or not ({"product_code", "aic"} & set(header)):
        names = ", ".join(missing) if missing else "product_code o aic"
        raise DeliveryFileInvalid(
            f"Intestazione non valida: mancano le colonne {names}.",
            details={"errors": [{"line": 1, "message": f"mancano le colonne {names}"}]},
        )
    errors: list[LineError] = []
    lines: list[DeliveryLine] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            errors.append(
                LineError(number, f"{len(row)} campi invece di {len(header)} dell'intestazione")
            )
            continue
        cells = {name: value.strip() for name, value in zip(header, row, strict=True)}
        problems: list[str] = []
        document_date = _parsed(cells, "document_date", parse_date, "data del documento", problems)
        expiry = _parsed(cells, "expiry", parse_date, "scadenza", problems)
        quantity = _parsed(cells, "quantity", parse_units, "quantità (intero > 0)", problems)
        unit_cost = _parsed(cells, "unit_cost", parse_cost, "costo unitario", problems)
        for name, label in (("supplier", "fornitore"), ("document_number", "numero documento")):
            if not cells[name]:
                problems.append(f"manca {label}")
        if (
            not problems
            and document_date is not None
            and expiry is not None
            and quantity is not None
            and unit_cost is not None
        ):
            line = DeliveryLine(
                line=number,
                supplier=cells["supplier"],
                document_number=cells["document_number"],
                document_date=document_date,
                product_code=cells.get("product_code", ""),
                aic=cells.get("aic", ""),
                lot=cells["lot"],
                expiry=expiry,
                quantity=quantity,
                unit_cost=unit_cost,
                location=cells.get("location", ""),
            )
            problems = validate_line(line, today=today)
            if not problems:
                lines.append(line)
        if problems:
            errors.append(LineError(number, "; ".join(problems)))
    if errors:
        raise_line_errors(errors)
    if not lines:
        raise DeliveryFileInvalid("Il file non contiene righe.", details={"errors": []})
    return lines


def _parsed(
    cells: dict[str, str],
    name: str,
    parser: Callable[[str], T],
    label: str,
    problems: list[str],
) -> T | None:
    try:
        return parser(cells[name])
    except ValueError:
        problems.append(f"{label} non valida: «{cells[name]}»")
        return None


def raise_line_errors(errors: list[LineError], *, document: bool = False) -> None:
    """Refuse the whole delivery (a file, or with ``document`` a typed document)."""
    ordered = sorted(errors, key=lambda e: e.line)
    error = DeliveryLinesInvalid if document else DeliveryFileInvalid
    what = "Il documento" if document else "Il file"
    raise error(
        f"{what} contiene {len(ordered)} righe errate: nulla è stato caricato. "
        + " ".join(f"Riga {e.line}: {e.message}." for e in ordered[:5]),
        details={"errors": [{"line": e.line, "message": e.message} for e in ordered]},
    )
