"""AIFA open data: the lists of class A and class H medicines, parsed without the database.

AIFA publishes ("Liste dei farmaci di classe A e di classe H", open data, CC BY 4.0,
"Fonte: AIFA") CSV files separated by ``;`` with one row per pack. Corsia reads from
them the AIC, the ATC code, the marketing-authorisation holder, the pack's name and
the active ingredient; the price when present. Header names are matched without
regard to case, accents, spaces and punctuation, with the spellings AIFA has used
(``Codice AIC`` / ``AIC``, ``Titolare AIC`` / ``Ditta``, ``Denominazione e
Confezione`` / ``Confezione``, ``Principio Attivo``, ``ATC`` / ``Codice ATC``).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from corsia.drugs.domain.aic import InvalidAic, normalize_aic
from corsia.drugs.domain.catalogue import ATC_RE, ImportRejected, LineError, raise_if_errors


@dataclass(frozen=True)
class AifaListRow:
    line: int
    aic: str
    atc: str
    holder: str
    name: str
    ingredient_it: str
    price_eur: Decimal | None
    reimbursement_class: str


def _normal(header: str) -> str:
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


_ALIASES: dict[str, tuple[str, ...]] = {
    "aic": ("codiceaic", "aic", "codaic", "codiceaicconfezione"),
    "atc": ("atc", "codiceatc", "codatc"),
    "holder": ("titolareaic", "titolare", "ditta", "azienda", "titolareaicditta"),
    "name": ("denominazioneeconfezione", "confezione", "denominazione", "farmaco"),
    "ingredient_it": ("principioattivo", "principiattivi"),
    "price": ("prezzoalpubblico", "prezzoalpubblicoeuro", "prezzopubblico", "prezzoexfactory"),
}
_REQUIRED = ("aic", "atc", "holder")


def _price(text: str) -> Decimal | None:
    cleaned = text.replace("€", "").replace(".", "").replace(",", ".").strip()
    if not cleaned:
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def parse_aifa_class_list(text: str, *, reimbursement_class: str) -> list[AifaListRow]:
    """Rows of an AIFA class A or H list; any bad row refuses the whole file."""
    if reimbursement_class not in ("A", "H"):
        raise ImportRejected("La classe deve essere A o H.", field="reimbursement_class")
    body = text.lstrip("\ufeff")
    first_line = body.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRejected("Il file è vuoto.") from None
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        normal = _normal(name)
        for key, aliases in _ALIASES.items():
            if normal in aliases and key not in positions:
                positions[key] = index
    missing = [key for key in _REQUIRED if key not in positions]
    errors: list[LineError] = []
    if missing:
        errors.append(LineError(1, f"colonne mancanti: {', '.join(missing)}"))
        raise_if_errors(errors)
    rows: list[AifaListRow] = []
    for cells in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue

        def cell(key: str, cells: list[str] = cells) -> str:
            index = positions.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        try:
            aic = normalize_aic(cell("aic"))
        except InvalidAic as problem:
            errors.append(LineError(number, problem.message))
            continue
        atc = cell("atc").upper()
        if atc and not ATC_RE.match(atc):
            errors.append(LineError(number, f"«{atc}» non è un codice ATC"))
            continue
        rows.append(
            AifaListRow(
                line=number,
                aic=aic,
                atc=atc,
                holder=cell("holder"),
                name=cell("name"),
                ingredient_it=cell("ingredient_it"),
                price_eur=_price(cell("price")),
                reimbursement_class=reimbursement_class,
            )
        )
    if not rows and not errors:
        errors.append(LineError(1, "il file non contiene righe"))
    raise_if_errors(errors)
    return rows
