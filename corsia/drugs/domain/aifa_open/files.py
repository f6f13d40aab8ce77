"""The three AIFA open-data files Corsia reads, one parser each (see the module README,
"AIFA open data", for the columns).

- Lista dei farmaci di classe A / classe H per principio attivo: one row per pack with
  AIC, ATC, holder, description and public price.
- Liste di trasparenza: one row per off-patent pack with its equivalence group and the
  reference price the SSN reimburses.
- Elenco dei medicinali carenti: one row per pack in shortage, with the start date, the
  expected end, the reason, whether an equivalent is available and AIFA's suggestions.

Each parser returns every good row and a :class:`RowProblem` per bad row; a file that
cannot be read at all raises :class:`FileRefused`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from corsia.drugs.domain.aifa_open.reading import (
    CellError,
    RowProblem,
    Table,
    aic_cell,
    atc_cell,
    date_cell,
    decode,
    price_cell,
    read_table,
    yes_no_cell,
)


class FileKind(StrEnum):
    CLASS_A = "class_a"
    CLASS_H = "class_h"
    TRANSPARENCY = "transparency"
    SHORTAGES = "shortages"


FILE_KIND_LABELS_IT: dict[FileKind, str] = {
    FileKind.CLASS_A: "Lista farmaci di classe A (AIFA)",
    FileKind.CLASS_H: "Lista farmaci di classe H (AIFA)",
    FileKind.TRANSPARENCY: "Lista di trasparenza (AIFA)",
    FileKind.SHORTAGES: "Elenco dei medicinali carenti (AIFA)",
}


@dataclass(frozen=True)
class SourcePack:
    """What a row of a class list or of the transparency list says about one pack.

    ``None`` (or ``""`` for the class) means the file says nothing about that field.
    """

    line: int
    aic: str
    atc: str = ""
    ingredient: str = ""
    description: str = ""
    holder: str = ""
    price_eur: Decimal | None = None
    reimbursement_class: str = ""
    equivalence_group: str | None = None
    reference_price_eur: Decimal | None = None


@dataclass(frozen=True)
class SourceShortage:
    line: int
    aic: str
    name: str
    ingredient: str
    form_strength: str
    holder: str
    started_on: date
    expected_end_on: date | None
    reason: str
    equivalent_available: bool | None
    suggestion: str


@dataclass(frozen=True)
class ParsedFile:
    kind: FileKind
    rows: tuple[SourcePack | SourceShortage, ...]
    problems: tuple[RowProblem, ...]

    @property
    def aics(self) -> frozenset[str]:
        return frozenset(row.aic for row in self.rows)


_RowReader = Callable[[Table, int, tuple[str, ...], FileKind], SourcePack | SourceShortage]

# Each alias is a prefix of the header reduced by reading.header_key.
_CLASS_ALIASES: dict[str, tuple[str, ...]] = {
    "aic": ("codiceaic", "aic", "codaic"),
    "atc": ("atc", "codiceatc"),
    "ingredient": ("principioattivo", "principiattivi"),
    "description": ("denominazioneeconfezione", "denominazione", "confezione", "farmaco"),
    "holder": ("titolareaic", "titolare", "ditta"),
    "price": ("prezzoalpubblico", "prezzopubblico"),
}
_TRANSPARENCY_ALIASES: dict[str, tuple[str, ...]] = {
    "aic": ("codiceaic", "aic"),
    "ingredient": ("principioattivo",),
    "group_description": ("descrizionegruppo",),
    "description": ("denominazioneeconfezione", "denominazione", "confezione"),
    "reference_price": ("prezzoriferimento", "prezzodiriferimento"),
    "price": ("prezzoalpubblico", "prezzopubblico"),
    "holder": ("titolareaic", "titolare", "ditta"),
    "group": ("codicegruppoequivalenza", "gruppoequivalenza", "codicegruppo"),
}
_SHORTAGE_ALIASES: dict[str, tuple[str, ...]] = {
    "aic": ("codiceaic", "aic"),
    "name": ("nomemedicinale", "denominazione", "medicinale"),
    "ingredient": ("principioattivo",),
    "form_strength": ("formafarmaceuticaedosaggio", "formaedosaggio", "formafarmaceutica"),
    "holder": ("titolareaic", "titolare", "ditta"),
    "started_on": ("datainizio", "iniziocarenza"),
    "expected_end_on": ("datafinepresunta", "finepresunta", "datafine"),
    "reason": ("motivazion", "motivo"),
    "equivalent": ("equivalente",),
    "suggestion": ("suggeriment", "indicazioni"),
}


def parse_file(content: bytes, kind: FileKind) -> ParsedFile:
    """The rows of an AIFA open-data file of ``kind``; a bad row is a problem, not a crash."""
    text = decode(content)
    if kind in (FileKind.CLASS_A, FileKind.CLASS_H):
        table = read_table(
            text,
            aliases=_CLASS_ALIASES,
            required=("aic", "atc", "holder", "description"),
            kind_label="una lista AIFA di classe A/H",
        )
        return _packs(table, kind, _class_row)
    if kind is FileKind.TRANSPARENCY:
        table = read_table(
            text,
            aliases=_TRANSPARENCY_ALIASES,
            required=("aic", "group", "reference_price"),
            kind_label="una lista di trasparenza AIFA",
        )
        return _packs(table, kind, _transparency_row)
    table = read_table(
        text,
        aliases=_SHORTAGE_ALIASES,
        required=("aic", "started_on", "reason"),
        kind_label="l'elenco AIFA dei medicinali carenti",
    )
    return _packs(table, kind, _shortage_row)


def _packs(table: Table, kind: FileKind, read_row: _RowReader) -> ParsedFile:
    rows: list[SourcePack | SourceShortage] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        try:
            row = read_row(table, line, cells, kind)
        except CellError as error:
            problems.append(RowProblem(line, error.code, error.message))
            continue
        if row.aic in seen:
            problems.append(
                RowProblem(
                    line,
                    "aic_duplicate",
                    f"il codice AIC {row.aic} compare già alla riga {seen[row.aic]}",
                )
            )
            continue
        seen[row.aic] = line
        rows.append(row)
    return ParsedFile(kind=kind, rows=tuple(rows), problems=tuple(problems))


def _class_row(table: Table, line: int, cells: tuple[str, ...], kind: FileKind) -> SourcePack:
    aic = aic_cell(table.cell(cells, "aic"))
    return SourcePack(
        line=line,
        aic=aic,
        atc=atc_cell(table.cell(cells, "atc"), required=True),
        ingredient=table.cell(cells, "ingredient"),
        description=table.cell(cells, "description")[:255],
        holder=table.cell(cells, "holder")[:160],
        price_eur=price_cell(table.cell(cells, "price")),
        reimbursement_class="A" if kind is FileKind.CLASS_A else "H",
    )


def _transparency_row(
    table: Table, line: int, cells: tuple[str, ...], kind: FileKind
) -> SourcePack:
    aic = aic_cell(table.cell(cells, "aic"))
    group = table.cell(cells, "group").upper()
    if not group:
        raise CellError("group_missing", "codice del gruppo di equivalenza mancante")
    if len(group) > 12 or not group.isalnum():
        raise CellError("group_format", f"«{group}» non è un codice di gruppo di equivalenza")
    return SourcePack(
        line=line,
        aic=aic,
        ingredient=table.cell(cells, "ingredient"),
        description=table.cell(cells, "description")[:255],
        holder=table.cell(cells, "holder")[:160],
        price_eur=price_cell(table.cell(cells, "price")),
        equivalence_group=group,
        reference_price_eur=price_cell(table.cell(cells, "reference_price")),
    )


def _shortage_row(
    table: Table, line: int, cells: tuple[str, ...], kind: FileKind
) -> SourceShortage:
    aic = aic_cell(table.cell(cells, "aic"))
    started = date_cell(table.cell(cells, "started_on"), required=True, what="data di inizio")
    if started is None:  # unreachable: required
        raise CellError("date_missing", "data di inizio mancante")
    expected_end = date_cell(table.cell(cells, "expected_end_on"), what="data di fine presunta")
    if expected_end is not None and expected_end < started:
        raise CellError("dates_reversed", "la fine presunta precede l'inizio della carenza")
    return SourceShortage(
        line=line,
        aic=aic,
        name=table.cell(cells, "name")[:255],
        ingredient=table.cell(cells, "ingredient")[:255],
        form_strength=table.cell(cells, "form_strength")[:255],
        holder=table.cell(cells, "holder")[:160],
        started_on=started,
        expected_end_on=expected_end,
        reason=table.cell(cells, "reason")[:1000],
        equivalent_available=yes_no_cell(table.cell(cells, "equivalent")),
        suggestion=table.cell(cells, "suggestion")[:2000],
    )
