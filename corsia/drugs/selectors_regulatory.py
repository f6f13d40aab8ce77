"""The AIFA registry and Law 648/96 table (``data/curated/aifa_regulatory.yaml``), read
once per process: the one door prescribing and dispensing read it through."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from corsia.drugs.domain.regulatory import (
    Law648Row,
    RegistryRow,
    RegulatoryTable,
    has_registry,
    law_648_for,
    parse_table,
    registries_for,
)

TABLE_PATH = Path(__file__).resolve().parent / "data" / "curated" / "aifa_regulatory.yaml"

__all__ = [
    "Law648Row",
    "RegistryRow",
    "RegulatoryTable",
    "ingredient_has_registry",
    "law_648_for_indication",
    "registries_for_indication",
    "regulatory_table",
]


@cache
def regulatory_table() -> RegulatoryTable:
    with TABLE_PATH.open(encoding="utf-8") as handle:
        return parse_table(yaml.safe_load(handle))


def registries_for_indication(*, ingredient_code: str, diagnosis_code: str) -> list[RegistryRow]:
    return registries_for(regulatory_table(), ingredient_code, diagnosis_code)


def law_648_for_indication(*, ingredient_code: str, diagnosis_code: str) -> list[Law648Row]:
    return law_648_for(regulatory_table(), ingredient_code, diagnosis_code)


def ingredient_has_registry(*, ingredient_code: str) -> bool:
    return has_registry(regulatory_table(), ingredient_code)
