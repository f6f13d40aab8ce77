"""The bag's loop through the API and the pages, with the same permissions: the weighing
(422 ``gravimetric_out_of_tolerance`` with the weighing in ``details``, kept), the
check-out by the label, the bedside start with the two scans; problem+json for a NUL byte
and 1e308; refusals re-render the page with their status; 403 for the wrong role."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from corsia.accounts.models import User
from corsia.nutrition.models import BagWeighing, NutritionOrder
from corsia.patients.domain.wristband import wristband_payload
from corsia.patients.models import Patient
from corsia.testing.accounts import logged_in
from corsia.testing.nutrition import TARE_G, exact_gross_g, ready_at_bedside, validated

pytestmark = pytest.mark.django_db
BASE = "/api/v1/nutrition"


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(BASE + url, json.dumps(body), content_type="application/json")


def test_weighed_checked_out_and_started_through_the_api(
    physician: User, pharmacist: User, nurse: User, adult: Patient
) -> None:
    order = validated(physician, pharmacist, adult.pk)
    pharmacy, ward = logged_in(pharmacist), logged_in(nurse)
    gross = exact_gross_g(order)
    light = _post(
        pharmacy, f"/orders/{order.pk}/prepare", {"gross_g": str(gross - 200), "tare_g": "35"}
    )
    assert light.status_code == 422 and light["Content-Type"].startswith("application/problem")
    problem = light.json()
    assert problem["code"] == "gravimetric_out_of_tolerance"
    assert problem["details"]["passed"] is False
    assert BagWeighing.objects.filter(order=order, passed=False).count() == 1
    assert (
        _post(ward, f"/orders/{order.pk}/prepare", {"gross_g": "1", "tare_g": "0"}).status_code
        == 403
    )
    body = {"gross_g": str(gross), "tare_g": str(TARE_G), "expected_version": 3}
    done = _post(pharmacy, f"/orders/{order.pk}/prepare", body)
    assert done.status_code == 200, done.content
    answer = done.json()
    assert answer["state"] == "prepared"
    assert [w["passed"] for w in answer["weighings"]] == [False, True]
    assert _post(ward, "/check-out", {"label": order.bag_id}).status_code == 403
    out = _post(pharmacy, "/check-out", {"label": order.bag_id})
    assert out.status_code == 200 and out.json()["checked_out_at"]
    scans = {"wristband": wristband_payload(adult.mrn), "label": order.bag_id, "rate_ml_h": 79}
    assert _post(pharmacy, f"/patients/{adult.pk}/bedside", scans).status_code == 403
    started = _post(ward, f"/patients/{adult.pk}/bedside", scans)
    assert started.status_code == 200, started.content
    assert (started.json()["state"], started.json()["rate_ml_h"]) == ("administered", "79.0")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"wristband": "PZ\u00001"}, (400, None)),  # the API refuses NUL bytes outright
        ({"label": "NPT-1\u0000"}, (400, None)),
        ({"rate_ml_h": 1e308}, (422, None)),
        ({"rate_ml_h": 0}, (422, "rate_out_of_range")),
        ({"label": "ABC"}, (422, "label_unreadable")),
        ({"wristband": "PZ99999999"}, (422, "wristband_wrong_patient")),
    ],
)
def test_bad_scans_are_problems(
    nurse: User,
    adult: Patient,
    ready: NutritionOrder,
    change: dict[str, Any],
    expected: tuple[int, str | None],
) -> None:
    status, code = expected
    scans = {"wristband": wristband_payload(adult.mrn), "label": ready.bag_id, "rate_ml_h": 79}
    answer = _post(logged_in(nurse), f"/patients/{adult.pk}/bedside", scans | change)
    assert answer.status_code == status, answer.content
    if code:
        assert answer.json()["code"] == code
    ready.refresh_from_db()
    assert ready.state == "prepared"


def test_the_order_endpoint_wants_its_own_bag(
    physician: User, pharmacist: User, nurse: User, adult: Patient, ready: NutritionOrder
) -> None:
    other = ready_at_bedside(physician, pharmacist, adult.pk)
    scans = {"wristband": wristband_payload(adult.mrn), "label": other.bag_id, "rate_ml_h": 79}
    wrong = _post(logged_in(nurse), f"/orders/{ready.pk}/administer", scans)
    assert (wrong.status_code, wrong.json()["code"]) == (422, "bag_wrong_order")
    right = _post(logged_in(nurse), f"/orders/{other.pk}/administer", scans)
    assert right.json()["state"] == "administered"


@pytest.fixture
def ready(physician: User, pharmacist: User, adult: Patient) -> NutritionOrder:
    return ready_at_bedside(physician, pharmacist, adult.pk)


# --- pages ----------------------------------------------------------------------------------


def test_the_weighing_from_the_order_page(
    physician: User, pharmacist: User, adult: Patient
) -> None:
    order = validated(physician, pharmacist, adult.pk)
    pharmacy = logged_in(pharmacist)
    page = pharmacy.get(f"/nutrition/orders/{order.pk}/")
    assert b'data-testid="prepare-form"' in page.content
    barcode = page.content.split(b'data-testid="label-barcode"')[1].split(b"</svg>")[0]
    assert b"<rect" in barcode and b"style=" not in barcode and b" id=" not in barcode
    url = f"/nutrition/orders/{order.pk}/prepare/"
    refused = pharmacy.post(url, {"version": "3", "gross_g": "100", "tare_g": "35"})
    assert refused.status_code == 422 and b"gravimetric_out_of_tolerance" in refused.content
    assert b'data-testid="weighings"' in refused.content
    bad = pharmacy.post(url, {"version": "3", "gross_g": "abc", "tare_g": "35"})
    assert bad.status_code == 422
    gross = str(exact_gross_g(order)).replace(".", ",")
    done = pharmacy.post(url, {"version": "3", "gross_g": gross, "tare_g": "35"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.state == "prepared"


def test_the_check_out_from_the_work_plan(
    physician: User, pharmacist: User, nurse: User, adult: Patient
) -> None:
    order = validated(physician, pharmacist, adult.pk)
    pharmacy = logged_in(pharmacist)
    plan = pharmacy.get("/nutrition/work-plan/")
    assert b'data-testid="check-out-form"' in plan.content
    refused = pharmacy.post("/nutrition/check-out/", {"label": order.bag_id})
    assert refused.status_code == 422 and b"bag_not_prepared" in refused.content
    assert (
        logged_in(nurse).post("/nutrition/check-out/", {"label": order.bag_id}).status_code == 403
    )


def test_the_bedside_page_starts_the_bag(
    nurse: User, pharmacist: User, adult: Patient, neonate: Patient, ready: NutritionOrder
) -> None:
    ward = logged_in(nurse)
    page = ward.get(f"/nutrition/patients/{adult.pk}/bedside/")
    assert page.status_code == 200
    assert f'data-testid="bag-{ready.pk}"'.encode() in page.content
    assert logged_in(pharmacist).get(f"/nutrition/patients/{adult.pk}/bedside/").status_code == 403
    url = f"/nutrition/patients/{adult.pk}/bedside/start/"
    other = {"wristband": wristband_payload(neonate.mrn), "label": ready.bag_id, "rate_ml_h": "79"}
    refused = ward.post(url, other)
    assert refused.status_code == 422 and b"wristband_wrong_patient" in refused.content
    nul = ward.post(url, other | {"wristband": "PZ\x00"})
    assert nul.status_code in (400, 422)
    scans = other | {"wristband": wristband_payload(adult.mrn), "rate_ml_h": "79,5"}
    started = ward.post(url, scans)
    assert started.status_code == 302 and started["Location"] == f"/nutrition/orders/{ready.pk}/"
    ready.refresh_from_db()
    assert (ready.state, str(ready.rate_ml_h)) == ("administered", "79.5")
    shown = ward.get(f"/nutrition/orders/{ready.pk}/")
    assert b'data-testid="administered"' in shown.content
