"""Compounding data of the shipped archive: the missing-data rule, the SmPC figures, the gaps.

Values checked by hand against the SmPC sections the curated rows cite (Taxol, Eloxatin,
Paraplatin, Taxotere, Vepesid, Campto, Gemzar, Abraxane, Velcade).
"""

from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from corsia.drugs.domain.catalogue import ImportRejected, parse_jsonl
from corsia.drugs.domain.compounding_data import (
    CompoundingValueError,
    in_scope,
    missing_compounding_fields,
    missing_counts,
    parse_stability_conditions,
    regimen_scope,
)

DATA = Path(__file__).resolve().parents[2] / "corsia" / "drugs" / "data"


def _gaps_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compounding_gaps", DATA / "compounding_gaps.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _products() -> dict[str, dict[str, Any]]:
    rows = (json.loads(line) for line in (DATA / "catalogue.jsonl").read_text().splitlines()[1:])
    return {r["code"]: r for r in rows if r["type"] == "product"}


CONCENTRATE = {
    "ingredient": "x",
    "physical_state": "concentrate",
    "compatible_diluents": ["sodio cloruro 0,9%"],
    "final_concentration_min": Decimal("0.3"),
    "diluted_stability_hours": Decimal(24),
    "diluted_stability_temperature": "2-8 °C",
    "photosensitive": True,
    "filter_required": "0,22 µm",
    "density_g_ml": Decimal("1.0"),
}


def test_a_product_without_density_is_listed_and_not_once_completed() -> None:
    without = {**CONCENTRATE, "density_g_ml": None, "density_source": "non riportata nell'RCP"}
    assert missing_compounding_fields(without) == ("density",)
    assert missing_compounding_fields(CONCENTRATE) == ()


def test_light_and_filter_count_only_when_set_or_cited() -> None:
    silent = {**CONCENTRATE, "photosensitive": False, "filter_required": ""}
    assert missing_compounding_fields(silent) == ("light", "filter")
    cited = {**silent, "compounding_sources": {"filter": "RCP X sez. 6.6: nessun filtro"}}
    assert missing_compounding_fields(cited) == ("light",)


def test_powder_needs_reconstitution_and_not_applicable_fields_are_skipped() -> None:
    powder = {"ingredient": "x", "physical_state": "powder", "reconstitution_diluent": "NaCl"}
    assert missing_compounding_fields(powder)[:3] == (
        "density",
        "reconstitution",
        "reconstituted_stability",
    )
    skipped = {**powder, "compounding_not_applicable": {"compatible_diluents": "non diluito"}}
    assert "compatible_diluents" in missing_compounding_fields(powder)
    assert "compatible_diluents" not in missing_compounding_fields(skipped)


def test_oral_solids_and_ward_products_need_no_compounding_data() -> None:
    assert missing_compounding_fields({"physical_state": "solid_oral"}) == ()
    ward = {"physical_state": "solution", "preparation_mode": "none"}
    assert missing_compounding_fields(ward) == ()
    assert missing_counts([("density",), ("density", "filter"), ()])["density"] == 2


def test_scope_is_the_pharmacy_components_with_their_formulation() -> None:
    scope = regimen_scope(
        [
            {"ingredient": "paclitaxel", "competence": "pharmacy", "formulation": "albumin_bound"},
            {"ingredient": "ondansetron", "competence": "ward", "formulation": "conventional"},
        ]
    )
    assert scope == {"paclitaxel": {"albumin_bound"}}
    nab = {"ingredient": "paclitaxel", "physical_state": "powder", "formulation": "albumin_bound"}
    assert in_scope(nab, scope)
    assert not in_scope({**nab, "formulation": "conventional"}, scope)


def test_stability_conditions_are_validated() -> None:
    parsed = parse_stability_conditions(
        [{"container": "polyolefin", "temperature": "25 °C", "hours": "27", "source": "RCP"}]
    )
    assert parsed[0]["hours"] == "27" and parsed[0]["diluent"] == ""
    for bad in (
        [{"container": "tin", "temperature": "25 °C", "hours": "1", "source": "RCP"}],
        [{"container": "glass", "temperature": "25 °C", "hours": "0", "source": "RCP"}],
        [{"container": "glass", "temperature": "25 °C", "hours": "1", "source": ""}],
    ):
        with pytest.raises(CompoundingValueError):
            parse_stability_conditions(bad)
    line = '{"type": "product", "code": "p", "compounding_sources": {"colour": "x"}}'
    with pytest.raises(ImportRejected) as rejected:
        parse_jsonl(line)
    assert "non è un dato di allestimento" in str(rejected.value.details["errors"])


