"""AIFA monitoring registries and Law 648/96 listings by ingredient and indication (pure).

The table is the curated file ``data/curated/aifa_regulatory.yaml`` (to verify by the
pharmacist); an indication is a prefix of ICD-9-CM codes: ``"203.0"`` covers ``203.00`` and
``203.01``, ``"183"`` covers ``183.0`` but ``"18"`` does not cover ``183.0`` (a prefix
without a dot ends at the code's dot)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RegistryRow:
    ingredient: str
    registry: str
    indications: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class Law648Row:
    ingredient: str
    indications: tuple[str, ...]
    label: str
    reference: str


@dataclass(frozen=True)
class RegulatoryTable:
    registries: tuple[RegistryRow, ...]
    law_648: tuple[Law648Row, ...]
    source: str = ""
    to_verify: bool = True


def indication_matches(prefixes: Iterable[str], code: str) -> bool:
    """Whether the diagnosis ``code`` falls under one of the ICD-9-CM ``prefixes``."""
    code = code.strip().upper()
    for prefix in prefixes:
        p = prefix.strip().upper()
        if not p or not code.startswith(p):
            continue
        if len(code) == len(p) or "." in p or code[len(p)] == ".":
            return True
    return False


def registries_for(table: RegulatoryTable, ingredient: str, code: str) -> list[RegistryRow]:
    """The registries of ``ingredient`` for the diagnosis ``code``."""
    return [
        r
        for r in table.registries
        if r.ingredient == ingredient and indication_matches(r.indications, code)
    ]


def has_registry(table: RegulatoryTable, ingredient: str) -> bool:
    """Whether some indication of ``ingredient`` is under an AIFA registry."""
    return any(r.ingredient == ingredient for r in table.registries)


def law_648_for(table: RegulatoryTable, ingredient: str, code: str) -> list[Law648Row]:
    """The Law 648/96 listings of ``ingredient`` for the diagnosis ``code``."""
    return [
        r
        for r in table.law_648
        if r.ingredient == ingredient and indication_matches(r.indications, code)
    ]


def _text(row: Mapping[str, Any], key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: «{key}» mancante")
    return value.strip()


def _indications(row: Mapping[str, Any], where: str) -> tuple[str, ...]:
    values = row.get("indications")
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{where}: «indications» deve essere un elenco di codici ICD-9-CM")
    return tuple(v.strip() for v in values)


def parse_table(data: Mapping[str, Any]) -> RegulatoryTable:
    """The table from the curated file's mapping; a malformed row raises ``ValueError``."""
    registries = tuple(
        RegistryRow(
            ingredient=_text(row, "ingredient", f"registries[{n}]"),
            registry=_text(row, "registry", f"registries[{n}]"),
            indications=_indications(row, f"registries[{n}]"),
            label=_text(row, "label", f"registries[{n}]"),
        )
        for n, row in enumerate(data.get("registries") or [])
    )
    listings = tuple(
        Law648Row(
            ingredient=_text(row, "ingredient", f"law_648[{n}]"),
            indications=_indications(row, f"law_648[{n}]"),
            label=_text(row, "label", f"law_648[{n}]"),
            reference=_text(row, "reference", f"law_648[{n}]"),
        )
        for n, row in enumerate(data.get("law_648") or [])
    )
    return RegulatoryTable(
        registries=registries,
        law_648=listings,
        source=str(data.get("source") or "").strip(),
        to_verify=bool(data.get("to_verify", True)),
    )
