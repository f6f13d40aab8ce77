"""The orders' API: a draft from the chart's weight, signed, validated by another user,
on the day's work plan with its CSV; problem+json for a NUL byte (400, the API's rule),
1e308 and a zero amount per kg (422); 403 for the prescriber validating their own order."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from corsia.accounts.models import User
from corsia.nutrition.models import NutritionOrder
from corsia.nutrition.schemas_orders import ORDER_EXAMPLE
from corsia.patients.models import Patient
from corsia.testing.accounts import logged_in

pytestmark = pytest.mark.django_db
BASE = "/api/v1/nutrition"


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(BASE + url, json.dumps(body), content_type="application/json")


def test_order_signed_validated_and_on_the_work_plan(
    physician: User, pharmacist: User, adult: Patient
) -> None:
    doctor, pharmacy = logged_in(physician), logged_in(pharmacist)
    created = _post(doctor, f"/patients/{adult.pk}/orders", ORDER_EXAMPLE)
    assert created.status_code == 201, created.content
    order = created.json()
    assert (order["state"], order["weight_kg"], order["results"]["volume_ml"]) == (
        "draft", "70.000", "1895.0000",
    )  # fmt: skip
    refused = _post(doctor, f"/orders/{order['id']}/sign", {"expected_version": 1})
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "warning_reason_required"
    signed = _post(
        doctor, f"/orders/{order['id']}/sign",
        {"expected_version": 1, "warning_reason": "Osmolarità del Soluvit non dichiarata"},
    )  # fmt: skip
    assert signed.json()["state"] == "signed"
    own = _post(doctor, f"/orders/{order['id']}/validate", {"expected_version": 2})
    assert own.status_code == 403  # a physician holds no validation permission at all
    validated = _post(pharmacy, f"/orders/{order['id']}/validate", {"expected_version": 2})
    assert validated.json()["state"] == "validated", validated.content
    plan = pharmacy.get(f"{BASE}/work-plan?day={order['for_date']}").json()
    assert [entry["order"]["id"] for entry in plan] == [order["id"]]
    assert plan[0]["steps"][-1]["code"] == "LIP_SMOFLIPID_20"
    csv = pharmacy.get(f"{BASE}/orders/{order['id']}/compounder.csv")
    assert csv.status_code == 200
    assert csv.content.decode().startswith("bag_id,sequence,component_code")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"route": "central", "components": [{"code": "GLU_50", "amount": 1e308, "unit": "mL"}]}, 422),
        ({"route": "central", "components": [{"code": "GLU_50", "amount": 0, "unit": "g/kg"}]}, 422),
        ({"route": "central", "components": [{"code": "GLU\x00", "amount": 5, "unit": "mL"}]}, 400),
        ({"route": "central", "infusion_hours": 0, "components": ORDER_EXAMPLE["components"]}, 422),
        ({"route": "sideways", "components": ORDER_EXAMPLE["components"]}, 422),
    ],
)  # fmt: skip
def test_bad_input_is_a_422_and_writes_nothing(
    physician: User, adult: Patient, body: dict[str, Any], status: int
) -> None:
    response = _post(logged_in(physician), f"/patients/{adult.pk}/orders", body)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert not NutritionOrder.objects.exists()


def test_a_nul_byte_in_a_reason_is_refused(physician: User, adult: Patient) -> None:
    doctor = logged_in(physician)
    order = _post(doctor, f"/patients/{adult.pk}/orders", ORDER_EXAMPLE).json()
    response = _post(
        doctor, f"/orders/{order['id']}/cancel", {"expected_version": 1, "reason": "no\x00"}
    )
    # the API refuses a NUL byte anywhere in a body before parsing it (400, as everywhere)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


def test_a_nurse_may_read_but_not_prescribe(nurse: User, adult: Patient) -> None:
    client = logged_in(nurse)
    assert _post(client, f"/patients/{adult.pk}/orders", ORDER_EXAMPLE).status_code == 403
    assert client.get(f"{BASE}/patients/{adult.pk}/orders").json() == []
