"""``/api/v1/dispensing/``: plans, delegations, dispensings, adherence, the FEFO lots;
problem+json refusals with their codes; permissions."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.dispensing.models import Dispensing
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.dispensing import Desk, held, pack_code
from corsia.testing.inventory import assert_stock_matches_movements

API = "/api/v1/dispensing"
FAR = date(2030, 12, 31)


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def stocked(desk: Desk) -> Desk:
    desk.load(desk.capecitabine, "L-SOON", FAR - timedelta(days=30), 120)
    desk.load(desk.capecitabine, "L-LATE", FAR, 240)
    desk.load(desk.lenalidomide, "R-1", FAR, 63)
    return desk


def _discharge(desk: Desk, **fields: Any) -> dict[str, Any]:
    return {
        "patient_code": desk.patient.codice_fiscale.lower(),
        "kind": "discharge",
        "prescriber_id": desk.physician.pk,
        "product_code": desk.capecitabine.code,
        "daily_units": "4",
        "scans": [pack_code(desk.packs["cape"])],
        "location_code": desk.shelf.code,
        "cost_center_code": desk.cost_center.code,
        **fields,
    }


def test_a_discharge_dispensing_through_the_api(stocked: Desk) -> None:
    desk = stocked
    client = logged_in(desk.pharmacist)
    response = _post(client, f"{API}/patients/{desk.patient.pk}/dispensings", _discharge(desk))
    assert response.status_code == 201, response.content
    body = response.json()
    today = timezone.localdate()
    # 120 tablets ÷ 4 a day = 30 days; due back today + 30
    assert (body["units"], body["days_covered"]) == (120, 30)
    assert body["next_due_date"] == (today + timedelta(days=30)).isoformat()
    assert body["lines"] == [
        {"aic": "990000010", "lot": "L-SOON", "expiry": (FAR - timedelta(days=30)).isoformat(),
         "units": 120, "cost_center": "CC-DD"}
    ]  # fmt: skip
    got = client.get(f"{API}/dispensings/{body['id']}")
    assert got.status_code == 200 and got.json()["id"] == body["id"]
    listed = client.get(f"{API}/patients/{desk.patient.pk}/dispensings?product=cape_500_test")
    assert [d["id"] for d in listed.json()] == [body["id"]]
    assert held(desk.capecitabine) == 240
    assert_stock_matches_movements()


def test_refusals_are_problems_with_their_code_and_unload_nothing(stocked: Desk) -> None:
    desk = stocked
    client = logged_in(desk.pharmacist)
    url = f"{API}/patients/{desk.patient.pk}/dispensings"
    cases = [
        (_discharge(desk, scans=[pack_code(desk.packs["lena"])]), 422, "wrong_drug"),
        (_discharge(desk, patient_code="BNCNNA70D42H501A"), 422, "patient_mismatch"),
        (_discharge(desk, scans=["A990000010\u0000"]), 400, "invalid_characters"),
        (_discharge(desk, daily_units="0"), 422, "daily_units_invalid"),
        (_discharge(desk, daily_units="-1"), 422, "daily_units_invalid"),
        (
            _discharge(
                desk, scans=[pack_code(desk.packs["cape"], lot="X", expiry=date(2020, 1, 1))]
            ),
            409,
            "lot_expired",
        ),
        (_discharge(desk, collected_by="delegate"), 422, "delegation_required"),
    ]
    for body, status, code in cases:
        response = _post(client, url, body)
        assert response.status_code == status, (code, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == code
    # 1e308 daily units and a kind not in the list: refused by the schema, 422 problem
    for body in (_discharge(desk, daily_units=1e308), _discharge(desk, kind="gift")):
        response = _post(client, url, body)
        assert response.status_code == 422
        assert response["Content-Type"] == "application/problem+json"
    assert not Dispensing.objects.exists()
    assert held(desk.capecitabine) == 360


def test_plans_delegations_and_adherence(stocked: Desk) -> None:
    desk = stocked
    client = logged_in(desk.pharmacist)
    today = timezone.localdate()
    plan = _post(
        client,
        f"{API}/patients/{desk.patient.pk}/plans",
        {"prescriber_id": desk.physician.pk, "product_code": desk.lenalidomide.code,
         "daily_units": "1", "valid_from": (today - timedelta(days=1)).isoformat(),
         "valid_to": (today + timedelta(days=89)).isoformat()},
    )  # fmt: skip
    assert plan.status_code == 201, plan.content
    # 91 days of validity (yesterday … today + 89) × 1 a day = 91 units; registry from the drug
    assert (plan.json()["ceiling_units"], plan.json()["aifa_registry"]) == (91, True)
    delegation = _post(
        client,
        f"{API}/patients/{desk.patient.pk}/delegations",
        {"delegate_name": "Lucia Rossi", "delegate_fiscal_code": "rsslcu60a41a562q",
         "identity_document": "CI CA12345AB", "valid_from": today.isoformat(),
         "valid_to": (today + timedelta(days=180)).isoformat()},
    )  # fmt: skip
    assert delegation.status_code == 201, delegation.content
    assert delegation.json()["delegate_fiscal_code"] == "RSSLCU60A41A562Q"
    body = _discharge(
        desk, kind="plan", plan_id=plan.json()["id"], product_code="", daily_units=None,
        scans=[pack_code(desk.packs["lena"])], collected_by="delegate",
        delegation_id=delegation.json()["id"], registry_record="REG-1",
    )  # fmt: skip
    dispensed = _post(client, f"{API}/patients/{desk.patient.pk}/dispensings", body)
    assert dispensed.status_code == 201, dispensed.content
    plans = client.get(f"{API}/patients/{desk.patient.pk}/plans").json()
    # 91 − 21 dispensed = 70 left
    assert (plans[0]["dispensed_units"], plans[0]["remaining_units"]) == (21, 70)
    assert len(client.get(f"{API}/patients/{desk.patient.pk}/delegations").json()) == 1
    # one dispensing today for 21 days; window today … today + 41 = 42 days: 21/42 = 0.5
    until = (today + timedelta(days=41)).isoformat()
    pdc = client.get(
        f"{API}/patients/{desk.patient.pk}/adherence?product={desk.lenalidomide.code}"
        f"&since={today.isoformat()}&until={until}"
    )
    assert pdc.status_code == 200, pdc.content
    assert (pdc.json()["covered_days"], pdc.json()["window_days"]) == (21, 42)
    assert pdc.json()["pdc"] in ("0.5000", 0.5)
    bad = client.get(
        f"{API}/patients/{desk.patient.pk}/adherence?product={desk.lenalidomide.code}"
        f"&since={until}&until={today.isoformat()}"
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "date_range_invalid")


def test_fefo_lots_suggested(stocked: Desk) -> None:
    client = logged_in(stocked.pharmacist)
    response = client.get(f"{API}/lots?product=cape_500_test&units=200")
    assert response.status_code == 200, response.content
    # 200 units: the 120 of L-SOON (expiring first), then 80 of L-LATE
    assert [(lot["lot"], lot["units"]) for lot in response.json()["lots"]] == [
        ("L-SOON", 120),
        ("L-LATE", 80),
    ]
    assert response.json()["short_units"] == 0
    short = client.get(f"{API}/lots?product=cape_500_test&units=400").json()
    assert short["short_units"] == 40  # 400 − 360 in stock


def test_who_may_do_what(stocked: Desk, make_user: MakeUser) -> None:
    desk = stocked
    url = f"{API}/patients/{desk.patient.pk}/dispensings"
    physician = logged_in(make_user(Role.PHYSICIAN))
    assert _post(physician, url, _discharge(desk)).status_code == 403
    assert physician.get(url).status_code == 200  # the physician reads
    reads = AccessLogEntry.objects.filter(patient_id=desk.patient.pk).count()
    assert reads >= 1
    nurse = logged_in(make_user(Role.NURSE))
    assert nurse.get(url).status_code == 403
    technician = logged_in(desk.technician)
    assert _post(technician, url, _discharge(desk)).status_code == 201
