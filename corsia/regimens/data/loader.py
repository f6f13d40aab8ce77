"""Reads the preloaded library from its YAML files into the documents ``spec_from_dict`` parses.

The files (``library/*.yaml``) are the reviewable form of the library: one entry per
regimen, written from its primary publication. ``library/blocks.yaml`` holds the standard
supportive blocks (antiemetic premedication by emetogenic level, taxane and antibody
premedication, cisplatin hydration, G-CSF), each defined once and referenced from a
regimen's components as ``{use: <block>, days: [...]}``. The format is described in
``corsia/regimens/README.md`` ("The preloaded library").

Only ``yaml.safe_load`` is used. Every problem in a file (an unknown key, an unknown block,
a dose that is not a number) is a :class:`LibraryFileError` naming the file and the regimen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from corsia.regimens.domain.spec import DOSE_UNITS
from corsia.regimens.domain.structure import MAX_CYCLE_LENGTH_DAYS as MAX_DAY

Doc = dict[str, Any]

LIBRARY_DIR = Path(__file__).resolve().parent / "library"
BLOCKS_FILE = "blocks.yaml"
# The shipped regimen files, in the order of the library (the order of ``documents()``); any
# other ``*.yaml`` of the folder (a hospital's own file) follows them, in name order.
REGIMEN_FILES = (
    "solid.yaml",
    "solid_breast.yaml",
    "solid_thoracic.yaml",
    "solid_gi.yaml",
    "solid_gu_gyn.yaml",
    "solid_other.yaml",
    "haematology.yaml",
    "transplant.yaml",
    "paediatric.yaml",
    "haem_myeloma.yaml",
    "haem_lymphoma.yaml",
    "haem_leukaemia.yaml",
    "conditioning.yaml",
    "paediatric_protocols.yaml",
)

REGIMEN_KEYS = {
    "code",
    "name",
    "description",
    "therapy",
    "intent",
    "cycle",
    "max_cycles",
    "notes",
    "indications",
    "references",
    "paediatric",
    "dosing",
    "components",
}
REFERENCE_KEYS = ("authors", "title", "journal", "year", "citation")
INDICATION_SYSTEMS = ("icd9cm", "icdo3_site", "icdo3_morphology")
PAEDIATRIC_KEYS = {
    "below_kg": "mg_kg_below_weight_kg",
    "below_bsa": "mg_kg_below_bsa_m2",
    "decimals": "dose_decimals",
    "min_kg": "min_weight_kg",
}
# Component keys of the file -> the key of the document. Omitted keys take the defaults
# of ``_component`` (the same as the Python builders they replace).
COMPONENT_KEYS = {
    "ingredient": "ingredient",
    "dose": "dose",
    "unit": "dose_unit",
    "days": "days",
    "route": "route",
    "role": "role",
    "minutes": "duration_minutes",
    "infusion": "infusion_type",
    "description": "dose_description",
    "max_dose": "max_dose",
    "preparation": "preparation",
    "form": "form",
    "formulation": "formulation",
    "notes": "notes",
    "interval_after": "interval_after_minutes",
    "observation": "observation_minutes",
    "conditions": "infusion_conditions",
    "cycles": "cycles",
    "competence": "competence",
    "concentration": "concentration_mg_ml",
    "age_bands": "age_bands",
    "obese_weight": "obese_weight_basis",
    "adjusted_factor": "adjusted_weight_factor",
    "per_day": "administrations_per_day",
}
DECIMAL_KEYS = {"dose", "max_dose", "concentration"}
INT_KEYS = {"minutes", "interval_after", "observation"}
DAY_RANGE = re.compile(r"(\d+)-(\d+)")
PARENTERAL_PHARMACY_ROUTES = ("iv", "sc", "it", "im", "intravesical")


class LibraryFileError(ValueError):
    """A library file that cannot be read: the message names the file and the regimen."""


class _Where:
    def __init__(self, file: str, regimen: str = "") -> None:
        self.file = file
        self.regimen = regimen

    def fail(self, what: str) -> LibraryFileError:
        where = f"{self.file}, regimen {self.regimen}" if self.regimen else self.file
        return LibraryFileError(f"{where}: {what}")


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LibraryFileError(f"{path.name}: not valid YAML ({exc})") from None
    except UnicodeDecodeError:
        raise LibraryFileError(f"{path.name}: not UTF-8 text") from None
    except ValueError:  # an integer past Python's 4300 digits: yaml's int() refuses it
        raise LibraryFileError(f"{path.name}: a number too long to read") from None


def _mapping(value: Any, where: _Where, what: str, allowed: Iterable[str]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise where.fail(f"{what} must be a mapping")
    unknown = sorted(str(k) for k in value if k not in set(allowed))
    if unknown:
        raise where.fail(f"unknown key {', '.join(unknown)} in {what}")
    return value


def _decimal_text(value: Any, where: _Where, what: str) -> str | None:
    """A decimal as the document writes it (text), from a YAML number or text."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise where.fail(f"{what} is not a number: {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if not math.isfinite(value) or "e" in text:
            raise where.fail(f"{what} is not a plain decimal number: {value!r}")
        return text
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise where.fail(f"{what} is not a number: {value!r}") from None
        if not number.is_finite():
            raise where.fail(f"{what} is not a finite number: {value!r}")
        return value
    raise where.fail(f"{what} is not a number: {value!r}")


def _integer(value: Any, where: _Where, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.fail(f"{what} is not a whole number: {value!r}")
    number: int = value
    return number


def _days(value: Any, where: _Where, what: str) -> list[int]:
    """Day numbers; ``"1-5"`` in the list stands for days 1, 2, 3, 4 and 5."""
    if not isinstance(value, list) or not value:
        raise where.fail(f"{what}: days must be a non-empty list of day numbers")
    out: list[int] = []
    for day in value:
        if isinstance(day, int) and not isinstance(day, bool):
            out.append(day)
            continue
        match = DAY_RANGE.fullmatch(day) if isinstance(day, str) else None
        # a range is read only up to a cycle's longest: "1-99999999999" is no cycle, and
        # would be a list of that many days
        if match is not None and max(len(match[1]), len(match[2])) > len(str(MAX_DAY)):
            raise where.fail(f"{what}: a day range beyond day {MAX_DAY}: {day[:20]!r}")
        if match is None or int(match[1]) >= int(match[2]):
            raise where.fail(f"{what}: a day is not a number or a range like 1-5: {day!r}")
        if int(match[2]) > MAX_DAY:
            raise where.fail(f"{what}: a day range beyond day {MAX_DAY}: {day!r}")
        out.extend(range(int(match[1]), int(match[2]) + 1))
    return out


def _text(value: Any, where: _Where, what: str) -> str:
    if not isinstance(value, str):
        raise where.fail(f"{what} must be text, not {value!r}")
    return value


def _component(raw: Any, where: _Where, what: str) -> Doc:
    c = _mapping(raw, where, what, COMPONENT_KEYS)
    for key in ("ingredient", "dose", "unit", "days"):
        if key not in c:
            raise where.fail(f"{what}: missing {key}")
    unit = _text(c["unit"], where, f"{what}: unit")
    if unit not in DOSE_UNITS:
        raise where.fail(f"{what}: unknown dose unit {unit!r}")
    route = _text(c.get("route", "iv"), where, f"{what}: route")
    role = _text(c.get("role", "antineoplastic"), where, f"{what}: role")
    minutes = _integer(c.get("minutes"), where, f"{what}: minutes")
    infusion = c.get("infusion")
    if infusion is None:
        infusion = "" if route != "iv" else ("infusion" if minutes else "bolus")
    competence = c.get("competence")
    if competence is None:
        parenteral = route in PARENTERAL_PHARMACY_ROUTES
        competence = "pharmacy" if role == "antineoplastic" and parenteral else "ward"
    cycles = c.get("cycles", [1, None])
    if not isinstance(cycles, list) or len(cycles) != 2:
        raise where.fail(f"{what}: cycles must be [from, to] (to: null for all)")
    bands = c.get("age_bands", [])
    if not isinstance(bands, list):
        raise where.fail(f"{what}: age_bands must be a list")
    ingredient = _text(c["ingredient"], where, f"{what}: ingredient")
    label = f"{what} ({ingredient})"
    return {
        "ingredient": ingredient,
        "role": role,
        "days": _days(c["days"], where, label),
        "dose": _decimal_text(c["dose"], where, f"{label}: dose"),
        "dose_unit": unit,
        "calculation": DOSE_UNITS[unit].value,
        "dose_description": _text(c.get("description", ""), where, f"{label}: description"),
        "max_dose": _decimal_text(c.get("max_dose"), where, f"{label}: max_dose"),
        "route": route,
        "competence": competence,
        "notes": _text(c.get("notes", ""), where, f"{label}: notes"),
        "preparation": _text(c.get("preparation", ""), where, f"{label}: preparation"),
        "form": _text(c.get("form", ""), where, f"{label}: form"),
        "formulation": _text(c.get("formulation", "conventional"), where, f"{label}: formulation"),
        "infusion_type": infusion,
        "duration_minutes": minutes,
        "interval_after_minutes": _integer(c.get("interval_after"), where, f"{label}: interval"),
        "infusion_conditions": _text(c.get("conditions", ""), where, f"{label}: conditions"),
        "observation_minutes": _integer(c.get("observation"), where, f"{label}: observation"),
        "concentration_mg_ml": _decimal_text(
            c.get("concentration"), where, f"{label}: concentration"
        ),
        "cycle_from": _integer(cycles[0], where, f"{label}: first cycle"),
        "cycle_to": _integer(cycles[1], where, f"{label}: last cycle"),
        "age_bands": [_age_band(band, where, label) for band in bands],
        "obese_weight_basis": _text(c.get("obese_weight", ""), where, f"{label}: obese_weight")
        or None,
        "adjusted_weight_factor": _decimal_text(
            c.get("adjusted_factor"), where, f"{label}: adjusted_factor"
        ),
        "administrations_per_day": _integer(c.get("per_day", 1), where, f"{label}: per_day") or 0,
    }


def _age_band(raw: Any, where: _Where, what: str) -> Doc:
    band = _mapping(raw, where, f"{what}: age band", ("from", "to", "dose"))
    return {
        "from_years": _integer(band.get("from"), where, f"{what}: age band from"),
        "to_years": _integer(band.get("to"), where, f"{what}: age band to"),
        "dose": _decimal_text(band.get("dose"), where, f"{what}: age band dose"),
    }


def load_blocks(path: Path | None = None) -> dict[str, list[Mapping[str, Any]]]:
    """The named blocks: each a list of components without days (given where used)."""
    path = path or LIBRARY_DIR / BLOCKS_FILE
    where = _Where(path.name)
    data = _mapping(_read(path), where, "the file", ("blocks",))
    blocks = data.get("blocks")
    if not isinstance(blocks, dict):
        raise where.fail("blocks must be a mapping of block name -> list of components")
    out: dict[str, list[Mapping[str, Any]]] = {}
    for name, items in blocks.items():
        if not isinstance(items, list) or not items:
            raise where.fail(f"block {name} must be a non-empty list of components")
        for item in items:
            _mapping(item, where, f"block {name}", COMPONENT_KEYS)
            if "days" in item:
                raise where.fail(f"block {name}: days are given where the block is used")
        out[str(name)] = items
    return out


def _expand(raw: Any, blocks: Mapping[str, list[Mapping[str, Any]]], where: _Where, n: int) -> Any:
    """``{use: name, days: [...], <key>: value}`` -> the block's components with those keys."""
    if not isinstance(raw, dict) or "use" not in raw:
        return [raw]
    name = raw["use"]
    if name not in blocks:
        known = ", ".join(sorted(blocks))
        raise where.fail(f"component {n}: unknown block {name!r} (blocks: {known})")
    overrides = {k: v for k, v in raw.items() if k != "use"}
    _mapping(overrides, where, f"component {n} (use: {name})", COMPONENT_KEYS)
    if "days" not in overrides:
        raise where.fail(f"component {n} (use: {name}): missing days")
    return [{**item, **overrides} for item in blocks[name]]


def _indication(raw: Any, where: _Where) -> Doc:
    ind = _mapping(raw, where, "an indication", (*INDICATION_SYSTEMS, "label"))
    systems = [s for s in INDICATION_SYSTEMS if s in ind]
    if len(systems) != 1 or "label" not in ind:
        raise where.fail(f"an indication names one of {', '.join(INDICATION_SYSTEMS)} and a label")
    code = ind[systems[0]]
    return {
        "system": systems[0],
        "code": _text(code, where, "indication code"),
        "label": _text(ind["label"], where, "indication label"),
    }


def _reference(raw: Any, where: _Where) -> Doc:
    r = _mapping(raw, where, "a reference", REFERENCE_KEYS)
    for key in ("authors", "title", "journal", "year"):
        if key not in r:
            raise where.fail(f"a reference misses {key}")
    return {
        "authors": _text(r["authors"], where, "reference authors"),
        "title": _text(r["title"], where, "reference title"),
        "journal": _text(r["journal"], where, "reference journal"),
        "year": _integer(r["year"], where, "reference year"),
        "citation": _text(r.get("citation", ""), where, "reference citation"),
    }


def _paediatric(raw: Any, where: _Where) -> Doc | None:
    if raw is None:
        return None
    p = _mapping(raw, where, "paediatric", PAEDIATRIC_KEYS)
    return {
        "mg_kg_below_weight_kg": _decimal_text(p.get("below_kg"), where, "paediatric below_kg"),
        "mg_kg_below_bsa_m2": _decimal_text(p.get("below_bsa"), where, "paediatric below_bsa"),
        "dose_decimals": _integer(p.get("decimals", 2), where, "paediatric decimals"),
        "min_weight_kg": _decimal_text(p.get("min_kg"), where, "paediatric min_kg"),
    }


def _regimen(raw: Any, blocks: Mapping[str, list[Mapping[str, Any]]], file: str) -> Doc:
    code = raw.get("code") if isinstance(raw, dict) else None
    where = _Where(file, str(code or "?"))
    r = _mapping(raw, where, "the regimen", REGIMEN_KEYS)
    for key in ("code", "name", "therapy", "intent", "cycle", "components"):
        if key not in r:
            raise where.fail(f"missing {key}")
    items = r["components"]
    if not isinstance(items, list) or not items:
        raise where.fail("components must be a non-empty list")
    components: list[Doc] = []
    for n, item in enumerate(items, start=1):
        for part in _expand(item, blocks, where, n):
            components.append(_component(part, where, f"component {n}"))
    for index, component in enumerate(components, start=1):
        component["sequence"] = index
    dosing = r.get("dosing", {})
    if not isinstance(dosing, dict):
        raise where.fail("dosing must be a mapping")
    return {
        "code": _text(r["code"], where, "code"),
        "name": _text(r["name"], where, "name"),
        "description": _text(r.get("description", ""), where, "description"),
        "therapy_type": _text(r["therapy"], where, "therapy"),
        "intent": _text(r["intent"], where, "intent"),
        "is_standard": True,
        "cycle_length_days": _integer(r["cycle"], where, "cycle"),
        "max_cycles": _integer(r.get("max_cycles"), where, "max_cycles"),
        "notes": _text(r.get("notes", ""), where, "notes"),
        "bibliography": [_reference(x, where) for x in _list(r.get("references"), where)],
        "diseases": [_indication(x, where) for x in _list(r.get("indications"), where)],
        "paediatric": _paediatric(r.get("paediatric"), where),
        "dosing": dict(dosing),
        "components": components,
    }


def _list(value: Any, where: _Where) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise where.fail(f"expected a list, not {value!r}")
    return value


def load_file(path: Path, blocks: Mapping[str, list[Mapping[str, Any]]]) -> list[Doc]:
    where = _Where(path.name)
    data = _mapping(_read(path), where, "the file", ("regimens",))
    entries = data.get("regimens")
    if not isinstance(entries, list):
        raise where.fail("regimens must be a list")
    return [_regimen(entry, blocks, path.name) for entry in entries]


def load_documents(directory: Path | None = None) -> list[Doc]:
    """Every regimen of the library, as plain documents, in file order."""
    directory = directory or LIBRARY_DIR
    blocks = load_blocks(directory / BLOCKS_FILE)
    docs: list[Doc] = []
    others = sorted(
        p.name
        for p in directory.glob("*.yaml")
        if p.name not in REGIMEN_FILES and p.name != BLOCKS_FILE
    )
    for name in (*REGIMEN_FILES, *others):
        docs.extend(load_file(directory / name, blocks))
    seen: set[str] = set()
    for doc in docs:
        if doc["code"] in seen:
            raise LibraryFileError(f"regimen {doc['code']} is written twice in the library")
        seen.add(doc["code"])
    return docs
