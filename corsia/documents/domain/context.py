"""The document context: what a template is given to print (format in README.md).

``sheet_context(data)`` checks the shape the lead's code builds and returns a
JSON-serialisable copy with every value already turned into display text, so the
stored context is exactly what was printed. Floats are refused (clinical quantities
are ``Decimal``); ``None`` prints as a dash.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from corsia.core.domain.errors import ValidationFailed

EMPTY = "—"
MAX_TEXT = 2000


def _fail(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_document_context", field=field)


def display(value: object, *, field: str) -> str:
    """One printed value: text as given, integers and decimals with the Italian comma,
    dates as dd/mm/yyyy. Floats and datetimes are refused (pass formatted text)."""
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise _fail(f"Testo troppo lungo (massimo {MAX_TEXT} caratteri).", field)
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _fail("Valore numerico non finito.", field)
        return format(value, "f").replace(".", ",")
    if isinstance(value, datetime):
        raise _fail("Data e ora vanno passate già formattate come testo.", field)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    raise _fail(
        f"Tipo di valore non ammesso ({type(value).__name__}): usare testo, interi, "
        "Decimal o date.",
        field,
    )


def _text(data: Mapping[str, Any], key: str, *, field: str, required: bool) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise _fail(f"Campo obbligatorio mancante: {key}.", field)
        return ""
    return display(value, field=field)


def _sequence(value: object, field: str) -> Sequence[Any]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise _fail("Era attesa una lista.", field)
    return value


def _row(row: object, field: str) -> dict[str, str]:
    if isinstance(row, Mapping):
        label, value = row.get("label"), row.get("value")
    else:
        pair = _sequence(row, field)
        if len(pair) != 2:
            raise _fail("Ogni riga è una coppia [etichetta, valore].", field)
        label, value = pair
    if not isinstance(label, str) or not label.strip():
        raise _fail("Ogni riga ha un'etichetta testuale.", f"{field}.label")
    return {"label": label, "value": display(value, field=f"{field}.value")}


def _table(table: object, field: str) -> dict[str, Any] | None:
    if table is None:
        return None
    if not isinstance(table, Mapping):
        raise _fail("La tabella ha 'columns' e 'rows'.", field)
    columns = [
        display(c, field=f"{field}.columns")
        for c in _sequence(table.get("columns"), f"{field}.columns")
    ]
    if not columns:
        raise _fail("La tabella ha almeno una colonna.", f"{field}.columns")
    rows = []
    for r, row in enumerate(_sequence(table.get("rows", []), f"{field}.rows")):
        cells = _sequence(row, f"{field}.rows.{r}")
        if len(cells) != len(columns):
            raise _fail(
                f"La riga {r + 1} della tabella ha {len(cells)} celle invece di {len(columns)}.",
                f"{field}.rows.{r}",
            )
        rows.append([display(c, field=f"{field}.rows.{r}.{i}") for i, c in enumerate(cells)])
    return {"columns": columns, "rows": rows}


def sheet_context(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and normalise a document context (see README.md for the format).

    Keys other than ``title``, ``subtitle``, ``sections`` and ``notes`` are refused, so
    a typo does not silently vanish from a signed document.
    """
    known = {"title", "subtitle", "sections", "notes"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise _fail(f"Chiavi non previste nel contesto: {', '.join(unknown)}.", unknown[0])
    sections = []
    for s, section in enumerate(_sequence(data.get("sections", []), "sections")):
        field = f"sections.{s}"
        if not isinstance(section, Mapping):
            raise _fail("Ogni sezione ha 'heading', 'rows' e (facoltativa) 'table'.", field)
        sections.append(
            {
                "heading": _text(section, "heading", field=f"{field}.heading", required=True),
                "rows": [
                    _row(row, f"{field}.rows.{r}")
                    for r, row in enumerate(_sequence(section.get("rows", []), f"{field}.rows"))
                ],
                "table": _table(section.get("table"), f"{field}.table"),
            }
        )
    return {
        "title": _text(data, "title", field="title", required=False),
        "subtitle": _text(data, "subtitle", field="subtitle", required=False),
        "sections": sections,
        "notes": _text(data, "notes", field="notes", required=False),
    }


MAX_PLAIN_TEXT = 200_000  # a barcode drawn as a data: URI image is a few kilobytes
MAX_PLAIN_DEPTH = 6
MAX_PLAIN_ITEMS = 5_000


def _plain(value: object, *, field: str, depth: int) -> Any:
    if depth > MAX_PLAIN_DEPTH:
        raise _fail("Contesto annidato troppo in profondità.", field)
    if value is None or isinstance(value, bool):
        return value  # kept: a template tests them with {% if %} ("no" would be true)
    if isinstance(value, str):
        if len(value) > MAX_PLAIN_TEXT:
            raise _fail(f"Testo troppo lungo (massimo {MAX_PLAIN_TEXT} caratteri).", field)
        return value
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str) or not key.isidentifier() or key.startswith("_"):
                raise _fail(f"Nome di campo non valido: {key!r}.", field)
            out[key] = _plain(item, field=f"{field}.{key}", depth=depth + 1)
        return out
    if isinstance(value, list | tuple):
        if len(value) > MAX_PLAIN_ITEMS:
            raise _fail(f"Lista troppo lunga (massimo {MAX_PLAIN_ITEMS} elementi).", field)
        return [_plain(item, field=f"{field}.{i}", depth=depth + 1) for i, item in enumerate(value)]
    return display(value, field=field)


def plain_context(data: Mapping[str, Any], *, declared: frozenset[str]) -> dict[str, Any]:
    """A template code's own context (labels, worksheets: not the default layout).

    Top-level keys must be ``declared`` by the code's schema (a typo is refused rather
    than printing an empty cell); texts, integers, booleans, ``None``, lists and dicts
    are kept, decimals and dates become Italian text as in ``display``.
    """
    unknown = sorted(set(data) - declared)
    if unknown:
        raise _fail(f"Chiavi non previste nel contesto: {', '.join(unknown)}.", unknown[0])
    return {key: _plain(value, field=key, depth=0) for key, value in data.items()}


def sample_sheet_context() -> dict[str, Any]:
    """Invented data for template previews (no real patient)."""
    return {
        "title": "Foglio di terapia — ANTEPRIMA",
        "subtitle": "FOLFOX-4, 1ª linea, ciclo 3, giorno 1",
        "sections": [
            {
                "heading": "Parametri del paziente",
                "rows": [
                    {"label": "Altezza", "value": "175 cm"},
                    {"label": "Peso", "value": "70 kg"},
                    {"label": "Superficie corporea (Mosteller)", "value": "1,84 m²"},
                ],
            },
            {
                "heading": "Farmaci",
                "rows": [],
                "table": {
                    "columns": ["Seq.", "Principio attivo", "Dose", "Via", "Diluente", "Durata"],
                    "rows": [
                        ["1", "oxaliplatino", "156,4 mg", "EV", "glucosio 5% 250 mL", "2 h"],
                        ["2", "calcio folinato", "368 mg", "EV", "glucosio 5% 250 mL", "2 h"],
                    ],
                },
            },
        ],
        "notes": "Anteprima del modello con dati di esempio inventati.",
    }
