"""Components, treatments, and the hospital's table of ISBT 128 product codes. Pure.

ICCBBA's Product Description Code database (what ``E0401`` means) is licensed to the
blood establishment and is **not** shipped with Corsia. Corsia reads a product code through
a small table of its own — product description code → component type and the treatments
the code attests — written in our words (``data/product_codes.csv``, see ``data/NOTICE.md``):
a few example rows for the demo and the tests. The hospital's transfusion service extends
or replaces it with the codes it issues (the setting ``CORSIA_TRANSFUSION_PRODUCT_CODES``
names its own CSV, same columns; a row there replaces a shipped row with the same code).
A code the table does not know is refused at the bedside: never guessed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from corsia.core.domain.codes import LabelledCode


class Component(LabelledCode):
    RED_CELLS = "red_cells", "Emazie concentrate"
    PLATELETS = "platelets", "Piastrine"
    PLASMA = "plasma", "Plasma fresco congelato"


class Treatment(LabelledCode):
    IRRADIATED = "irradiated", "Irradiato"
    WASHED = "washed", "Lavato"
    LEUKODEPLETED = "leukodepleted", "Leucodepleto"
    CMV_NEGATIVE = "cmv_negative", "CMV negativo"


@dataclass(frozen=True)
class ProductEntry:
    code: str  # the product description code, aoooo
    component: Component
    treatments: frozenset[Treatment]
    description: str


class ProductTableError(ValueError):
    pass


_CODE = re.compile(r"[A-Z][0-9]{4}")
_SPECIAL_CODE = re.compile(r"[A-Z0-9]{5}")


def _rows(
    text: str, *, special: bool = False
) -> Iterator[tuple[int, str, frozenset[Treatment], dict[str, str]]]:
    """Each row's line, code and treatments (separated by ``|``); a bad one names its line."""
    seen: set[str] = set()
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        code = (row.get("code") or "").strip().upper()
        if not (_SPECIAL_CODE if special else _CODE).fullmatch(code):
            raise ProductTableError(f"line {line}: code {code!r}")
        if code in seen:
            raise ProductTableError(f"line {line}: {code} twice")
        seen.add(code)
        names = [t.strip() for t in (row.get("treatments") or "").split("|") if t.strip()]
        try:
            treatments = frozenset(Treatment(t) for t in names)
        except ValueError as error:
            raise ProductTableError(f"line {line}: {error}") from None
        yield line, code, treatments, row


def read_product_table(text: str) -> dict[str, ProductEntry]:
    """The CSV (columns ``code,component,treatments,description``) as a table; any bad row
    refuses the whole file, naming its line."""
    table: dict[str, ProductEntry] = {}
    for line, code, treatments, row in _rows(text):
        try:
            component = Component((row.get("component") or "").strip())
        except ValueError as error:
            raise ProductTableError(f"line {line}: {error}") from None
        table[code] = ProductEntry(
            code, component, treatments, (row.get("description") or "").strip()
        )
    return table


def read_special_table(text: str) -> dict[str, frozenset[Treatment]]:
    """The hospital's table of ISBT 128 *Special Testing: General* codes (data structure
    012, columns ``code,treatments,description``): what each code attests (e.g.
    ``cmv_negative``). Codes are five letters or digits."""
    return {code: treatments for _line, code, treatments, _row in _rows(text, special=True)}


def merged(
    shipped: dict[str, ProductEntry], hospital: dict[str, ProductEntry]
) -> dict[str, ProductEntry]:
    """The hospital's rows over the shipped ones."""
    return {**shipped, **hospital}
