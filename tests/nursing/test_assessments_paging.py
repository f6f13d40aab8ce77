"""A patient's assessments with scales paged (issue 27): every assessment reachable on the
nursing page and through the API, newest first (before: the newest 500, and the trends of
the scales built from them, so a scale assessed before 500 others lost its trend); each
scale's trend shows its latest 30 and says how many more there are, with a link to them.
A bad page is a clear 422; a page's queries do not grow with the history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from corsia.accounts.models import User
from corsia.nursing.models import Assessment, Scale
from corsia.patients.models import Patient
from corsia.testing.accounts import api_client, logged_in
from corsia.testing.paging import api_items, queries_do_not_grow, shown_ids

pytestmark = pytest.mark.django_db
ROW = r'href="/nursing/assessments/(\d+)/"'


def _assessments(nurse: User, patient: Patient, code: str, n: int, start: int) -> list[int]:
    """``n`` current assessments with scale ``code``, one an hour back from ``start`` hours
    ago (the last two at the same time: the id orders them); their ids, newest first."""
    scale = Scale.objects.get(code=code, active=True)
    now = timezone.now()
    hours = [start + k for k in range(n - 1)] + [start + n - 2]
    made = Assessment.objects.bulk_create(
        Assessment(
            patient=patient,
            scale=scale,
            answers={},
            items=[],
            total=k % 10,
            band_label="Fascia",
            band_level=0,
            assessed_at=now - timedelta(hours=h),
            recorded_by=nurse,
        )
        for k, h in enumerate(hours)
    )
    return [a.pk for a in made[: n - 2]] + sorted((a.pk for a in made[n - 2 :]), reverse=True)


@pytest.fixture
def history(scales: None, nurse: User, patient: Patient) -> tuple[list[int], list[int]]:
    """501 pain scores in the last 501 hours, then 40 Braden before them: the Braden's
    and every assessment's ids, newest first."""
    nrs = _assessments(nurse, patient, "nrs", 501, start=1)
    braden = _assessments(nurse, patient, "braden", 40, start=600)
    return braden, nrs + braden


def test_every_scale_keeps_its_trend_and_says_how_many_more(
    history: tuple[list[int], list[int]], nurse: User, patient: Patient
) -> None:
    braden, _ = history
    html = logged_in(nurse).get(f"/nursing/patients/{patient.pk}/").content.decode()
    assert shown_ids(html, "trend-table-braden", ROW) == braden[:30]
    assert len(shown_ids(html, "trend-table-nrs", ROW)) == 30
    assert "10 valutazioni precedenti" in html.split('data-testid="trend-more-braden"')[1][:200]
    assert "471 valutazioni precedenti" in html.split('data-testid="trend-more-nrs"')[1][:200]
    assert 'href="?history=1&amp;scale=braden#assessment-history"' in html


def test_every_assessment_is_reachable_page_by_page_the_newest_first(
    history: tuple[list[int], list[int]], nurse: User, patient: Patient
) -> None:
    braden, every = history
    client = logged_in(nurse)
    url = f"/nursing/patients/{patient.pk}/"
    # the link of the Braden's trend: its 40, on one page
    one = client.get(url, {"history": "1", "scale": "braden"}).content.decode()
    assert shown_ids(one, "assessment-history", ROW) == braden
    assert "40 valutazioni" in one and 'data-testid="pager-next"' not in one
    # every scale: 541, 50 a page
    seen: list[int] = []
    for number in range(1, 12):
        page = client.get(url, {"history": 1, "history_page": number}).content.decode()
        seen += shown_ids(page, "assessment-history", ROW)
    assert seen == every
    # the API, 200 at a time
    api = api_client(nurse)
    items = api_items(
        api, "/api/v1/nursing/assessments", {"patient_id": patient.pk}, limit=200, count=541
    )
    assert [a["id"] for a in items] == every
    braden_items = api_items(
        api,
        "/api/v1/nursing/assessments",
        {"patient_id": patient.pk, "scale": "braden"},
        limit=15,
        count=40,
    )
    assert [a["id"] for a in braden_items] == braden


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": 0}, "limit_out_of_range"),
        ({"limit": 501}, "limit_out_of_range"),
        ({"offset": -1}, "offset_out_of_range"),
    ],
)
def test_a_bad_page_is_a_clear_422(
    scales: None, nurse: User, patient: Patient, params: dict[str, int], code: str
) -> None:
    asked: dict[str, int] = {"patient_id": patient.pk, **params}
    response = api_client(nurse).get("/api/v1/nursing/assessments", asked)
    assert (response.status_code, response.json()["code"]) == (422, code)


def test_a_pages_queries_do_not_grow_with_the_history(
    scales: None, nurse: User, patient: Patient
) -> None:
    _assessments(nurse, patient, "braden", 3, start=1)
    _assessments(nurse, patient, "nrs", 3, start=1)
    asked: list[Any] = [
        (logged_in(nurse), f"/nursing/patients/{patient.pk}/", {"history": 1}),
        (api_client(nurse), "/api/v1/nursing/assessments", {"patient_id": patient.pk}),
    ]

    def grow() -> None:
        _assessments(nurse, patient, "braden", 100, start=10)
        _assessments(nurse, patient, "nrs", 100, start=10)

    queries_do_not_grow(asked, grow)
