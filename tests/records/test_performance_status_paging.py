"""The performance statuses paged (issue 27): every one reachable on the diagnosis page and
through the API, newest first (before: the newest 200, the rest unreachable); a bad page is
a clear 422; a page's queries do not grow with the history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from corsia.accounts.models import User
from corsia.patients.models import Patient
from corsia.records.models import PerformanceStatus
from corsia.testing.accounts import logged_in
from corsia.testing.paging import api_items, bad_pages_refused, queries_do_not_grow, shown_ids

pytestmark = pytest.mark.django_db
ROW = r'data-ps-id="(\d+)"'


def _statuses(physician: User, patient: Patient, n: int, start: int = 0) -> list[int]:
    """``n`` ECOG statuses, one a day back from ``start`` days ago (the last two on the
    same day: the id orders them); their ids, newest first."""
    today = timezone.localdate()
    days = [start + k for k in range(n - 1)] + [start + n - 2]
    made = PerformanceStatus.objects.bulk_create(
        PerformanceStatus(
            patient=patient,
            scale="ecog",
            value=k % 5,
            assessed_on=today - timedelta(days=d),
            recorded_by=physician,
        )
        for k, d in enumerate(days)
    )
    return [p.pk for p in made[: n - 2]] + sorted((p.pk for p in made[n - 2 :]), reverse=True)


def test_every_status_is_reachable_page_by_page_the_newest_first(
    physician: User, patient: Patient
) -> None:
    expected = _statuses(physician, patient, 230)
    client = logged_in(physician)
    seen: list[int] = []
    for number in range(1, 6):  # 50 a page
        html = client.get(
            f"/records/patients/{patient.pk}/diagnosis/", {"ps_page": number}
        ).content.decode()
        seen += shown_ids(html, "performance-status-list", ROW)  # the only rows marked so
    assert seen == expected
    first = client.get(f"/records/patients/{patient.pk}/diagnosis/").content.decode()
    assert "230 valutazioni" in first and "?ps_page=2" in first
    items = api_items(
        client, f"/api/v1/patients/{patient.pk}/performance-status", {}, limit=100, count=230
    )
    assert [p["id"] for p in items] == expected


def test_a_bad_page_is_a_clear_422(physician: User, patient: Patient) -> None:
    bad_pages_refused(logged_in(physician), f"/api/v1/patients/{patient.pk}/performance-status")


def test_a_pages_queries_do_not_grow_with_the_history(physician: User, patient: Patient) -> None:
    _statuses(physician, patient, 3)
    asked: list[Any] = [
        (logged_in(physician), f"/records/patients/{patient.pk}/diagnosis/", {}),
        (logged_in(physician), f"/api/v1/patients/{patient.pk}/performance-status", {}),
    ]
    queries_do_not_grow(asked, lambda: _statuses(physician, patient, 150, start=10))
