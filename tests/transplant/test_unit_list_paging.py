"""The unit's transplants paged (issue 27): the page and the API, the most recently taken in
charge first, every case of the history reachable (before: the newest 500); each page logs
its patients; the queries do not grow with the cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

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
from corsia.testing.transplant import case_opened
from corsia.transplant import services
from corsia.transplant.models import Transplant
from corsia.transplant.views import case as views

pytestmark = pytest.mark.django_db

API = "/api/v1/transplant/cases"
FIRST_DAY = date(2025, 1, 6)


def _cancelled(physician: User, patient: Patient, n: int) -> list[int]:
    """``n`` cases of the patient, each taken in charge a week after the one before and
    cancelled before the next is opened; their ids, the oldest first."""
    before = len(_ids_by_day())
    made = []
    for k in range(n):
        case = case_opened(
            physician, patient.pk, taken_in_charge_on=FIRST_DAY + timedelta(weeks=before + k)
        )
        services.transplant_cancel(
            actor=physician, workstation=None, transplant_id=case.pk,
            expected_version=case.version, reason="Donatore non più disponibile",
        )  # fmt: skip
        made.append(case.pk)
    return made


def _ids_by_day() -> list[int]:
    return list(
        Transplant.objects.order_by("taken_in_charge_on", "pk").values_list("pk", flat=True)
    )


def _shown(html: str) -> list[int]:
    return shown_ids(html, "unit-cases", r'href="/transplant/cases/(\d+)/"')


def test_every_case_is_reachable_the_most_recent_first(
    physician: User, recipient: Patient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = _cancelled(physician, recipient, 5)
    newest_first = made[::-1]
    client = logged_in(physician)
    first = client.get("/transplant/", {"all": "1"}).content.decode()
    assert _shown(first) == newest_first[:2]
    assert "5 trapianti, i più recenti prima" in first
    assert 'href="?all=1&amp;page=2"' in first
    for page in ("3", "99"):  # the oldest, on the last page (past the end: the last)
        last = client.get("/transplant/", {"all": "1", "page": page}).content.decode()
        assert _shown(last) == newest_first[4:], page
    assert _shown(client.get("/transplant/").content.decode()) == []  # none open
    api = api_client(physician)
    seen = api_items(api, API, {"all": "true"}, limit=2, count=5)
    assert [c["id"] for c in seen] == newest_first
    bad_pages_refused(api, API)


def test_a_page_logs_the_patients_it_shows(physician: User, recipient: Patient) -> None:
    _cancelled(physician, recipient, 1)
    logged = AccessLogEntry.objects.filter(what="trapianti (elenco dell'unità)")
    before = logged.count()
    api_client(physician).get(API, {"all": "true", "offset": "5"})  # past the end: no one
    assert logged.count() == before
    api_client(physician).get(API, {"all": "true"})
    assert list(logged.values_list("patient_id", "channel")[before:]) == [(recipient.pk, "api")]


def test_the_queries_do_not_grow_with_the_cases(
    physician: User, recipient: Patient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _cancelled(physician, recipient, 2)
    page, api = logged_in(physician), api_client(physician)
    asked: list[Request] = [
        (page, "/transplant/", {"all": "1"}),
        (api, API, {"all": "true", "limit": "2"}),
    ]
    few = queries_do_not_grow(asked, lambda: _cancelled(physician, recipient, 4))  # 3× the cases
    assert queries(page, "/transplant/", {"all": "1", "page": "3"}) == few[0]
