"""The ward requests' API (/api/v1/requests/): the whole way through by HTTP, refusals as
problem+json with their codes and nothing changed, the permissions of each side, the
access log of a named request, the pharmacy's view of every ward cabinet."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.inventory.models import ParLevel, StockLot, WardRequest, WardRequestScan
from corsia.inventory.services import ward_requests as wr
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, logged_in, post_json
from corsia.testing.inventory import (
    FU_GTIN,
    NOW,
    OXALI_GTIN,
    WardScene,
    assert_stock_matches_movements,
    gs1_pack,
)

API = "/api/v1/requests"
# the API acts on the real clock: lots dated from today
TODAY = timezone.localdate()
OX_EXPIRY = TODAY + timedelta(days=250)
FU_EXPIRY = TODAY + timedelta(days=120)


def _post(client: Client, path: str, body: Any = None) -> tuple[int, Any]:
    return post_json(client, f"{API}{path}", body)


def _problem(client: Client, path: str, body: Any, status: int, code: str) -> None:
    response = client.post(f"{API}{path}", json.dumps(body), content_type="application/json")
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_request_to_receipt_through_the_api(scene: WardScene) -> None:
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 10)
    s.load(s.fluorouracil, "FU1", FU_EXPIRY, 30)
    ward, pharmacy, tech = logged_in(s.nurse), logged_in(s.pharmacist), logged_in(s.technician)
    status, created = _post(ward, "/", {
        "cabinet": "ARM-DH", "kind": "ward_stock", "urgency": "urgent", "submit": True,
        "lines": [{"product": s.oxaliplatin.code, "units": 2},
                  {"product": s.fluorouracil.code, "units": 10}],
    })  # fmt: skip
    assert status == 201, created
    assert (created["state"], created["urgency"]) == ("submitted", "urgent")
    rid = created["id"]
    ox, fu = created["lines"]
    # the queue shows it, urgent first
    queue = pharmacy.get(f"{API}/").json()
    assert ([r["id"] for r in queue["items"]], queue["count"]) == ([rid], 1)
    status, evaluated = _post(pharmacy, f"/{rid}/evaluate", {
        "version": created["version"],
        "lines": [{"line_id": ox["id"], "decision": "approve"},
                  {"line_id": fu["id"], "decision": "approve"}],
    })  # fmt: skip
    assert (status, evaluated["state"]) == (200, "evaluated"), evaluated
    # the pick list: both from shelf A1
    picks = tech.get(f"{API}/{rid}/pick-list").json()
    assert sorted((t["lot"], t["location"], t["units"]) for t in picks["takes"]) == [
        ("FU1", "A1", 10),
        ("OX1", "A1", 2),
    ]
    for barcode in (gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1"),) * 2 + (
        gs1_pack(FU_GTIN, FU_EXPIRY, "FU1"),
    ):
        status, scanned = _post(tech, f"/{rid}/pick-scans", {"barcode": barcode})
        assert status == 201, scanned
    status, closed = _post(tech, f"/{rid}/close-pick", {})
    assert (status, closed["state"]) == (200, "picked")
    status, moved = _post(tech, f"/{rid}/deliver")
    assert status == 200, moved
    assert sorted((m["kind"], m["lot"], m["quantity"], m["to_location"]) for m in moved) == [
        ("transfer", "FU1", 10, "ARM-DH"),
        ("transfer", "OX1", 2, "ARM-DH"),
    ]
    status, received = _post(ward, f"/{rid}/receive", {
        "lines": [{"line_id": ox["id"], "units": 2}, {"line_id": fu["id"], "units": 10}],
    })  # fmt: skip
    assert (status, received["state"]) == (200, "received"), received
    assert [st["action"] for st in received["steps"]] == [
        "create", "submit", "evaluate", "close_pick", "deliver", "receive",
    ]  # fmt: skip
    # the pharmacy sees the ward's cabinet: 2 oxaliplatin, 10 fluorouracil
    stock = pharmacy.get(f"{API}/ward-stock").json()
    assert [(p["product_code"], p["on_hand"]) for p in stock[0]["products"]] == [
        (s.fluorouracil.code, 10),
        (s.oxaliplatin.code, 2),
    ]
    assert_stock_matches_movements()


def test_pick_refusals_are_problems_and_change_nothing(scene: WardScene) -> None:
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 10)
    s.load(
        s.oxaliplatin, "OXOLD", TODAY - timedelta(days=5), 3,
        now=timezone.now() - timedelta(days=90),
    )  # fmt: skip
    s.load(s.fluorouracil, "FU1", FU_EXPIRY, 30)
    request = wr.ward_request_create(
        actor=s.nurse, workstation="t", cabinet=s.cabinet, kind="ward_stock", urgency="routine",
        lines=[wr.RequestLineInput(s.oxaliplatin, 2)], now=NOW, submit=True,
    )  # fmt: skip
    line = request.lines.get()
    tech = logged_in(s.technician)
    status, _ = _post(logged_in(s.pharmacist), f"/{request.pk}/evaluate", {
        "lines": [{"line_id": line.pk, "decision": "approve"}],
    })  # fmt: skip
    assert status == 200
    before = (
        sorted(StockLot.objects.values_list("lot", "quantity")),
        WardRequestScan.objects.count(),
    )
    today_expired = gs1_pack(OXALI_GTIN, TODAY - timedelta(days=5), "OXOLD")
    for body, status, code in [
        # a pack of another product
        ({"barcode": gs1_pack(FU_GTIN, FU_EXPIRY, "FU1")}, 422, "wrong_product"),
        # an expired pack
        ({"barcode": today_expired}, 409, "lot_expired"),
        # a lot the pharmacy never had
        ({"barcode": gs1_pack(OXALI_GTIN, OX_EXPIRY, "NOPE")}, 422, "lot_not_in_stock"),
        # the AIC's Code 39 without the lot
        ({"barcode": "A012345676"}, 422, "lot_required"),
        # nonsense, a NUL byte
        ({"barcode": "%%%"}, 422, "barcode_unreadable"),
        ({"barcode": "A0123\u000045676"}, 400, "bad_input"),
        # a scanned expiry that is not the lot's
        (
            {"barcode": gs1_pack(OXALI_GTIN, OX_EXPIRY + timedelta(days=31), "OX1")},
            422,
            "lot_expiry_mismatch",
        ),
    ]:
        response = tech.post(
            f"{API}/{request.pk}/pick-scans", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == status, (body, response.content)
        assert response["Content-Type"] == "application/problem+json"
        if code != "bad_input":
            assert response.json()["code"] == code, body
            assert response.json()["detail"], body  # the Italian message
    after = (
        sorted(StockLot.objects.values_list("lot", "quantity")),
        WardRequestScan.objects.count(),
    )
    assert after == before
    # the AIC with the lot typed beside it is read
    status, scanned = _post(
        tech, f"/{request.pk}/pick-scans", {"barcode": "A012345676", "lot": "OX1"}
    )
    assert (status, scanned["lot"], scanned["units_picked"]) == (201, "OX1", 1), scanned
    # two packs approved, the third is too many
    _post(tech, f"/{request.pk}/pick-scans", {"barcode": "A012345676", "lot": "OX1"})
    _problem(
        tech, f"/{request.pk}/pick-scans", {"barcode": "A012345676", "lot": "OX1"}, 422,
        "pick_exceeds_approved",
    )  # fmt: skip


def test_two_pharmacists_at_once_one_wins(scene: WardScene, make_user: MakeUser) -> None:
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 10)
    request = wr.ward_request_create(
        actor=s.nurse, workstation="t", cabinet=s.cabinet, kind="ward_stock", urgency="routine",
        lines=[wr.RequestLineInput(s.oxaliplatin, 2)], now=NOW, submit=True,
    )  # fmt: skip
    line = request.lines.get()
    second = make_user(Role.PHARMACIST, username="farm_gialli")
    # both opened the request at version 2 (created, submitted)
    body = {"version": 2, "lines": [{"line_id": line.pk, "decision": "approve"}]}
    status, _ = _post(logged_in(s.pharmacist), f"/{request.pk}/evaluate", body)
    assert status == 200
    body_modify = {
        "version": 2,
        "lines": [{"line_id": line.pk, "decision": "modify", "units": 1, "reason": "x"}],
    }
    response = logged_in(second).post(
        f"{API}/{request.pk}/evaluate", json.dumps(body_modify), content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] in {"request_state_invalid", "stale_version"}
    line.refresh_from_db()
    assert (line.decision, line.units_approved) == ("approve", 2)
    # without the version, the state says it: evaluated, by whom
    body_modify.pop("version")
    response = logged_in(second).post(
        f"{API}/{request.pk}/evaluate", json.dumps(body_modify), content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "request_state_invalid")
    assert "valutata dalla farmacia" in response.json()["detail"]
    # the pick: the first to scan owns it; a second technician is told who
    other_tech = make_user(Role.TECHNICIAN, username="tec_rosa")
    scan = {"barcode": gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1")}
    assert _post(logged_in(s.technician), f"/{request.pk}/pick-scans", scan)[0] == 201
    _problem(logged_in(other_tech), f"/{request.pk}/pick-scans", scan, 409, "pick_in_progress")


@pytest.mark.parametrize(
    ("role", "path", "body"),
    [
        (Role.PHARMACIST, "/", {"cabinet": "ARM-DH", "kind": "ward_stock", "urgency": "routine",
                                "lines": []}),
        (Role.NURSE, "/1/evaluate", {"lines": []}),
        (Role.TECHNICIAN, "/1/evaluate", {"lines": []}),
        (Role.NURSE, "/1/pick-scans", {"barcode": "x"}),
        (Role.NURSE, "/1/deliver", {}),
        (Role.PHARMACIST, "/1/receive", {}),
    ],
)  # fmt: skip
def test_each_side_does_only_its_own_acts(
    make_user: MakeUser, role: Role, path: str, body: dict[str, Any]
) -> None:
    _problem(logged_in(make_user(role)), path, body, 403, "permission_denied")


def test_named_request_logs_the_patients_read(scene: WardScene, patient: Patient) -> None:
    s = scene
    request = wr.ward_request_create(
        actor=s.nurse, workstation="t", cabinet=s.cabinet, kind="named_patient",
        urgency="urgent", lines=[wr.RequestLineInput(s.oxaliplatin, 2, patient_id=patient.pk)],
        now=NOW, submit=True,
    )  # fmt: skip
    before = AccessLogEntry.objects.filter(patient_id=patient.pk).count()
    detail = logged_in(s.pharmacist).get(f"{API}/{request.pk}").json()
    assert detail["lines"][0]["patient"] == {
        "id": patient.pk, "mrn": "P0001", "name": "Rossi Mario",
    }  # fmt: skip
    assert AccessLogEntry.objects.filter(patient_id=patient.pk).count() == before + 1
    # the list names no patient
    assert "Rossi" not in logged_in(s.pharmacist).get(f"{API}/").content.decode()


def test_create_refusals_save_nothing(scene: WardScene) -> None:
    ward = logged_in(scene.nurse)
    base = {"cabinet": "ARM-DH", "kind": "ward_stock", "urgency": "routine"}
    ox = scene.oxaliplatin.code
    for body, status, code in [
        (base | {"lines": []}, 422, "request_empty"),
        (base | {"lines": [{"product": ox, "units": 0}]}, 422, "quantity_invalid"),
        (base | {"lines": [{"product": ox, "units": 10**6}]}, 422, "quantity_invalid"),
        (base | {"lines": [{"product": "nessuno", "units": 1}]}, 422, "product_unknown"),
        (base | {"lines": [{"product": "", "units": 1}]}, 422, "product_required"),
        (base | {"lines": [{"product": " ", "units": 1}]}, 422, "product_required"),
        (base | {"cabinet": "A1", "lines": [{"product": ox, "units": 1}]}, 422, "cabinet_unknown"),
        (base | {"urgency": "subito", "lines": [{"product": ox, "units": 1}]}, 422,
         "urgency_invalid"),
        (base | {"kind": "named_patient", "lines": [{"product": ox, "units": 1}]}, 422,
         "patient_required"),
    ]:  # fmt: skip
        _problem(ward, "/", body, status, code)
    assert WardRequest.objects.count() == 0


def test_a_par_level_or_a_return_without_a_product_is_refused(scene: WardScene) -> None:
    # an empty product code is a 422 naming the field, never a 500 (schemathesis found it)
    pharmacist = logged_in(scene.pharmacist)
    for method, path, body in [
        ("put", "/par-levels", {"cabinet": "ARM-DH", "product": "", "par": 10,
                                "reorder_point": 4}),
        ("post", "/returns", {"cabinet": "ARM-DH", "product": "", "lot": "L1", "units": 1,
                              "to_location": "FARM", "reason": "reso"}),
    ]:  # fmt: skip
        response = getattr(pharmacist, method)(
            f"{API}{path}", json.dumps(body), content_type="application/json"
        )
        assert (response.status_code, response.json()["code"]) == (422, "product_required")
    assert ParLevel.objects.count() == 0


def test_par_levels_and_the_restock_proposal(scene: WardScene, make_user: MakeUser) -> None:
    s = scene
    coordinator = logged_in(make_user(Role.COORDINATOR))
    # the cabinet holds 3 oxaliplatin (par 10, reorder at 4) and 25 fluorouracil (par 40,
    # reorder at 20: above it, then 20 requested and not yet delivered)
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 3, location=s.cabinet)
    s.load(s.fluorouracil, "FU1", FU_EXPIRY, 25, location=s.cabinet)
    for product, par, point in [(s.oxaliplatin, 10, 4), (s.fluorouracil, 40, 20)]:
        response = coordinator.put(
            f"{API}/par-levels",
            json.dumps({"cabinet": "ARM-DH", "product": product.code, "par": par,
                        "reorder_point": point}),
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 200, response.content
    response = coordinator.put(
        f"{API}/par-levels",
        json.dumps({"cabinet": "ARM-DH", "product": s.oxaliplatin.code, "par": 4,
                    "reorder_point": 4}),
        content_type="application/json",
    )  # fmt: skip
    assert (response.status_code, response.json()["code"]) == (422, "reorder_point_not_below_par")
    proposal = logged_in(s.nurse).get(f"{API}/restock-proposal", {"cabinet": "ARM-DH"}).json()
    # oxaliplatin: 3 ≤ 4 → 10 − 3 = 7; fluorouracil: 25 > 20 → nothing
    assert [(p["product_code"], p["units"]) for p in proposal] == [(s.oxaliplatin.code, 7)]
    # 2 oxaliplatin asked for and not yet delivered: 10 − 3 − 2 = 5
    wr.ward_request_create(
        actor=s.nurse, workstation="t", cabinet=s.cabinet, kind="ward_stock", urgency="routine",
        lines=[wr.RequestLineInput(s.oxaliplatin, 2)], now=NOW, submit=True,
    )  # fmt: skip
    proposal = logged_in(s.nurse).get(f"{API}/restock-proposal", {"cabinet": "ARM-DH"}).json()
    assert [(p["product_code"], p["in_transit"], p["units"]) for p in proposal] == [
        (s.oxaliplatin.code, 2, 5)
    ]
    stock = logged_in(s.pharmacist).get(f"{API}/ward-stock", {"days": 180}).json()
    rows = {p["product_code"]: p for p in stock[0]["products"]}
    # fluorouracil expires in 120 days (within 180), oxaliplatin in 250 (not)
    assert (rows[s.fluorouracil.code]["near_expiry"], rows[s.oxaliplatin.code]["near_expiry"]) == (
        25,
        0,
    )
    assert rows[s.oxaliplatin.code]["to_restock"] is True
    assert rows[s.fluorouracil.code]["to_restock"] is False
