"""A patient's orders paged (issue 27): every past cycle reachable, the newest on page 1,
the total in the heading; the page's queries do not grow with the patient's history."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.prescribing import views
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.paging import queries, queries_do_not_grow, shown_ids
from corsia.testing.prescribing import folfox_order, orders_like

pytestmark = pytest.mark.django_db

START = date(2026, 12, 1)


def _history(make_user: MakeUser, n: int) -> tuple[Client, list[TherapyOrder]]:
    """A physician's client and ``n`` FOLFOX-4 orders of one patient, newest first (the
    k-th 14 days before the newest)."""
    physician = make_user(Role.PHYSICIAN)
    newest = folfox_order(make_user, physician, start=START)
    return logged_in(physician), [newest, *orders_like(newest, n - 1, days_apart=14)]


def _shown(html: str) -> list[int]:
    return shown_ids(html, "patient-orders", r'href="/prescribing/orders/(\d+)/"')


def _url(order: TherapyOrder) -> str:
    return f"/prescribing/patient/{order.patient_id}/"


def test_every_cycle_is_reachable_page_by_page_the_newest_first(
    make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "ORDERS_PAGE_SIZE", 2)
    client, orders = _history(make_user, 5)
    first = client.get(_url(orders[0])).content.decode()
    assert _shown(first) == [orders[0].pk, orders[1].pk]
    assert 'data-testid="patient-orders-total">5<' in first
    assert 'href="?orders_page=2"' in first
    assert "Pagina 1 di 3" in first
    # the oldest cycle, on the last page (past the end: the last page too)
    for page in ("3", "99"):
        last = client.get(_url(orders[0]), {"orders_page": page}).content.decode()
        assert _shown(last) == [orders[4].pk], page
        assert 'href="?orders_page=2"' in last and "pager-next" not in last
    # the other parameters kept (the chosen diagnosis); an unreadable page is page 1
    kept = client.get(_url(orders[0]), {"diagnosis": "7", "orders_page": "2"}).content.decode()
    assert _shown(kept) == [orders[2].pk, orders[3].pk]
    assert 'href="?diagnosis=7&amp;orders_page=3"' in kept
    odd = client.get(_url(orders[0]), {"orders_page": "-1"}).content.decode()
    assert _shown(odd) == [orders[0].pk, orders[1].pk]


def test_the_queries_of_a_page_do_not_grow_with_the_history(
    make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "ORDERS_PAGE_SIZE", 2)
    client, orders = _history(make_user, 2)
    url = _url(orders[0])
    asked = [(client, url, {"orders_page": "1"})]
    few = queries_do_not_grow(asked, lambda: orders_like(orders[0], 4, days_apart=7))  # 3×
    assert queries(client, url, {"orders_page": "3"}) == few[0]  # the last page costs the same
