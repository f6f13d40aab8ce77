"""The ward's list of devices paged (issue 27): every device in place reachable, what needs
doing first (before: the first 500 by insertion, so the 501st with an overdue dressing was
not shown); the API's list {count, limit, offset, items}; each page logs only the patients
it shows; the queries do not grow with the removed devices (the register's history)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.patients.models import Patient
from corsia.testing.accounts import api_client, logged_in
from corsia.testing.vascular import PIV, inserted
from corsia.vascular import services, views

pytestmark = pytest.mark.django_db

API = "/api/v1/vascular/devices"
WHAT = "accessi vascolari (elenco di reparto)"


def _in_place(nurse: User, patient: Patient, n: int) -> list[int]:
    """``n`` cannulas put in a day apart, the first ``n + 1`` days ago; ids, oldest first:
    the longest in place is the first to see to (no dressing recorded on any)."""
    return [
        inserted(nurse, patient.pk, PIV, at=timezone.now() - timedelta(days=n + 1 - k)).pk
        for k in range(n)
    ]


def _removed(nurse: User, patient: Patient, n: int) -> None:
    """``n`` cannulas put in and taken out: the register's history."""
    for _ in range(n):
        device = inserted(nurse, patient.pk, PIV, at=timezone.now() - timedelta(hours=3))
        services.device_remove(
            actor=nurse, workstation=None, device_id=device.pk, expected_version=device.version,
            data=services.RemovalInput(reason="end_of_therapy"),
        )  # fmt: skip


def _shown(html: str) -> list[int]:
    table = html.split('data-testid="in-place"', 1)[1].split("</table>", 1)[0]
    return [int(pk) for pk in re.findall(r'href="/vascular/devices/(\d+)/"', table)]


def test_every_device_in_place_is_reachable_what_needs_doing_first(
    scales: None, nurse: User, patient: Patient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = _in_place(nurse, patient, 5)
    client = logged_in(nurse)
    first = client.get("/vascular/").content.decode()
    assert _shown(first) == made[:2]
    assert "5 accessi in sede" in first
    assert 'href="?page=2"' in first
    for page in ("3", "99"):  # the last put in, on the last page (past the end: the last)
        last = client.get("/vascular/", {"page": page}).content.decode()
        assert _shown(last) == made[4:], page
    api = api_client(nurse)
    seen = []
    for offset in (0, 2, 4):
        page = api.get(API, {"limit": 2, "offset": offset}).json()
        assert (page["count"], page["limit"], page["offset"]) == (5, 2, offset)
        seen += [d["id"] for d in page["items"]]
    assert seen == made
    logged = AccessLogEntry.objects.filter(what=WHAT, channel="api")
    before = logged.count()
    assert api.get(API, {"offset": 5}).json()["items"] == []  # past the end: no one logged
    assert logged.count() == before
    for bad, code in (
        ({"limit": "0"}, "limit_out_of_range"),
        ({"limit": "501"}, "limit_out_of_range"),
        ({"offset": "-1"}, "offset_out_of_range"),
    ):
        refused = api.get(API, bad)
        assert (refused.status_code, refused.json()["code"]) == (422, code), bad


def _queries(client: Client, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries.captured_queries)


def test_the_queries_do_not_grow_with_the_register(
    scales: None, nurse: User, patient: Patient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _in_place(nurse, patient, 3)
    _removed(nurse, patient, 1)
    page, api = logged_in(nurse), api_client(nurse)
    asked: list[tuple[Client, str, dict[str, str]]] = [
        (page, "/vascular/", {}),
        (api, API, {"limit": "2"}),
    ]
    for client, url, params in asked:
        _queries(client, url, params)  # the caller's first request: its permission set cached
    few = [_queries(client, url, params) for client, url, params in asked]
    _removed(nurse, patient, 3)  # the history grows
    _in_place(nurse, patient, 3)  # and the devices in place double
    assert [_queries(client, url, params) for client, url, params in asked] == few
    assert _queries(page, "/vascular/", {"page": "3"}) == few[0]
