"""The ward's list of devices paged (issue 27): every device in place reachable, what needs
doing first (before: the first 500 by insertion, so the 501st with an overdue dressing was
not shown); the API's list {count, limit, offset, items}; each page logs only the patients
it shows; the queries do not grow with the removed devices (the register's history)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.patients.models import Patient
from corsia.testing.accounts import api_client, logged_in
from corsia.testing.paging import (
    Request,
    api_items,
    bad_pages_refused,
    queries,
    queries_do_not_grow,
    shown_ids,
)
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
    return shown_ids(html, "in-place", r'href="/vascular/devices/(\d+)/"')


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
    assert [d["id"] for d in api_items(api, API, {}, limit=2, count=5)] == made
    logged = AccessLogEntry.objects.filter(what=WHAT, channel="api")
    before = logged.count()
    assert api.get(API, {"offset": 5}).json()["items"] == []  # past the end: no one logged
    assert logged.count() == before
    bad_pages_refused(api, API)


def test_the_queries_do_not_grow_with_the_register(
    scales: None, nurse: User, patient: Patient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _in_place(nurse, patient, 3)
    _removed(nurse, patient, 1)
    page, api = logged_in(nurse), api_client(nurse)
    asked: list[Request] = [(page, "/vascular/", {}), (api, API, {"limit": "2"})]

    def grow() -> None:
        _removed(nurse, patient, 3)  # the history grows
        _in_place(nurse, patient, 3)  # and the devices in place double

    few = queries_do_not_grow(asked, grow)
    assert queries(page, "/vascular/", {"page": "3"}) == few[0]
