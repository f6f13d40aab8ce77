"""The exchange format of the drug archive, parsed and validated without the database.

Two shapes are accepted (documented in ``corsia/drugs/README.md``):

* **JSON Lines** (``.jsonl``): one record per line, ``{"type": "ingredient" | "product" |
  "pack" | "interaction" | "pgx", ...fields}``. Blank lines and lines starting with
  ``#`` are ignored. This is the full catalogue (what Corsia itself ships).
* **CSV** (``.csv``, ``;`` or ``,``): one row per pack, the flat shape of a
  Farmadati-like export; each row describes its ingredient, product and pack.

A record updates only the fields it carries: a field that is absent keeps its
current value; on creation the model's default applies. Every problem is reported
with the file's line number, and the whole file is refused if any line is wrong.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.domain.aic import InvalidAic, normalize_aic
from corsia.drugs.domain.barcodes import is_valid_gtin
from corsia.drugs.domain.compounding_data import (
    CompoundingValueError,
    parse_field_texts,
    parse_stability_conditions,
)
from corsia.drugs.domain.formulation import Formulation
from corsia.drugs.domain.interactions import Severity, pair_key

CODE_RE = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")
ATC_RE = re.compile(r"^[A-Z](?:\d{2}(?:[A-Z](?:[A-Z](?:\d{2})?)?)?)?$")
MAX_ERRORS = 50


class ImportRejected(ValidationFailed):
    """The file cannot be applied; ``details["errors"]`` lists ``{"line", "message"}``."""

    code = "import_rejected"


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


@dataclass
class Record:
    """One validated record: its type, natural key, and the fields it sets."""

    line: int
    type: str
    key: str
    fields: dict[str, Any] = field(default_factory=dict)


class _FieldError(Exception):
    pass


# --- value parsers ---------------------------------------------------------------


def _text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str | int | float | Decimal):
            raise _FieldError("deve essere un testo")
        text = str(value).strip()
        if len(text) > max_length:
            raise _FieldError(f"supera {max_length} caratteri")
        return text

    return parse


def _decimal(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise _FieldError("deve essere un numero")
    text = str(value).strip().replace(",", ".") if isinstance(value, str) else str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _FieldError(f"«{value}» non è un numero") from None
    if not number.is_finite() or number < 0:
        raise _FieldError(f"«{value}» deve essere un numero non negativo")
    return number


def _integer(value: Any) -> int:
    number = _decimal(value)
    if number is None or number != number.to_integral_value() or number < 1:
        raise _FieldError(f"«{value}» deve essere un intero positivo")
    return int(number)


_TRUE = {"1", "true", "si", "sì", "yes", "y", "s", "x"}
_FALSE = {"0", "false", "no", "n", ""}


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _FieldError(f"«{value}» non è un valore sì/no")


def _string_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise _FieldError("deve essere una lista di testi (o testi separati da |)")


def _choice(*allowed: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(40)(value)
        if text not in allowed:
            raise _FieldError(f"«{text}» non è tra {', '.join(repr(a) for a in allowed if a)}")
        return text

    return parse


def _code(value: Any) -> str:
    text = _text(120)(value)
    if not CODE_RE.match(text):
        raise _FieldError(f"«{text}» non è un codice valido (minuscole, cifre, _)")
    return text


def _atc(value: Any) -> str:
    text = _text(7)(value).upper()
    if text and not ATC_RE.match(text):
        raise _FieldError(f"«{text}» non è un codice ATC")
    return text


def _atc_list(value: Any) -> list[str]:
    return [_atc(item) for item in _string_list(value)]


def _aic(value: Any) -> str:
    text = _text(12)(value)
    if not text:
        return ""
    try:
        return normalize_aic(text)
    except InvalidAic as error:
        raise _FieldError(error.message) from None


def _gtin(value: Any) -> str:
    text = _text(14)(value)
    if not text:
        return ""
    if not is_valid_gtin(text):
        raise _FieldError(f"il GTIN «{text}» non è valido (cifra di controllo)")
    return text.zfill(14)


_DOSE_UNITS = ("", "mg", "mg/m2", "mg/kg", "IU", "IU/m2", "mcg", "mcg/kg", "g", "mmol", "mL", "AUC")

INGREDIENT_FIELDS: dict[str, Callable[[Any], Any]] = {
    "name_en": _text(120),
    "name_it": _text(120),
    "atc_code": _atc,
    "other_atc_codes": _atc_list,
    "synonyms": _string_list,
    "therapeutic_class": _text(160),
    "combination_of": _string_list,
    "is_antineoplastic": _boolean,
    "extravasation_class": _choice("", "vesicant", "irritant", "non_vesicant"),
    "extravasation_management": _text(4000),
    "emetogenic_risk": _choice("", "high", "moderate", "low", "minimal"),
    "emetogenic_note": _text(255),
    "max_single_dose": _decimal,
    "max_single_dose_unit": _choice(*_DOSE_UNITS),
    "max_single_dose_note": _text(255),
    "cumulative_limit": _decimal,
    "cumulative_limit_unit": _choice(*_DOSE_UNITS),
    "cumulative_limit_note": _text(255),
    "aifa_registry": _boolean,
    "law_648_uses": _string_list,
    "high_cost": _boolean,
    "innovative": _boolean,
    "notes": _text(4000),
    "data_source": _text(255),
    "to_verify": _boolean,
}

PRODUCT_FIELDS: dict[str, Callable[[Any], Any]] = {
    "ingredient": _code,
    "name": _text(160),
    "holder": _text(160),
    "form": _text(160),
    "route": _text(60),
    "formulation": _choice("", *(f.value for f in Formulation)),
    "strength": _decimal,
    "strength_unit": _choice(*_DOSE_UNITS),
    "physical_state": _choice(
        "", "powder", "solution", "concentrate", "suspension", "solid_oral", "other"
    ),
    "nominal_volume_ml": _decimal,
    "overfill_volume_ml": _decimal,
    "reconstitution_diluent": _text(160),
    "reconstitution_volume_ml": _decimal,
    "concentration": _decimal,
    "concentration_unit": _text(10),
    "compatible_diluents": _string_list,
    "final_concentration_min": _decimal,
    "final_concentration_max": _decimal,
    "reconstituted_stability_hours": _decimal,
    "reconstituted_stability_temperature": _text(40),
    "reconstituted_protect_from_light": _boolean,
    "diluted_stability_hours": _decimal,
    "diluted_stability_temperature": _text(40),
    "diluted_protect_from_light": _boolean,
    "stability_note": _text(4000),
    "storage": _text(160),
    "photosensitive": _boolean,
    "pvc_free_required": _boolean,
    "filter_required": _text(120),
    "density_g_ml": _decimal,
    "density_source": _text(255),
    "diluted_stability_conditions": parse_stability_conditions,
    "compounding_sources": parse_field_texts,
    "compounding_not_applicable": parse_field_texts,
    "biosimilar_of": _text(120),
    "preparation_mode": _choice("manual", "automated", "both", "none"),
    "data_source": _text(255),
    "to_verify": _boolean,
}

PACK_FIELDS: dict[str, Callable[[Any], Any]] = {
    "product": _code,
    "aic": _aic,
    "gtin": _gtin,
    "description": _text(255),
    "units_per_pack": _integer,
    "price_eur": _decimal,
    "price_kind": _text(40),
    "reimbursement_class": _text(4),
    "data_source": _text(255),
}

INTERACTION_FIELDS: dict[str, Callable[[Any], Any]] = {
    "a": _code,
    "b": _code,
    "severity": _choice(*[s.value for s in Severity]),
    "effect": _text(4000),
    "management": _text(4000),
    "source": _text(255),
}

PGX_FIELDS: dict[str, Callable[[Any], Any]] = {
    "ingredient": _code,
    "gene": _text(40),
    "phenotype": _text(200),
    "recommendation": _text(4000),
    "source": _text(255),
}

_SPECS: dict[str, tuple[dict[str, Callable[[Any], Any]], tuple[str, ...]]] = {
    "ingredient": (INGREDIENT_FIELDS, ("name_en", "name_it")),
    "product": (PRODUCT_FIELDS, ("ingredient", "name")),
    "pack": (PACK_FIELDS, ("product",)),
    "interaction": (INTERACTION_FIELDS, ("a", "b", "severity", "effect", "management", "source")),
    "pgx": (PGX_FIELDS, ("ingredient", "gene", "phenotype", "recommendation", "source")),
}
RECORD_TYPES = tuple(_SPECS)


def _validate(line: int, kind: str, raw: dict[str, Any], errors: list[LineError]) -> Record | None:
    if kind not in _SPECS:
        errors.append(LineError(line, f"tipo di record «{kind}» sconosciuto"))
        return None
    spec, required = _SPECS[kind]
    values: dict[str, Any] = {}
    failed = False
    for name, value in raw.items():
        if name in ("type", "code"):
            continue
        if name not in spec:
            errors.append(LineError(line, f"campo «{name}» sconosciuto per un record {kind}"))
            failed = True
            continue
        try:
            values[name] = spec[name](value)
        except (_FieldError, CompoundingValueError) as problem:
            errors.append(LineError(line, f"{name}: {problem}"))
            failed = True
    for name in required:
        if values.get(name) in (None, "") and not failed:
            errors.append(LineError(line, f"manca il campo obbligatorio «{name}»"))
            failed = True
    if kind in ("interaction", "pgx"):
        key = _derived_key(kind, values)
    else:
        try:
            key = _code(raw.get("code"))
        except _FieldError as problem:
            errors.append(LineError(line, f"code: {problem}"))
            return None
    if failed:
        return None
    if kind == "interaction":
        if values["a"] == values["b"]:
            errors.append(LineError(line, "un'interazione richiede due principi attivi diversi"))
            return None
        values["a"], values["b"] = pair_key(values["a"], values["b"])
    return Record(line=line, type=kind, key=key, fields=values)


def _derived_key(kind: str, values: dict[str, Any]) -> str:
    if kind == "interaction":
        first, second = pair_key(str(values.get("a", "")), str(values.get("b", "")))
        return f"{first}+{second}"
    return f"{values.get('ingredient', '')}|{values.get('gene', '')}|{values.get('phenotype', '')}"


def raise_if_errors(errors: list[LineError]) -> None:
    if not errors:
        return
    first = errors[0]
    more = f" (e altri {len(errors) - 1} errori)" if len(errors) > 1 else ""
    raise ImportRejected(
        f"Riga {first.line}: {first.message}{more}. Il file non è stato applicato.",
        details={"errors": [{"line": e.line, "message": e.message} for e in errors[:MAX_ERRORS]]},
    )


def _check_duplicates(records: Iterable[Record], errors: list[LineError]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for record in records:
        where = seen.get((record.type, record.key))
        if where is not None and record.type not in ("ingredient", "product"):
            errors.append(
                LineError(
                    record.line, f"{record.type} «{record.key}» già presente alla riga {where}"
                )
            )
        seen.setdefault((record.type, record.key), record.line)
    aics: dict[str, int] = {}
    for record in records:
        aic = record.fields.get("aic") if record.type == "pack" else None
        if aic:
            if aic in aics and aics[aic] != record.line:
                errors.append(LineError(record.line, f"AIC {aic} già usato alla riga {aics[aic]}"))
            aics.setdefault(aic, record.line)


def parse_jsonl(text: str) -> list[Record]:
    """Parse and validate a JSON Lines catalogue; raises :class:`ImportRejected`."""
    errors: list[LineError] = []
    records: list[Record] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            raw = json.loads(stripped)
        except json.JSONDecodeError as problem:
            errors.append(LineError(number, f"JSON non valido ({problem.msg})"))
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
            errors.append(LineError(number, "ogni riga deve essere un oggetto con il campo «type»"))
            continue
        record = _validate(number, raw["type"], raw, errors)
        if record is not None:
            records.append(record)
    if not records and not errors:
        errors.append(LineError(1, "il file non contiene record"))
    _check_duplicates(records, errors)
    raise_if_errors(errors)
    return records


# The flat, Farmadati-like CSV: one row per pack. Column -> (record type, field).
CSV_COLUMNS: dict[str, tuple[str, str]] = {
    "ingredient_code": ("ingredient", "code"),
    "ingredient_name_it": ("ingredient", "name_it"),
    "ingredient_name_en": ("ingredient", "name_en"),
    "atc_code": ("ingredient", "atc_code"),
    "product_code": ("product", "code"),
    "product_name": ("product", "name"),
    "holder": ("product", "holder"),
    "form": ("product", "form"),
    "route": ("product", "route"),
    "formulation": ("product", "formulation"),
    "strength": ("product", "strength"),
    "strength_unit": ("product", "strength_unit"),
    "physical_state": ("product", "physical_state"),
    "nominal_volume_ml": ("product", "nominal_volume_ml"),
    "concentration": ("product", "concentration"),
    "storage": ("product", "storage"),
    "photosensitive": ("product", "photosensitive"),
    "pack_code": ("pack", "code"),
    "aic": ("pack", "aic"),
    "gtin": ("pack", "gtin"),
    "pack_description": ("pack", "description"),
    "units_per_pack": ("pack", "units_per_pack"),
    "price_eur": ("pack", "price_eur"),
    "reimbursement_class": ("pack", "reimbursement_class"),
}
CSV_REQUIRED = ("ingredient_code", "product_code", "product_name", "pack_code")


def _csv_reader(text: str) -> csv.DictReader[str]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


def parse_pack_csv(text: str) -> list[Record]:
    """Parse and validate the flat per-pack CSV; raises :class:`ImportRejected`."""
    reader = _csv_reader(text.lstrip("\ufeff"))
    header = [name.strip() for name in reader.fieldnames or []]
    errors: list[LineError] = []
    unknown = [name for name in header if name not in CSV_COLUMNS]
    missing = [name for name in CSV_REQUIRED if name not in header]
    if unknown:
        errors.append(LineError(1, f"colonne sconosciute: {', '.join(unknown)}"))
    if missing:
        errors.append(LineError(1, f"colonne obbligatorie mancanti: {', '.join(missing)}"))
    raise_if_errors(errors)
    records: list[Record] = []
    for row in reader:
        number = reader.line_num
        raw: dict[str, dict[str, Any]] = {"ingredient": {}, "product": {}, "pack": {}}
        for column, value in row.items():
            if column is None:
                errors.append(LineError(number, "la riga ha più campi dell'intestazione"))
                continue
            kind, name = CSV_COLUMNS[column.strip()]
            if value is None or (value.strip() == "" and name != "aic"):
                continue
            raw[kind][name] = value
        raw["product"]["ingredient"] = raw["ingredient"].get("code")
        raw["pack"]["product"] = raw["product"].get("code")
        for kind in ("ingredient", "product", "pack"):
            if kind == "ingredient" and set(raw[kind]) <= {"code"}:
                raw[kind]["_reference_only"] = True
            reference_only = raw[kind].pop("_reference_only", False)
            if reference_only:
                continue
            record = _validate_partial(number, kind, raw[kind], errors)
            if record is not None:
                records.append(record)
    if not records and not errors:
        errors.append(LineError(1, "il file non contiene righe"))
    _check_duplicates(records, errors)
    raise_if_errors(errors)
    return records


def _validate_partial(
    line: int, kind: str, raw: dict[str, Any], errors: list[LineError]
) -> Record | None:
    """Like :func:`_validate`, but a CSV row need not repeat an ingredient's names."""
    if kind == "ingredient":
        spec = INGREDIENT_FIELDS
        values: dict[str, Any] = {}
        for name, value in raw.items():
            if name == "code":
                continue
            try:
                values[name] = spec[name](value)
            except _FieldError as problem:
                errors.append(LineError(line, f"{name}: {problem}"))
                return None
        try:
            key = _code(raw.get("code"))
        except _FieldError as problem:
            errors.append(LineError(line, f"ingredient_code: {problem}"))
            return None
        return Record(line=line, type=kind, key=key, fields=values)
    return _validate(line, kind, raw, errors)
