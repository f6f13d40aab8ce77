"""From the bytes of an AIFA open-data CSV to validated cells, with stable problem codes.

AIFA publishes its lists as ``;``-separated CSV with Italian decimals (``1.234,56``),
quoted fields, sometimes a UTF-8 BOM and sometimes latin-1 (Windows-1252) text. A file
that cannot be read at all (NUL bytes, empty, another kind of file) is refused whole
with :class:`FileRefused`; a row that cannot be read is a :class:`RowProblem` naming its
line and a stable code, and the other rows are still read.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.domain.aic import AIC_LENGTH, aic_check_digit

ATC_RE = re.compile(r"^[A-Z](?:\d{2}(?:[A-Z](?:[A-Z](?:\d{2})?)?)?)?$")
MAX_PRICE = Decimal("9999999")


class FileRefused(ValidationFailed):
    """The whole file cannot be read; ``code`` says why (``nul_byte``, ``empty_file``,
    ``wrong_file_kind``, ``not_text``)."""

    code = "file_refused"


@dataclass(frozen=True)
class RowProblem:
    line: int
    code: str
    message: str


class CellError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def decode(content: bytes) -> str:
    """The text of the file: UTF-8 (BOM or not), else Windows-1252/latin-1."""
    if not content.strip():
        raise FileRefused("Il file è vuoto.", code="empty_file")
    if b"\x00" in content:
        raise FileRefused(
            "Il file contiene byte nulli (NUL): non è un CSV di testo.", code="nul_byte"
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
        if "\ufffd" in text:
            return content.decode("latin-1")
        return text


def header_key(name: str) -> str:
    """A header reduced to lower-case ASCII letters and digits (accents, € and blanks go)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass(frozen=True)
class Table:
    """The rows of the file with the position of each known column."""

    positions: Mapping[str, int]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (line number, cells)

    def cell(self, cells: tuple[str, ...], key: str) -> str:
        index = self.positions.get(key)
        if index is None or index >= len(cells):
            return ""
        return cells[index].strip()


def read_table(
    text: str,
    *,
    aliases: Mapping[str, tuple[str, ...]],
    required: tuple[str, ...],
    kind_label: str,
) -> Table:
    """The file's rows under the header that names every ``required`` column.

    Column names are matched through ``aliases`` (each alias is a prefix of the reduced
    header, so ``Prezzo al pubblico 15/11/2026`` is the public price). A file missing a
    required column is another kind of file.
    """
    body = text.lstrip("\ufeff")
    first = body.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, quotechar='"')
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise FileRefused("Il file è vuoto.", code="empty_file") from None
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = header_key(name)
        for wanted, names in aliases.items():
            if wanted not in positions and any(key.startswith(alias) for alias in names):
                positions[wanted] = index
                break
    missing = [key for key in required if key not in positions]
    if missing:
        raise FileRefused(
            f"Il file non è {kind_label}: mancano le colonne {', '.join(missing)}.",
            code="wrong_file_kind",
            details={"missing": missing},
        )
    rows: list[tuple[int, tuple[str, ...]]] = []
    line = reader.line_num
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num  # a quoted field may span lines
            if any(cell.strip() for cell in cells):
                rows.append((start, tuple(cells)))
    except csv.Error as error:
        raise FileRefused(
            f"Riga {line + 1}: il CSV è malformato ({error}).", code="csv_malformed"
        ) from None
    return Table(positions=positions, rows=tuple(rows))


def aic_cell(text: str) -> str:
    """A 9-digit AIC with its check digit; the 8-digit form (leading zero dropped by a
    spreadsheet) is completed."""
    value = text.strip()
    if len(value) == AIC_LENGTH - 1 and value.isdigit():
        value = "0" + value
    if not value:
        raise CellError("aic_missing", "codice AIC mancante")
    if len(value) != AIC_LENGTH or not value.isascii() or not value.isdigit():
        raise CellError("aic_format", f"il codice AIC «{value}» deve avere 9 cifre")
    expected = aic_check_digit(value[:8])
    if int(value[8]) != expected:
        raise CellError(
            "aic_check_digit",
            f"il codice AIC «{value}» ha la cifra di controllo errata (attesa {expected})",
        )
    return value


def atc_cell(text: str, *, required: bool = False) -> str:
    value = text.strip().upper()
    if not value:
        if required:
            raise CellError("atc_missing", "codice ATC mancante")
        return ""
    if not ATC_RE.match(value):
        raise CellError("atc_format", f"«{value}» non è un codice ATC")
    return value


def price_cell(text: str) -> Decimal | None:
    """An Italian amount: ``1.234,56``, ``12,5``, ``€ 7,00``; empty is None."""
    value = text.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if not value:
        return None
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif value.count(".") > 1 or re.fullmatch(r"\d{1,3}(\.\d{3})+", value):
        value = value.replace(".", "")  # thousands separators only
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise CellError("price_format", f"«{text.strip()}» non è un prezzo") from None
    if not amount.is_finite():
        raise CellError("price_format", f"«{text.strip()}» non è un prezzo")
    if amount < 0:
        raise CellError("price_negative", f"il prezzo {text.strip()} è negativo")
    if amount > MAX_PRICE:
        raise CellError("price_too_large", f"il prezzo {text.strip()} è fuori scala")
    return amount.quantize(Decimal("0.0001"))


_DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def date_cell(text: str, *, required: bool = False, what: str = "data") -> date | None:
    """``gg/mm/aaaa`` (AIFA) or ``aaaa-mm-gg``; empty is None unless required."""
    value = text.strip()
    if not value:
        if required:
            raise CellError("date_missing", f"{what} mancante")
        return None
    match = _DATE_RE.match(value)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        iso = _ISO_RE.match(value)
        if iso:
            year, month, day = (int(part) for part in iso.groups())
            return date(year, month, day)
    except ValueError:
        pass
    raise CellError("date_format", f"«{value}» non è una data valida (gg/mm/aaaa)")


def yes_no_cell(text: str) -> bool | None:
    value = header_key(text)
    if value in ("si", "s", "yes", "y", "1", "true", "vero"):
        return True
    if value in ("no", "n", "0", "false", "falso"):
        return False
    return None
