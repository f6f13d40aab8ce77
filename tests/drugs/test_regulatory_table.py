"""The AIFA registry and Law 648/96 table: a drug is under a registry for one indication
and not another (hand-picked rows), ICD-9-CM prefixes, the curated file parses and names
real archive ingredients."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corsia.drugs.domain.regulatory import (
    indication_matches,
    law_648_for,
    parse_table,
    registries_for,
)
from corsia.drugs.selectors_regulatory import TABLE_PATH, regulatory_table

TABLE = parse_table(
    {
        "registries": [
            {"ingredient": "bevacizumab", "registry": "Avastin - ovaio",
             "indications": ["183"], "label": "Ovaio"},
            {"ingredient": "lenalidomide", "registry": "Revlimid - mieloma",
             "indications": ["203.0"], "label": "Mieloma"},
        ],
        "law_648": [
            {"ingredient": "oxaliplatin", "indications": ["151"], "label": "Stomaco",
             "reference": "648 - oxaliplatino stomaco"},
        ],
    }
)  # fmt: skip


def test_a_registry_for_one_indication_and_not_another() -> None:
    # bevacizumab: ovarian cancer (183.0) under the registry, colon cancer (153.9) not
    assert [r.registry for r in registries_for(TABLE, "bevacizumab", "183.0")] == [
        "Avastin - ovaio"
    ]
    assert registries_for(TABLE, "bevacizumab", "153.9") == []
    assert registries_for(TABLE, "oxaliplatin", "183.0") == []


@pytest.mark.parametrize(
    ("prefixes", "code", "expected"),
    [
        (["203.0"], "203.00", True),
        (["203.0"], "203.01", True),
        (["203.0"], "203.1", False),
        (["183"], "183.0", True),
        (["183"], "183", True),
        (["18"], "183.0", False),
        (["174"], "1749", False),
        (["151"], " 151.9 ", True),
    ],
)
def test_icd9_prefixes(prefixes: list[str], code: str, expected: bool) -> None:
    assert indication_matches(prefixes, code) is expected


def test_a_648_listing_by_drug_and_indication() -> None:
    [row] = law_648_for(TABLE, "oxaliplatin", "151.9")
    assert row.reference == "648 - oxaliplatino stomaco"
    assert law_648_for(TABLE, "oxaliplatin", "153.9") == []


def test_a_malformed_row_is_refused() -> None:
    with pytest.raises(ValueError, match=r"registries\[0\]: «indications»"):
        parse_table({"registries": [{"ingredient": "x", "registry": "y", "label": "z"}]})


def test_the_curated_file_is_marked_to_verify_and_names_archive_ingredients() -> None:
    table = regulatory_table()
    assert table.to_verify is True
    assert "AIFA" in table.source
    assert len(table.registries) >= 12 and len(table.law_648) >= 4
    catalogue = TABLE_PATH.parent.parent / "catalogue.jsonl"
    codes = {
        json.loads(line)["code"]
        for line in Path(catalogue).read_text(encoding="utf-8").splitlines()
        if line.startswith("{") and json.loads(line).get("type") == "ingredient"
    }
    named = {r.ingredient for r in table.registries} | {r.ingredient for r in table.law_648}
    assert named - codes == set()