def test_paclitaxel_smpc_figures() -> None:
    """RCP Taxol 6.6: 6 mg/mL, 0.3-1.2 mg/mL after dilution, filter <= 0.22 µm, no PVC."""
    p = _products()["paclitaxel_300mg_50ml_paclitaxel"]
    assert (p["concentration"], p["final_concentration_min"], p["final_concentration_max"]) == (
        "6",
        "0.3",
        "1.2",
    )
    assert "0,22 µm" in p["filter_required"] and p["pvc_free_required"] is True
    assert p["compounding_sources"]["final_concentration"].startswith("RCP Taxol sez. 6.6")
    assert {c["container"] for c in p["diluted_stability_conditions"]} == {"polyolefin", "glass"}
    assert "pvc" not in {c["container"] for c in p["diluted_stability_conditions"]}
    assert p["to_verify"] is True
    assert missing_compounding_fields(p) == ()


def test_oxaliplatin_glucose_only_and_its_stability() -> None:
    """RCP Eloxatin 6.2/6.6: glucose 5 % only (chlorides degrade it); 24 h 2-8 °C, 6 h 25 °C."""
    p = _products()["oxaliplatin_100mg_20ml_oxaliplatino"]
    assert p["compatible_diluents"] == ["glucosio 5%"]
    assert "NaCl" in p["compounding_sources"]["compatible_diluents"]
    assert (p["final_concentration_min"], p["final_concentration_max"]) == ("0.2", "0.7")
    assert [(c["temperature"], c["hours"]) for c in p["diluted_stability_conditions"]] == [
        ("2-8 °C", "24"),
        ("25 °C", "6"),
    ]


def test_carboplatin_docetaxel_etoposide_irinotecan_figures() -> None:
    products = _products()
    carboplatin = products["carboplatin_450mg_45ml_carboplatino"]
    assert carboplatin["final_concentration_min"] == "0.5"  # RCP Paraplatin 6.6
    assert "sez. 6.4" in carboplatin["compounding_sources"]["light"]
    docetaxel = products["docetaxel_80mg_4ml_docetaxel"]
    assert docetaxel["final_concentration_max"] == "0.74"  # RCP Taxotere 6.6
    assert [(c["temperature"], c["hours"]) for c in docetaxel["diluted_stability_conditions"]] == [
        ("25 °C", "6"),
        ("2-8 °C", "48"),
    ]
    etoposide = products["etoposide_100mg_5ml_etoposide"]
    assert (etoposide["final_concentration_min"], etoposide["final_concentration_max"]) == (
        "0.2",
        "0.4",
    )
    assert "density_g_ml" not in etoposide  # not in the SmPC: said so, never invented
    assert "pesata" in etoposide["density_source"]
    campto = products["irinotecan_100mg_5ml_campto"]
    assert (campto["final_concentration_min"], campto["final_concentration_max"]) == (
        "0.12",
        "2.8",
    )
    gemzar = products["gemcitabine_1000mg_powder_gemzar"]
    assert (gemzar["reconstitution_volume_ml"], gemzar["concentration"]) == ("25", "38")
    assert gemzar["final_concentration_min"] == "0.1"


def test_undiluted_products_say_why_dilution_does_not_apply() -> None:
    products = _products()
    abraxane = products["paclitaxel_100mg_powder_abraxane"]
    assert set(abraxane["compounding_not_applicable"]) == {
        "compatible_diluents",
        "final_concentration",
    }
    velcade = products["bortezomib_3_5mg_powder_velcade"]
    assert "diluted_stability" in velcade["compounding_not_applicable"]
    assert "diluted_stability" not in missing_compounding_fields(velcade)


def test_gaps_of_the_shipped_library() -> None:
    """The script's list: products of the library's regimens the pharmacy compounds."""
    found, without_product = _gaps_script().gaps()
    assert "paclitaxel_300mg_50ml_paclitaxel" in found
    assert "paclitaxel_100mg_powder_abraxane" in found  # nab-paclitaxel regimen
    assert "doxorubicin_20mg_10ml_caelyx" in found  # pegylated liposomal regimen
    assert "capecitabine_500mg_xeloda" not in found  # oral solid
    ondansetron = _products()["ondansetron_8mg_4ml_ondansetron"]
    assert ondansetron["physical_state"] == "solution"
    assert "ondansetron_8mg_4ml_ondansetron" not in found  # ward supportive, not compounded
    assert found["paclitaxel_300mg_50ml_paclitaxel"] == ()
    assert "density" in found["etoposide_100mg_5ml_etoposide"]
    assert "density" not in found["oxaliplatin_100mg_20ml_oxaliplatino"]
    # compounded by a regimen but with no product in the archive: named, not hidden
    scope = _gaps_script().library_scope()
    assert without_product and set(without_product) <= set(scope)
    assert not {p["ingredient"] for p in _products().values() if p["code"] in found} & set(
        without_product
    )
