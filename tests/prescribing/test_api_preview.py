"""POST /api/v1/dosing/preview: the contract example, every 422, the permission, no writes.

Reference values of the example, by hand: BSA √(165 × 70 / 3600) = 1.7912 m²;
BMI 70 / 1.65² = 25.7117; CrCl (140 − 63) × 70 / (72 × 0.9) × 0.85 = 70.7022 mL/min;
paclitaxel 175 × 1.791182 = 313.4569 mg; carboplatin 5 × (70.7022 + 25) = 478.5108 mg;
vincristine 1.4 × 1.791182 = 2.5077 mg, capped at 2 mg.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.testing.accounts import assert_permission_refused
from corsia.testing.bad_input_corpus import MISSING, body_with

ClientFor = Callable[[Role], Client]

URL = "/api/v1/dosing/preview"

EXAMPLE: dict[str, Any] = {
    "patient": {
        "sex": "F",
        "age_years": 63,
        "height_cm": 165,
        "weight_kg": 70,
        "serum_creatinine_mg_dl": 0.9,
    },
    "bsa_formula": "mosteller",
    "components": [
        {"drug": "paclitaxel", "dose": 175, "unit": "mg/m2"},
        {"drug": "carboplatin", "dose": 5, "unit": "AUC"},
        {"drug": "vincristine", "dose": 1.4, "unit": "mg/m2", "max_dose_mg": 2},
    ],
}


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _post(client: Client, body: Any, **headers: str) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


def _assert_example_answer(data: dict[str, Any]) -> None:
    assert data["bsa_m2"] == pytest.approx(1.7912, abs=5e-5)
    assert data["bmi"] == pytest.approx(25.7117, abs=5e-5)
    assert data["creatinine_clearance_ml_min"] == pytest.approx(70.7022, abs=5e-5)
    paclitaxel, carboplatin, vincristine = data["components"]
    assert paclitaxel["drug"] == "paclitaxel"
    assert paclitaxel["calculated_dose_mg"] == pytest.approx(313.4569, abs=5e-5)
    assert paclitaxel["capped"] is False
    assert paclitaxel["warnings"] == []
    assert carboplatin["calculated_dose_mg"] == pytest.approx(478.5108, abs=5e-5)
    assert carboplatin["capped"] is False
    assert carboplatin["warnings"] == []
    assert vincristine["calculated_dose_mg"] == 2
    assert vincristine["capped"] is True
    assert vincristine["uncapped_dose_mg"] == pytest.approx(2.5077, abs=5e-5)
    assert [w["code"] for w in vincristine["warnings"]] == ["max_dose_capped"]


def test_contract_example_as_a_physician_with_a_session(client_for: ClientFor) -> None:
    # given a signed-in physician
    client = client_for(Role.PHYSICIAN)
    before = _row_counts()
    # when they ask for the preview of the example
    response = _post(client, EXAMPLE)
    # then the doses are the hand-computed ones, as JSON numbers
    assert response.status_code == 200, response.content
    data = response.json()
    _assert_example_answer(data)
    assert isinstance(data["bsa_m2"], float)
    assert data["components"][0]["provenance"].splitlines() == [
        "Dose paclitaxel = 175 mg/m² × 1.7912 m² = 313.46 mg",
        "  BSA Mosteller = √(165 × 70 / 3600) = 1.79 m²",
    ]
    # and nothing was written anywhere
    assert _row_counts() == before


def test_contract_example_with_a_bearer_token(make_user: Callable[..., User]) -> None:
    # given a physician holding an API token
    make_user(Role.PHYSICIAN, username="dr.dosi", password="Pw-test-12345")
    client = Client()
    token = client.post(
        "/api/v1/auth/token",
        {"username": "dr.dosi", "password": "Pw-test-12345"},
        content_type="application/json",
    ).json()["token"]
    before = _row_counts()
    # when the integration posts the example
    response = _post(Client(), EXAMPLE, Authorization=f"Bearer {token}")
    # then the same answer, and no new rows
    assert response.status_code == 200, response.content
    _assert_example_answer(response.json())
    assert _row_counts() == before


@pytest.mark.parametrize("role", [Role.PHARMACIST, Role.NURSE, Role.TECHNICIAN])
def test_every_clinical_role_may_preview(client_for: ClientFor, role: Role) -> None:
    assert _post(client_for(role), EXAMPLE).status_code == 200


@pytest.mark.parametrize(
    "role", [Role.IT_STAFF, Role.COORDINATOR, Role.AUDITOR, Role.TRIAL_MONITOR]
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
    response = _post(Client(), EXAMPLE)
    assert response.status_code == 401


def _with(path: str, value: Any) -> dict[str, Any]:
    return body_with(EXAMPLE, path, value)


# (what is changed, new value, field named in the problem, code)
INVALID = [
    ("patient.weight_kg", 0, "patient.weight_kg", "weight_out_of_range"),
    ("patient.weight_kg", -70, "patient.weight_kg", "weight_out_of_range"),
    ("patient.weight_kg", 401, "patient.weight_kg", "weight_out_of_range"),
    ("patient.height_cm", 29, "patient.height_cm", "height_out_of_range"),
    ("patient.height_cm", 251, "patient.height_cm", "height_out_of_range"),
    (
        "patient.serum_creatinine_mg_dl",
        0,
        "patient.serum_creatinine_mg_dl",
        "creatinine_out_of_range",
    ),
    (
        "patient.serum_creatinine_mg_dl",
        80,
        "patient.serum_creatinine_mg_dl",
        "creatinine_out_of_range",
    ),
    ("patient.age_years", -1, "patient.age_years", "age_out_of_range"),
    ("patient.age_years", 121, "patient.age_years", "age_out_of_range"),
    ("patient.measured_gfr_ml_min", 0, "patient.measured_gfr_ml_min", "gfr_out_of_range"),
    # an AUC dose without renal function
    (
        "patient.serum_creatinine_mg_dl",
        MISSING,
        "patient.serum_creatinine_mg_dl",
        "renal_function_required",
    ),
    ("components.0.dose", 0, "components.0.dose", "dose_out_of_range"),
    ("components.1.dose", 50, "components.1.dose", "auc_out_of_range"),
    ("components.2.max_dose_mg", -2, "components.2.max_dose_mg", "max_dose_out_of_range"),
    ("components.2.max_dose_action", "block", "components.2.max_dose_mg", "max_dose_exceeded"),
    ("gfr_cap", 0, "gfr_cap", "gfr_cap_out_of_range"),
    ("bsa_cap_m2", 9, "bsa_cap_m2", "bsa_cap_out_of_range"),
    # refused by the schema (pydantic) before the domain
    ("patient.sex", "X", "patient.sex", "validation_failed"),
    ("patient.weight_kg", "settanta", "patient.weight_kg", "validation_failed"),
    ("patient.height_cm", MISSING, "patient.height_cm", "validation_failed"),
    ("bsa_formula", "boyd", "bsa_formula", "validation_failed"),
    ("components.0.unit", "mg/m²", "components.0.unit", "validation_failed"),
    ("components.0.drug", "", "components.0.drug", "validation_failed"),
    ("components", [], "components", "validation_failed"),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "code"),
    [pytest.param(*case, id=f"{case[0]}={case[1]!r}"[:60]) for case in INVALID],
)
def test_invalid_input_is_a_422_naming_the_field(
    client_for: ClientFor, path: str, value: Any, field: str, code: str
) -> None:
    client = client_for(Role.PHYSICIAN)
    before = _row_counts()
    response = _post(client, _with(path, value))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["field"] == field
    assert problem["code"] == code
    assert problem["detail"]
    assert _row_counts() == before


def test_component_rounding_and_paediatric_extras(client_for: ClientFor) -> None:
    # given an infant of 8 kg, 70 cm and a protocol's paediatric rule (< 10 kg)
    body = {
        "patient": {"sex": "M", "age_years": 1, "height_cm": 70, "weight_kg": 8},
        "bsa_formula": "mosteller",
        "paediatric": {"weight_below_kg": 10, "bsa_below_m2": None},
        "components": [
            # 1.5 mg/m² / 30 × 8 kg = 0.4 mg
            {"drug": "vincristine", "dose": 1.5, "unit": "mg/m2"},
            # 200 mg/m² / 30 × 8 = 53.3333 mg → 55 mg (5 mg step, half-up)
            {"drug": "x", "dose": 200, "unit": "mg/m2", "rounding": {"step": 5}},
        ],
    }
    response = _post(client_for(Role.PHYSICIAN), body)
    assert response.status_code == 200, response.content
    first, second = response.json()["components"]
    assert first["calculated_dose_mg"] == pytest.approx(0.4, abs=5e-5)
    assert first["paediatric_rule_applied"] is True
    assert second["calculated_dose_mg"] == 55
    assert second["unrounded_dose_mg"] == pytest.approx(53.3333, abs=5e-5)


def test_measured_gfr_and_custom_cap(client_for: ClientFor) -> None:
    # 5 × (min(140, 100) + 25) = 625 mg
    body = _with("patient.measured_gfr_ml_min", 140)
    body["gfr_cap"] = 100
    response = _post(client_for(Role.PHARMACIST), body)
    assert response.status_code == 200, response.content
    carboplatin = response.json()["components"][1]
    assert carboplatin["calculated_dose_mg"] == 625
    assert [w["code"] for w in carboplatin["warnings"]] == ["gfr_capped"]


def test_operation_is_in_the_openapi_schema(client_for: ClientFor) -> None:
    schema = client_for(Role.PHYSICIAN).get("/api/v1/openapi.json").json()
    assert "/api/v1/dosing/preview" in schema["paths"]


def test_H_unit_preview_compares_the_maximum_in_its_own_unit_and_never_labels_units_mg(
    client_for: ClientFor,
) -> None:
    # girl 15 y, 170 cm, 65 kg: BSA sqrt(170 x 65 / 3600) = sqrt(3.069444) = 1.751983 m²
    # dactinomycin 45 mcg/kg x 65 kg = 2,925 mcg = 2.925 mg > 2,000 mcg = 2 mg -> 2 mg
    # asparaginase 5,000 UI/m² x 1.7519830 = 8,759.9150 UI: no mg field at all
    body: dict[str, Any] = {
        "patient": {"sex": "F", "age_years": 15, "height_cm": 170, "weight_kg": 65},
        "components": [
            {
                "drug": "dattinomicina",
                "dose": 45,
                "unit": "mcg/kg",
                "max_dose": 2000,
                "max_dose_unit": "mcg",
            },
            {"drug": "asparaginasi", "dose": 5000, "unit": "UI/m2"},
        ],
    }
    response = _post(client_for(Role.PHYSICIAN), body)
    assert response.status_code == 200, response.content
    dactinomycin, asparaginase = response.json()["components"]
    assert dactinomycin["amount_unit"] == "mg"
    assert (dactinomycin["calculated_dose"], dactinomycin["capped"]) == (2, True)
    assert (dactinomycin["uncapped_dose"], dactinomycin["max_dose"]) == (2.925, 2)
    assert asparaginase["amount_unit"] == "UI"
    assert asparaginase["calculated_dose"] == 8759.915
    assert asparaginase["calculated_dose_mg"] is None
    assert asparaginase["unrounded_dose_mg"] is None
    assert " mg" not in asparaginase["provenance"]
    # a maximum without its unit is refused, not guessed
    body["components"][0].pop("max_dose_unit")
    refused = _post(client_for(Role.PHYSICIAN), body)
    assert refused.status_code == 422
    assert refused.json()["code"] == "max_dose_unit_required"
