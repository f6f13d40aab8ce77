"""The exposure register and the leftovers paged (issue 27): the register the latest first,
every exposure reachable (before: the latest 500); the open leftovers whole, the closed ones
(used up, expired, discarded: the history of every opened vial) the latest expiry first,
page by page; the pages' queries do not grow with the history."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.accounts.models import User
from corsia.compounding import services as ufa
from corsia.compounding import views
from corsia.compounding.models import ExposureRecord, Leftover, LeftoverState, Preparation
from corsia.drugs.models import MedicinalProduct
from corsia.testing.accounts import logged_in
from corsia.testing.compounding import Folfox

pytestmark = pytest.mark.django_db


@pytest.fixture
def preparation(folfox: Folfox, pharmacist: User) -> Preparation:
    order = ufa.order_item_validate(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    ufa.order_take_charge(actor=pharmacist, workstation=None, order_id=order.pk)
    prep = Preparation.objects.filter(order_id=order.pk).select_related("order_item").first()
    assert prep is not None
    return prep


def _exposed(operator: User, prep: Preparation, n: int) -> list[int]:
    """``n`` exposures an hour apart after those there; their ids, the oldest first."""
    before = ExposureRecord.objects.count()
    start = timezone.now() - timedelta(days=30)
    return [
        ExposureRecord.objects.create(
            operator=operator,
            ingredient_id=prep.order_item.ingredient_id,
            preparation=prep,
            started_at=start + timedelta(hours=before + k),
            ended_at=start + timedelta(hours=before + k, minutes=20),
        ).pk
        for k in range(n)
    ]


def _closed(n: int, *, state: str = LeftoverState.USED) -> list[int]:
    """``n`` leftovers closed, each expiring a day after those there; ids, oldest first."""
    product = MedicinalProduct.objects.filter(ingredient__code="oxaliplatin").first()
    assert product is not None
    before = Leftover.objects.count()
    opened = timezone.now() - timedelta(days=60)
    return [
        Leftover.objects.create(
            product=product, lot=f"C{before + k}", lot_expiry=timezone.localdate() + timedelta(90),
            concentration_mg_ml=Decimal(5), volume_ml=Decimal(0), storage="2-8 °C",
            opened_at=opened + timedelta(days=before + k),
            expires_at=opened + timedelta(days=before + k, hours=24), state=state,
        ).pk
        for k in range(n)
    ]  # fmt: skip


def _ids(html: str, testid: str) -> list[int]:
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return [int(pk) for pk in re.findall(r"<tr><td>(\d+)</td>", table)]


def _exposure_starts(html: str) -> list[str]:
    table = html.split('data-testid="exposures"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<td>(\d\d/\d\d/\d{4} \d\d:\d\d)</td>", table)


def test_every_exposure_is_reachable_the_latest_first(
    pharmacist: User, technician: User, preparation: Preparation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "EXPOSURES_PAGE_SIZE", 2)
    made = _exposed(technician, preparation, 5)
    starts = {
        pk: timezone.localtime(at).strftime("%d/%m/%Y %H:%M")
        for pk, at in ExposureRecord.objects.values_list("pk", "started_at")
    }
    expected = [starts[pk] for pk in reversed(made)]
    client = logged_in(pharmacist)
    first = client.get("/compounding/exposures/").content.decode()
    assert _exposure_starts(first) == expected[:2]
    assert "5 esposizioni, le più recenti per prime" in first
    assert 'href="?page=2"' in first
    for page in ("3", "99"):  # the oldest, on the last page (past the end: the last)
        last = client.get("/compounding/exposures/", {"page": page}).content.decode()
        assert _exposure_starts(last) == expected[4:], page


def test_the_open_leftovers_whole_the_closed_ones_page_by_page(
    pharmacist: User, folfox: Folfox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "LEFTOVERS_PAGE_SIZE", 2)
    closed = _closed(4) + _closed(1, state=LeftoverState.WASTED)
    (still_open,) = _closed(1, state=LeftoverState.OPEN)  # past its stability: shown expired
    client = logged_in(pharmacist)
    first = client.get("/compounding/leftovers/").content.decode()
    assert _ids(first, "leftovers") == [still_open]
    assert "Fuori stabilità" in first.split('data-testid="leftovers"', 1)[1].split("</table>")[0]
    assert _ids(first, "leftovers-closed") == closed[::-1][:2]
    assert "5 residui esauriti, fuori stabilità o eliminati, i più recenti per primi" in first
    last = client.get("/compounding/leftovers/", {"page": "3"}).content.decode()
    assert _ids(last, "leftovers-closed") == [closed[0]]
    assert _ids(last, "leftovers") == [still_open]  # the open ones on every page


def _queries(client: Client, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries.captured_queries)


def test_the_queries_do_not_grow_with_the_history(
    pharmacist: User, technician: User, preparation: Preparation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "EXPOSURES_PAGE_SIZE", 2)
    monkeypatch.setattr(views, "LEFTOVERS_PAGE_SIZE", 2)
    _exposed(technician, preparation, 2)
    _closed(2)
    client = logged_in(pharmacist)
    asked: list[tuple[str, dict[str, str]]] = [
        ("/compounding/exposures/", {}),
        ("/compounding/leftovers/", {}),
    ]
    for url, params in asked:
        _queries(client, url, params)  # the first request: the permission set cached
    few = [_queries(client, url, params) for url, params in asked]
    _exposed(technician, preparation, 4)  # 3× the history
    _closed(4)
    assert [_queries(client, url, params) for url, params in asked] == few
    assert _queries(client, "/compounding/exposures/", {"page": "3"}) == few[0]
    assert _queries(client, "/compounding/leftovers/", {"page": "3"}) == few[1]
