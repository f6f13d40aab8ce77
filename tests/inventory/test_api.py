"""/api/v1/inventory/: stock levels, expiring lots, movements (filters, pages), requirements
and the delivery load (all or nothing). Bad input is a problem+json with a stable code and
changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.drugs.models import MedicinalProduct
from corsia.inventory import services
from corsia.inventory.models import CostCenter, StockLot, StockMovement, StorageLocation
from corsia.testing.accounts import MakeUser, logged_in, post_json

API = "/api/v1/inventory"


def _get(client: Client, path: str, **params: Any) -> tuple[int, Any]:
    response = client.get(f"{API}{path}", params)
    return response.status_code, response.json()


def _post(client: Client, path: str, body: Any = None) -> tuple[int, Any]:
    return post_json(client, f"{API}{path}", body)


def _snapshot() -> tuple[list[tuple[str, int]], int]:
    lots = sorted(StockLot.objects.values_list("lot", "quantity"))
    return lots, StockMovement.objects.count()


def _load_now(
    user: User, product: MedicinalProduct, shelf: StorageLocation, *, lot: str, days: int,
    qty: int,
) -> None:  # fmt: skip
    today = timezone.localdate()
    services.stock_load(
        actor=user, workstation="t", supplier="Ditta", document_number=f"DDT-{lot}",
        document_date=today, location=shelf, now=timezone.now(),
        lines=[services.LoadLine(product, lot, today + timedelta(days=days), qty, Decimal("2.5"))],
    )  # fmt: skip


@pytest.mark.django_db
def test_stock_and_expiring_lots(
    pharmacist: User, make_user: MakeUser, oxaliplatin: MedicinalProduct,
    fluorouracil: MedicinalProduct, shelf: StorageLocation,
) -> None:  # fmt: skip
    # given oxaliplatin lot SOON (20 days) and fluorouracil lot LATE (100 days) on shelf A1
    _load_now(pharmacist, oxaliplatin, shelf, lot="SOON", days=20, qty=4)
    _load_now(pharmacist, fluorouracil, shelf, lot="LATE", days=100, qty=6)
    client = logged_in(make_user(Role.COORDINATOR))
    today = timezone.localdate()
    # when the stock is asked by product, then only that product's lot comes back
    status, lots = _get(client, "/stock", product="oxaliplatin_100mg_20ml_test")
    assert status == 200
    assert lots == [
        {
            "id": lots[0]["id"], "product_code": "oxaliplatin_100mg_20ml_test",
            "product": "Oxaliplatino Test", "aic": "", "lot": "SOON",
            "expiry": (today + timedelta(days=20)).isoformat(), "location": "A1",
            "quantity": 4, "unit_cost": "2.5000", "usable": True,
        }
    ]  # fmt: skip
    # by location (the cabinet includes its shelf)
    status, lots = _get(client, "/stock", location="A")
    assert (status, sorted(lot["lot"] for lot in lots)) == (200, ["LATE", "SOON"])
    # lots expiring within 30 days
    status, soon = _get(client, "/lots/expiring", days=30)
    assert (status, [lot["lot"] for lot in soon]) == (200, ["SOON"])
    # bad input: problem+json with a stable code
    for path, params, code in (
        ("/stock", {"product": "nope"}, "product_unknown"),
        ("/stock", {"location": "NOWHERE"}, "location_unknown"),
        ("/lots/expiring", {"days": -1}, "days_out_of_range"),
        ("/lots/expiring", {"days": "many"}, "validation_failed"),
    ):
        response = client.get(f"{API}{path}", params)
        assert response.status_code == 422, path
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == code
    # a nurse does not see the stock
    assert logged_in(make_user(Role.NURSE)).get(f"{API}/stock").status_code == 403


@pytest.mark.django_db
def test_movements_filters_and_pages(
    pharmacist: User, oxaliplatin: MedicinalProduct, fluorouracil: MedicinalProduct,
    shelf: StorageLocation, cost_center: CostCenter,
) -> None:  # fmt: skip
    # given a load of each product and 3 unloads of oxaliplatin to the day hospital
    _load_now(pharmacist, oxaliplatin, shelf, lot="OX", days=200, qty=10)
    _load_now(pharmacist, fluorouracil, shelf, lot="FU", days=200, qty=10)
    for n in range(3):
        services.stock_unload(
            actor=pharmacist, workstation="t", product=oxaliplatin, quantity=n + 1,
            location=shelf, cost_center=cost_center, reference=f"preparation:{n}",
            now=timezone.now(),
        )  # fmt: skip
    client = logged_in(pharmacist)
    today = timezone.localdate().isoformat()
    # when filtered by product, kind, cost centre and today, 2 per page from the second
    status, page = _get(
        client, "/movements", product="oxaliplatin_100mg_20ml_test", kind="unload",
        cost_center="CC-DH", since=today, until=today, limit=2, offset=1,
    )  # fmt: skip
    # then 3 match, newest first: this page holds the 2nd and 3rd newest (2 and 1 units)
    assert status == 200
    assert (page["count"], page["limit"], page["offset"]) == (3, 2, 1)
    assert [(m["kind"], m["quantity"], m["cost_center"], m["from_location"]) for m in page["items"]] == [
        ("unload", 2, "CC-DH", "A1"),
        ("unload", 1, "CC-DH", "A1"),
    ]  # fmt: skip
    status, loads = _get(client, "/movements", kind="load")
    assert (status, loads["count"]) == (200, 2)
    status, none = _get(client, "/movements", until="2000-01-01")
    assert (status, none["count"], none["items"]) == (200, 0, [])
    for params, code in (
        ({"kind": "theft"}, "kind_unknown"),
        ({"cost_center": "CC-NONE"}, "cost_center_unknown"),
        ({"product": "nope"}, "product_unknown"),
        ({"since": "2026-10-10", "until": "2026-10-01"}, "date_range_invalid"),
        ({"limit": 0}, "limit_out_of_range"),
        ({"limit": 201}, "limit_out_of_range"),
        ({"offset": -1}, "offset_out_of_range"),
        ({"since": "yesterday"}, "validation_failed"),
    ):
        status, problem = _get(client, "/movements", **params)
        assert (status, problem["code"]) == (422, code), params


def _document(**changes: Any) -> dict[str, Any]:
    today = timezone.localdate()
    line = {
        "product": "oxaliplatin_100mg_20ml_test",
        "aic": "012345678",
        "lot": "NEW1",
        "expiry": (today + timedelta(days=365)).isoformat(),
        "quantity": 5,
        "unit_cost": "31.50",
    }
    body: dict[str, Any] = {
        "supplier": "Ditta",
        "document_number": "DDT-API-1",
        "document_date": today.isoformat(),
        "location": "A1",
        "lines": [line, line | {"product": "fluorouracil_1000mg_test", "aic": "", "lot": "NEW2"}],
    }
    for key, value in changes.items():
        if key.startswith("line2_"):
            body["lines"][1] = body["lines"][1] | {key[6:]: value}
        else:
            body[key] = value
    return body


@pytest.mark.django_db
def test_load_is_all_or_nothing_and_refuses_bad_lines(
    pharmacist: User, make_user: MakeUser, oxaliplatin: MedicinalProduct,
    fluorouracil: MedicinalProduct, shelf: StorageLocation,
) -> None:  # fmt: skip
    client = logged_in(make_user(Role.TECHNICIAN))
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    expired = f"{date.fromisoformat(yesterday):%d/%m/%Y}"
    before = _snapshot()
    # bad documents change nothing and say what is wrong, line by line
    cases: list[tuple[dict[str, Any], str, Any]] = [
        (
            _document(line2_product="unknown_product"),
            "delivery_references_unknown",
            [{"line": 2, "message": "medicinale «unknown_product» non presente nell'archivio"}],
        ),
        (
            _document(line2_quantity=-3),
            "delivery_lines_invalid",
            [{"line": 2, "message": "quantità non valida"}],
        ),
        (
            _document(line2_expiry=yesterday),
            "delivery_lines_invalid",
            [{"line": 2, "message": f"lotto scaduto il {expired}: non si carica"}],
        ),
        (
            _document(line2_unit_cost="-1"),
            "delivery_lines_invalid",
            [{"line": 2, "message": "costo unitario negativo"}],
        ),
        (_document(location="NOWHERE"), "location_unknown", None),
        (_document(lines=[]), "document_empty", None),
        (_document(line2_quantity="tre"), "validation_failed", None),
    ]
    for body, code, errors in cases:
        status, problem = _post(client, "/loads", body)
        assert (status, problem["code"]) == (422, code), body
        if errors is not None:
            assert problem["details"]["errors"] == errors
        assert _snapshot() == before
    # a nurse may not load
    status, problem = _post(logged_in(make_user(Role.NURSE)), "/loads", _document())
    assert (status, problem["code"]) == (403, "permission_denied")
    assert _snapshot() == before
    # when the document is right, both lines are loaded
    status, moves = _post(client, "/loads", _document())
    assert status == 201
    assert [(m["kind"], m["product_code"], m["lot"], m["quantity"], m["to_location"],
             m["reference"], m["unit_cost"]) for m in moves] == [
        ("load", "oxaliplatin_100mg_20ml_test", "NEW1", 5, "A1", "DDT DDT-API-1", "31.5000"),
        ("load", "fluorouracil_1000mg_test", "NEW2", 5, "A1", "DDT DDT-API-1", "31.5000"),
    ]  # fmt: skip
    assert sorted(StockLot.objects.values_list("lot", "quantity", "pack__aic")) == [
        ("NEW1", 5, "012345678"),
        ("NEW2", 5, None),
    ]


@pytest.mark.django_db
def test_requirements_api_checks_days_and_permission(make_user: MakeUser) -> None:
    today = timezone.localdate()
    client = logged_in(make_user(Role.TECHNICIAN))
    status, body = _get(client, "/requirements", days=2)
    assert status == 200
    assert body == {
        "days": [today.isoformat(), (today + timedelta(days=1)).isoformat()],
        "products": [],
        "picks": [],
        "shortages": [],
        "unplanned": [],
        "lines_already_drawn": 0,
    }
    for params, code in (
        ({"days": 0}, "days_out_of_range"),
        ({"days": 15}, "days_out_of_range"),
        ({"location": "NOWHERE"}, "location_unknown"),
    ):
        status, problem = _get(client, "/requirements", **params)
        assert (status, problem["code"]) == (422, code)
    for role in (Role.COORDINATOR, Role.NURSE):
        status, problem = _get(logged_in(make_user(role)), "/requirements")
        assert (status, problem["code"]) == (403, "permission_denied")
