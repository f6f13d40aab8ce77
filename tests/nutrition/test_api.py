"""POST /api/v1/nutrition/preview: the contract example (the adult bag of
test_composition, written here in mmol and mEq), every 422 with its code, blocks, the
permission (prescribers and pharmacists), nothing written, the OpenAPI example.

By hand (see test_composition): NaCl 80 mmol / 2 mmol/mL = 40 mL; KCl 60 mEq = 60 mmol /
2 = 30 mL; Glycophos 15 mmol / 1 = 15 mL; calcium gluconate 4.5 mmol / 0.225 = 20 mL;
volume 1895 mL; kcal 400 + 934.9717 + 500 = 1834.9717; non-protein 1434.9717;
NPC:N 1434.9717 / 16.2 = 88.5785; GIR 250 000 / 70 / 1440 = 2.4802 mg/kg/min;
osmolarity 2 854 620 / 1895 = 1506.3958 mOsm/L."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.nutrition.schemas import ADULT_EXAMPLE, NEONATE_EXAMPLE
from corsia.testing.accounts import assert_permission_refused
from corsia.testing.bad_input_corpus import MISSING, body_with

ClientFor = Callable[[Role], Client]
URL = "/api/v1/nutrition/preview"
EXAMPLE = ADULT_EXAMPLE


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _post(client: Client, body: Any) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_contract_example_as_a_physician(client_for: ClientFor) -> None:
    client = client_for(Role.PHYSICIAN)
    before = _row_counts()
    response = _post(client, EXAMPLE)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["volume_ml"] == 1895
    assert data["kcal"] == pytest.approx(1834.9717, abs=5e-5)
    assert data["non_protein_kcal"] == pytest.approx(1434.9717, abs=5e-5)
    assert data["npc_per_g_nitrogen"] == pytest.approx(88.5785, abs=5e-5)
    assert data["gir_mg_kg_min"] == pytest.approx(2.4802, abs=5e-5)
    assert data["osmolarity_mosm_l"] == pytest.approx(1506.3958, abs=5e-5)
    assert [c["volume_ml"] for c in data["components"]] == [
        1000, 500, 250, 40, 30, 15, 20, 20, 10, 10
    ]  # fmt: skip
    assert data["calcium_phosphate"]["verdict"] == "compatible"
    assert data["band"] == "adult"
    assert [(f["code"], f["severity"]) for f in data["findings"]] == [
        ("osmolarity_not_labelled", "warn")
    ]
    assert data["blocked"] is False
    assert "osmolarity_mosm_l" in data["formulas"]
    # the order of additions: base, phosphate, electrolytes, trace elements, calcium,
    # water-soluble vitamins, lipids last
    assert [s["code"] for s in data["compounding_sequence"]] == [
        "AA_AMINOVEN_10", "GLU_50", "P_GLYCOPHOS", "NA_CL_2", "K_CL_2", "MG_SO4_10",
        "TE_ADDAVEN", "CA_GLUC_10", "VIT_SOLUVIT_N", "LIP_SMOFLIPID_20",
    ]  # fmt: skip
    assert _row_counts() == before


def test_peripheral_route_blocks_with_its_code(client_for: ClientFor) -> None:
    body = copy.deepcopy(EXAMPLE)
    body["patient"]["route"] = "peripheral"
    data = _post(client_for(Role.PHARMACIST), body).json()
    assert data["blocked"] is True
    block = data["findings"][0]
    assert (block["code"], block["severity"], block["limit"]) == (
        "peripheral_osmolarity_exceeded", "block", 900
    )  # fmt: skip


def test_the_neonatal_example_per_kg(client_for: ClientFor) -> None:
    body = NEONATE_EXAMPLE
    data = _post(client_for(Role.PHYSICIAN), body).json()
    # 1.2 kg x 3 g/kg = 3.6 g of 10% = 36 mL; GIR 11.52 g/kg/day = 8 mg/kg/min
    assert data["components"][0]["volume_ml"] == 36
    assert data["gir_mg_kg_min"] == 8
    assert data["band"] == "neonate_preterm"


def _with(path: str, value: Any) -> dict[str, Any]:
    return body_with(EXAMPLE, path, value)


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("patient.weight_kg", 0, "weight_out_of_range"),
        ("patient.weight_kg", -70, "weight_out_of_range"),
        ("patient.weight_kg", MISSING, "weight_missing"),
        ("patient.weight_kg", 1e308, "validation_failed"),
        ("patient.age_years", MISSING, "age_missing"),
        ("patient.age_days", 10, "age_ambiguous"),
        ("patient.route", "intraosseous", "validation_failed"),
        ("patient.weight_measured_on", "2000-01-01", "weight_stale"),
        ("infusion_hours", 0, "infusion_hours_out_of_range"),
        ("components.0.code", "NOPE", "component_unknown"),
        ("components.0.amount", -1, "amount_not_positive"),
        ("components.0.amount", 1e308, "validation_failed"),
        ("components.0.unit", "mEq", "unit_not_applicable"),
        ("components.0.unit", "tablespoon", "validation_failed"),
        ("components", [], "components_required"),
    ],
)
def test_bad_input_is_a_422_problem_with_its_code(
    client_for: ClientFor, path: str, value: Any, code: str
) -> None:
    response = _post(client_for(Role.PHYSICIAN), _with(path, value))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    ("path", "value"), [("components.0.code", "AA\x00"), ("patient.route", "\x00")]
)
def test_a_nul_byte_is_refused_before_anything_is_computed(
    client_for: ClientFor, path: str, value: str
) -> None:
    # the project's middleware refuses NUL anywhere in a body (400, invalid_characters)
    response = _post(client_for(Role.PHYSICIAN), _with(path, value))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


def test_the_field_of_a_component_refusal_is_named(client_for: ClientFor) -> None:
    response = _post(client_for(Role.PHYSICIAN), _with("components.3.code", "NOPE"))
    assert response.json()["field"] == "components.3.code"


def test_a_body_that_is_not_json_is_a_422(client_for: ClientFor) -> None:
    response = client_for(Role.PHYSICIAN).post(URL, "{", content_type="application/json")
    assert response.status_code in {400, 422}
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "role", [Role.NURSE, Role.TECHNICIAN, Role.COORDINATOR, Role.IT_STAFF, Role.AUDITOR]
)
def test_a_role_without_the_permission_gets_403_and_nothing_is_written(
    client_for: ClientFor, role: Role
) -> None:
    client = client_for(role)
    before = _row_counts()  # after signing in
    assert_permission_refused(_post(client, EXAMPLE))
    assert _row_counts() == before


@pytest.mark.django_db
def test_anonymous_gets_401() -> None:
    assert _post(Client(), EXAMPLE).status_code == 401


def test_openapi_documents_the_preview_with_its_example(client_for: ClientFor) -> None:
    schema = client_for(Role.PHYSICIAN).get("/api/v1/openapi.json")
    assert schema.status_code == 200
    document = schema.json()
    operation = document["paths"]["/api/v1/nutrition/preview"]["post"]
    assert operation["tags"] == ["nutrition"]
    assert "422" in operation["responses"]
    preview_in = json.dumps(document["components"]["schemas"]["PreviewIn"])
    assert "AA_AMINOVEN_10" in preview_in and "g/kg" in preview_in


def test_the_compounder_csv_of_the_example(client_for: ClientFor) -> None:
    response = client_for(Role.PHARMACIST).post(
        "/api/v1/nutrition/preview/compounder.csv?bag_id=NPT-12;=x",
        json.dumps(EXAMPLE),
        content_type="application/json",
    )
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0] == "bag_id,sequence,component_code,component_name,volume_ml,kind"
    assert lines[3] == "NPT-12x,3,P_GLYCOPHOS,Glycophos (sodio glicerofosfato),15.000,electrolyte"
    assert len(lines) == 11


def test_the_compounder_csv_of_a_blocked_bag_is_refused(client_for: ClientFor) -> None:
    response = _post_csv(client_for(Role.PHARMACIST), _with("patient.route", "peripheral"))
    assert response.status_code == 422
    assert response.json()["code"] == "bag_blocked"


def _post_csv(client: Client, body: Any) -> Any:
    return client.post(
        "/api/v1/nutrition/preview/compounder.csv",
        json.dumps(body),
        content_type="application/json",
    )
