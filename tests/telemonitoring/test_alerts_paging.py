"""A patient's telemonitoring alerts paged (issue 27): every alert reachable on the team's
page and through the API, the open ones first (urgent first), then the evaluated ones,
newest first. Before: the first 100 ordered by state, «closed» before «open», so 100
evaluated alerts hid every open one. A bad page is a clear 422; a page's queries do not
grow with the history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.models import User
from corsia.patients.models import Patient
from corsia.portal.models import PortalAccount
from corsia.telemonitoring.models import Alert
from corsia.testing.accounts import api_client, logged_in
from corsia.testing.paging import bad_pages_refused, queries_do_not_grow, shown_ids

pytestmark = pytest.mark.django_db
Pair = tuple[Patient, PortalAccount]
ALERT = r'data-alert-id="(\d+)"'


def _alerts(patient: Patient, *, closed: int, start: int = 0) -> list[Alert]:
    """``closed`` evaluated alerts, one a day from yesterday back (after ``start`` days),
    then the open ones, older than all of them: one urgent, two not (the last two at the
    same time: the id orders them). Returned in the order expected."""
    now = timezone.now()
    evaluated = Alert.objects.bulk_create(
        Alert(
            patient=patient,
            rule="threshold_heart_rate",
            message=f"FC fuori soglia {k}",
            raised_at=now - timedelta(days=start + k + 1),
            state="closed",
            closed_at=now,
            note="Valutata",
        )
        for k in range(closed)
    )
    old = now - timedelta(days=400)
    urgent, first, second = Alert.objects.bulk_create(
        [
            Alert(patient=patient, rule="fever", message="Febbre", urgent=True, raised_at=old),
            Alert(patient=patient, rule="diarrhoea", message="Diarrea", raised_at=old),
            Alert(patient=patient, rule="nausea", message="Nausea", raised_at=old),
        ]
    )
    return [urgent, second, first, *evaluated]


def _api_alerts(client: Client, url: str, *, limit: int, count: int) -> list[Any]:
    """Every alert of the API's patient read (its ``alerts`` page) ``limit`` at a time."""
    items: list[Any] = []
    for offset in range(0, count, limit):
        page = client.get(url, {"limit": limit, "offset": offset}).json()["alerts"]
        assert (page["count"], page["limit"], page["offset"]) == (count, limit, offset), page
        items += page["items"]
    return items


def test_every_alert_is_reachable_the_open_ones_first(mario: Pair, physician: User) -> None:
    patient, _ = mario
    expected = [a.pk for a in _alerts(patient, closed=120)]
    url = f"/api/v1/telemonitoring/patients/{patient.pk}"
    items = _api_alerts(api_client(physician), url, limit=50, count=123)
    assert [a["id"] for a in items] == expected
    assert [a["state"] for a in items[:4]] == ["open", "open", "open", "closed"]
    # the default page: the first 100, the 3 open ones among them
    first = api_client(physician).get(url).json()["alerts"]
    assert (first["count"], first["limit"], first["offset"]) == (123, 100, 0)
    assert [a["id"] for a in first["items"]] == expected[:100]
    # the team's page, 50 a page: all of them, in the same order
    client = logged_in(physician)
    page = f"/telemonitoraggio/pazienti/{patient.pk}/"
    seen: list[int] = []
    for number in (1, 2, 3):
        html = client.get(page, {"alerts_page": number}).content.decode()
        seen += shown_ids(html, "patient-alerts", ALERT)
    assert seen == expected
    html = client.get(page).content.decode()
    assert "123 allerte in tutto, le aperte per prime" in html
    assert 'data-testid="pager-next"' in html and "?alerts_page=2" in html
    assert f'data-testid="alert-close-{expected[0]}"' in html  # the urgent open one, first


def test_a_bad_page_is_a_clear_422(mario: Pair, physician: User) -> None:
    patient, _ = mario
    bad_pages_refused(api_client(physician), f"/api/v1/telemonitoring/patients/{patient.pk}")


def test_a_bad_page_number_is_the_first_page(mario: Pair, physician: User) -> None:
    patient, _ = mario
    expected = [a.pk for a in _alerts(patient, closed=2)]
    client = logged_in(physician)
    for raw in ("0", "-1", "abc", "1e308", "99999999999"):
        response = client.get(f"/telemonitoraggio/pazienti/{patient.pk}/", {"alerts_page": raw})
        assert response.status_code == 200
        assert shown_ids(response.content.decode(), "patient-alerts", ALERT) == expected


def test_a_pages_queries_do_not_grow_with_the_alerts(mario: Pair, physician: User) -> None:
    patient, _ = mario
    _alerts(patient, closed=5)
    asked: list[Any] = [
        (logged_in(physician), f"/telemonitoraggio/pazienti/{patient.pk}/", {}),
        (api_client(physician), f"/api/v1/telemonitoring/patients/{patient.pk}", {"limit": 3}),
    ]
    queries_do_not_grow(asked, lambda: _alerts(patient, closed=200, start=10))


def test_every_open_alert_of_the_team_is_reachable(mario: Pair, physician: User) -> None:
    """The team's open alerts (before: the first 200, the rest silently left out): urgent
    first, then the oldest first; 50 a page, 100 from the API by default."""
    patient, _ = mario
    now = timezone.now()
    made = Alert.objects.bulk_create(
        Alert(
            patient=patient,
            rule="fever",
            message=f"Febbre {k}",
            urgent=k % 50 == 0,
            raised_at=now - timedelta(hours=k),
        )
        for k in range(230)
    )
    Alert.objects.bulk_create([Alert(patient=patient, rule="x", message="x", state="closed")])
    urgent = [a.pk for a in reversed(made) if a.urgent]
    expected = urgent + [a.pk for a in reversed(made) if not a.urgent]
    client = logged_in(physician)
    seen: list[int] = []
    for number in range(1, 6):
        html = client.get("/telemonitoraggio/allerte/", {"page": number}).content.decode()
        seen += shown_ids(html, "telemonitoring-alerts", ALERT)
    assert seen == expected
    first = client.get("/telemonitoraggio/allerte/").content.decode()
    assert "230 allerte aperte" in first and 'data-testid="pager-next"' in first
    api = api_client(physician)
    items: list[Any] = []
    for offset in (0, 100, 200):
        page = api.get("/api/v1/telemonitoring/alerts", {"offset": offset}).json()
        assert (page["count"], page["limit"], page["offset"]) == (230, 100, offset)
        items += page["items"]
    assert [a["id"] for a in items] == expected
    bad = api.get("/api/v1/telemonitoring/alerts", {"limit": 0})
    assert (bad.status_code, bad.json()["code"]) == (422, "limit_out_of_range")
