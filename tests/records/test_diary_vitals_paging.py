"""The diary, the vital signs and the laboratory results through the API paged (issue
27): ``{count, limit, offset, items}``, newest first, every row reachable (before: the
newest 1,000 entries, 500 sets and 2,000 results, the rest unreachable); a page's queries
do not grow with the history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.patients.models import Patient
from corsia.records.models import DiaryEntry, LabResult, VitalSigns
from corsia.testing.accounts import logged_in
from corsia.testing.paging import bad_pages_refused

pytestmark = pytest.mark.django_db


def _history(physician: User, patient: Patient, n: int) -> None:
    """``n`` diary entries, sets of vital signs and laboratory results, one an hour back
    from now (the last two of each at the same time: the id orders them)."""
    now = timezone.now()
    at = [now - timedelta(hours=k) for k in range(n - 1)] + [now - timedelta(hours=n - 2)]
    DiaryEntry.objects.bulk_create(
        DiaryEntry(patient=patient, kind="note", text=f"Nota {k}", written_at=t, author=physician)
        for k, t in enumerate(at)
    )
    VitalSigns.objects.bulk_create(
        VitalSigns(patient=patient, measured_at=t, heart_rate=60 + k % 60, recorded_by=physician)
        for k, t in enumerate(at)
    )
    LabResult.objects.bulk_create(
        LabResult(patient=patient, analyte="CEA", value=k, collected_at=t, recorded_by=physician)
        for k, t in enumerate(at)
    )


WHAT: dict[str, tuple[Any, str]] = {  # the API's list → its rows' model and time
    "diary": (DiaryEntry, "written_at"),
    "vitals": (VitalSigns, "measured_at"),
    "lab-results": (LabResult, "collected_at"),
}


def _page(client: Client, url: str, **params: Any) -> tuple[dict[str, Any], int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response.json(), len(queries.captured_queries)


@pytest.mark.parametrize("what", list(WHAT))
def test_every_row_is_reachable_page_by_page_the_newest_first(
    physician: User, patient: Patient, what: str
) -> None:
    _history(physician, patient, 7)
    client = logged_in(physician)
    url = f"/api/v1/patients/{patient.pk}/{what}"
    seen: list[int] = []
    for offset in (0, 3, 6):
        page, _ = _page(client, url, limit=3, offset=offset)
        assert (page["count"], page["limit"], page["offset"]) == (7, 3, offset)
        seen += [row["id"] for row in page["items"]]
    model, field = WHAT[what]
    expected = list(model.objects.order_by(f"-{field}", "-pk").values_list("pk", flat=True))
    assert seen == expected and len(set(seen)) == 7  # each once, the newest first
    # the last two at the same time: the newer id first
    assert seen[-2] > seen[-1]
    past, _ = _page(client, url, limit=3, offset=7)
    assert (past["count"], past["items"]) == (7, [])
    default, _ = _page(client, url)
    assert (default["limit"], default["offset"], len(default["items"])) == (100, 0, 7)
    logged = AccessLogEntry.objects.filter(patient_id=patient.pk, user=physician)
    assert logged.count() == 5  # every page read is logged


@pytest.mark.parametrize("what", list(WHAT))
def test_a_page_costs_the_same_for_10_and_200_rows(
    make_user: Any, physician: User, patient: Patient, what: str
) -> None:
    client = logged_in(physician)
    url = f"/api/v1/patients/{patient.pk}/{what}"
    _page(client, url)  # the caller's first request: its permissions cached
    _history(physician, patient, 10)
    few, n_few = _page(client, url, limit=5, offset=5)
    _history(physician, patient, 190)
    many, n_many = _page(client, url, limit=5, offset=5)
    assert (few["count"], many["count"]) == (10, 200)
    assert len(few["items"]) == len(many["items"]) == 5
    assert n_few == n_many


def test_a_bad_page_is_a_clear_422(physician: User, patient: Patient) -> None:
    client = logged_in(physician)
    for what in WHAT:
        bad_pages_refused(client, f"/api/v1/patients/{patient.pk}/{what}")
    huge = client.get(f"/api/v1/patients/{patient.pk}/diary", {"offset": 10**30})
    assert huge.status_code == 422
