"""The pharmacy work plan paged (issue 27): a page shows ``QUEUE_PAGE_SIZE`` orders, the
earliest first, the total in the heading, "next"/"previous" keeping the filters; its
queries do not grow with the orders of the days."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.prescribing import services, views
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.paging import queries_do_not_grow
from corsia.testing.prescribing import folfox_order

pytestmark = pytest.mark.django_db

START = date(2026, 12, 1)
PLAN = {"day": "2026-12-01", "days": "7"}


def _sent_orders(make_user: MakeUser, n: int) -> list[TherapyOrder]:
    """``n`` FOLFOX-4 orders sent to the pharmacy, for one patient, from 1 December."""
    physician = make_user(Role.PHYSICIAN)
    first = folfox_order(make_user, physician, start=START, events=("confirm", "send"))
    return [first, *_more_orders(first, n - 1)]


def _more_orders(first: TherapyOrder, n: int) -> list[TherapyOrder]:
    """``n`` more orders like ``first``, sent to the pharmacy."""
    physician = first.prescriber
    orders = []
    for _ in range(n):
        order = services.order_create(
            actor=physician,
            workstation=None,
            patient_id=first.patient_id,
            regimen_version_id=first.regimen_version_id,
            start_date=START,
            schedule_reason="Piano di lavoro con più prescrizioni dello stesso giorno",
        )
        for event in ("confirm", "send"):
            services.order_transition(
                actor=physician, workstation=None, order_id=order.pk, event=event
            )
        orders.append(order)
    return orders


def _shown(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="queue-order-(\d+)"', html)]


def _plan(
    make_user: MakeUser, monkeypatch: pytest.MonkeyPatch, n: int
) -> tuple[Client, list[TherapyOrder]]:
    """A pharmacist's client on a plan of ``n`` orders (``_sent_orders``), 2 to a page."""
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    orders = _sent_orders(make_user, n)
    return logged_in(make_user(Role.PHARMACIST)), orders


def test_a_plan_of_page_size_plus_one_orders_shows_a_page_and_a_next_link(
    make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, orders = _plan(make_user, monkeypatch, 3)
    first = client.get("/prescribing/pharmacy/", PLAN).content.decode()
    # same day, same patient: by id
    assert _shown(first) == [orders[0].pk, orders[1].pk]
    assert 'data-testid="pharmacy-total">3<' in first  # the pharmacist sees every order counted
    assert 'href="?day=2026-12-01&amp;days=7&amp;page=2"' in first
    assert "pager-previous" not in first
    second = client.get("/prescribing/pharmacy/", {**PLAN, "page": "2"}).content.decode()
    assert _shown(second) == [orders[2].pk]
    assert 'href="?day=2026-12-01&amp;days=7&amp;page=1"' in second
    assert "pager-next" not in second


def test_a_page_that_cannot_be_read_or_is_past_the_end_answers_a_page(
    make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, orders = _plan(make_user, monkeypatch, 3)
    # a NUL anywhere in a query is refused before the view (core.middleware): a clear 400
    nul = client.get("/prescribing/pharmacy/", {**PLAN, "page": "\x00"})
    assert nul.status_code == 400
    for page in ("0", "-1", "1e308", "abc", "1\x01", "9" * 400, "99"):
        answer = client.get("/prescribing/pharmacy/", {**PLAN, "page": page})
        assert answer.status_code == 200, page
        # past the end: the last page; unreadable: the first
        expected = [orders[2].pk] if page == "99" else [orders[0].pk, orders[1].pk]
        assert _shown(answer.content.decode()) == expected, page


def test_the_queries_of_a_page_do_not_grow_with_the_orders(
    make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, (first, *_) = _plan(make_user, monkeypatch, 2)
    asked = [(client, "/prescribing/pharmacy/", PLAN)]
    queries_do_not_grow(asked, lambda: _more_orders(first, 4))  # 3× the orders
