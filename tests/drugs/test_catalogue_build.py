"""The shipped catalogue.jsonl is what build_catalogue.py builds from the curated YAML tables:
an edit to curated/*.yaml without regenerating (or a hand edit of the .jsonl) fails here."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

DATA = Path(__file__).resolve().parents[2] / "corsia" / "drugs" / "data"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_catalogue", DATA / "build_catalogue.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_catalogue_is_the_build_of_the_curated_tables() -> None:
    records = _script().build()
    shipped = (DATA / "catalogue.jsonl").read_text(encoding="utf-8").splitlines()
    built = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records]
    assert shipped[0].startswith("# Corsia drug archive reference data.")
    assert shipped[1:] == built


def test_a_misspelt_product_field_stops_the_build() -> None:
    script = _script()
    entry = {
        "product": {
            "code": "x",
            "ingredient": "x",
            "name": "X",
            "strength": "1",
            "unit": "mg",
            "state": "powder",
            "storge": "2-8 °C",
        }
    }
    with pytest.raises(SystemExit, match=r"unknown \['storge'\]"):
        script._products(entry)
    with pytest.raises(SystemExit, match="expected the keys a, b"):
        script._row({"a": 1, "c": 2}, ("a", "b"))
