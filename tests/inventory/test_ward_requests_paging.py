"""The ward requests paged (issue 27): the list page (the newest first), the pharmacy's queue
and the API's list (urgent first, then the oldest; the API: ``count``, ``limit``,
``offset``), every request of the history reachable; their queries do not grow with the
requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.inventory.domain.ward_requests import Urgency
from corsia.inventory.models import WardRequest
from corsia.inventory.services import ward_requests as wr
from corsia.inventory.views_requests import pharmacy as pharmacy_views
from corsia.inventory.views_requests import ward as ward_views
from corsia.testing.accounts import logged_in
from corsia.testing.inventory import WardScene
from corsia.testing.paging import api_items, queries, queries_do_not_grow, shown_ids

URL = "/inventory/requests/"
API = "/api/v1/requests/"
QUEUE = "/inventory/requests/queue/"


def _requests(s: WardScene, n: int, *, urgent: int = -1) -> list[WardRequest]:
    """``n`` requests sent by the ward, an hour apart, the oldest first (the ``urgent``-th
    urgent, the others routine)."""
    start = timezone.now() - timedelta(days=30) + timedelta(hours=WardRequest.objects.count())
    made = []
    for k in range(n):
        request = wr.ward_request_create(
            actor=s.nurse, workstation="t", cabinet=s.cabinet, kind="ward_stock",
            urgency="urgent" if k == urgent else "routine",
            lines=[wr.RequestLineInput(s.oxaliplatin, 1)],
            now=start + timedelta(hours=k), submit=True,
        )  # fmt: skip
        made.append(request)
    return made


REQUEST_LINK = r'href="/inventory/requests/(\d+)/"'


def _shown(html: str, testid: str = "request-list") -> list[int]:
    return shown_ids(html, testid, REQUEST_LINK)


def test_every_request_is_reachable_page_by_page_the_newest_first(
    scene: WardScene, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ward_views, "REQUESTS_PAGE_SIZE", 2)
    made = _requests(scene, 5)
    client = logged_in(scene.nurse)
    first = client.get(URL, {"state": "submitted"}).content.decode()
    assert _shown(first) == [made[4].pk, made[3].pk]
    assert 'data-testid="request-list-total">5 richieste<' in first
    assert 'href="?state=submitted&amp;page=2"' in first
    for page in ("3", "99"):  # the oldest, on the last page (past the end: the last)
        last = client.get(URL, {"state": "submitted", "page": page}).content.decode()
        assert _shown(last) == [made[0].pk], page
        assert "pager-next" not in last


def test_the_apis_list_reaches_every_request_urgent_first_then_the_oldest(
    scene: WardScene,
) -> None:
    made = _requests(scene, 5, urgent=3)
    client = logged_in(scene.pharmacist)
    order = [made[3], made[0], made[1], made[2], made[4]]
    seen = [r["id"] for r in api_items(client, API, {}, limit=2, count=5)]
    assert seen == [r.pk for r in order]
    assert client.get(API, {"limit": 2, "offset": 5}).json()["items"] == []
    for bad in ({"offset": "-1"}, {"limit": "0"}, {"offset": "abc"}):
        answer = client.get(API, bad)
        assert answer.status_code in (400, 422), (bad, answer.status_code)


def test_the_queries_of_the_page_and_the_api_do_not_grow_with_the_requests(
    scene: WardScene, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ward_views, "REQUESTS_PAGE_SIZE", 2)
    _requests(scene, 2)
    client = logged_in(scene.pharmacist)
    monkeypatch.setattr(pharmacy_views, "QUEUE_PAGE_SIZE", 2)
    asked = [(client, URL, {"page": "1"}), (client, API, {"limit": "2"}), (client, QUEUE, {})]
    few = queries_do_not_grow(asked, lambda: _requests(scene, 4))  # 3× the requests
    # the last page costs the same
    assert queries(client, URL, {"page": "3"}) == few[0]
    assert queries(client, API, {"limit": "2", "offset": "4"}) == few[1]


def test_the_urgent_sort_first_as_a_plain_column_descending() -> None:
    # the lists order by urgency descending (an index reads it): true while the urgencies
    # are these two; a third one must change the ordering
    assert {u.value for u in Urgency} == {"urgent", "routine"}
    assert sorted(u.value for u in Urgency)[-1] == Urgency.URGENT


def test_the_queue_pages_each_state_urgent_first_then_the_oldest(
    scene: WardScene, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pharmacy_views, "QUEUE_PAGE_SIZE", 2)
    made = _requests(scene, 5, urgent=3)
    client = logged_in(scene.pharmacist)
    order = [made[3], made[0], made[1], made[2], made[4]]

    def shown(params: dict[str, str]) -> list[int]:
        return _shown(client.get(QUEUE, params).content.decode(), "queue-submitted")

    first = client.get(QUEUE).content.decode()
    assert 'data-testid="queue-submitted-total">5<' in first
    assert 'href="?submitted_page=2"' in first
    assert shown({}) == [order[0].pk, order[1].pk]
    assert shown({"submitted_page": "2"}) == [order[2].pk, order[3].pk]
    assert shown({"submitted_page": "3"}) == [order[4].pk]
    assert queries(client, QUEUE) == queries(client, QUEUE, {"submitted_page": "3"})
