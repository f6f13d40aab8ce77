"""The stock movements page paged (issue 27): every movement of the history reachable,
the newest first, the filters kept in the links; the page's queries do not grow with the
movements."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from corsia.accounts.models import User
from corsia.drugs.models import MedicinalProduct
from corsia.inventory import services, views
from corsia.inventory.models import StockMovement, StorageLocation
from corsia.testing.accounts import logged_in
from corsia.testing.paging import queries, queries_do_not_grow, shown

pytestmark = pytest.mark.django_db

URL = "/inventory/movements/"


def _loaded(user: User, product: MedicinalProduct, shelf: StorageLocation, n: int) -> list[int]:
    """``n`` lots loaded in one document (a movement each); their ids, the newest first."""
    today = timezone.localdate()
    before = set(StockMovement.objects.values_list("pk", flat=True))
    services.stock_load(
        actor=user, workstation="t", supplier="Ditta", document_number="DDT-9",
        document_date=today, location=shelf, now=timezone.now(),
        lines=[
            services.LoadLine(product, f"L{k}", today + timedelta(days=90), 2, Decimal("1.00"))
            for k in range(n)
        ],
    )  # fmt: skip
    made = set(StockMovement.objects.values_list("pk", flat=True)) - before
    return sorted(made, reverse=True)  # one document, one time: by id


@pytest.fixture
def load(
    pharmacist: User,
    oxaliplatin: MedicinalProduct,
    shelf: StorageLocation,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[int], list[int]]:
    """``load(n)``: ``n`` movements more (``_loaded``); the page shows 2."""
    monkeypatch.setattr(views, "MOVEMENTS_PAGE_SIZE", 2)
    return lambda n: _loaded(pharmacist, oxaliplatin, shelf, n)


def _shown(html: str) -> list[str]:
    return shown(html, "movements", r"<td>(L\d+)</td>")


def test_every_movement_is_reachable_page_by_page_the_newest_first(
    pharmacist: User, load: Callable[[int], list[int]]
) -> None:
    load(5)
    client = logged_in(pharmacist)
    first = client.get(URL, {"kind": "load"}).content.decode()
    assert _shown(first) == ["L4", "L3"]
    assert 'data-testid="movements-total">5 movimenti<' in first
    assert 'href="?kind=load&amp;page=2"' in first
    for page in ("3", "99"):  # the oldest, on the last page (past the end: the last)
        last = client.get(URL, {"kind": "load", "page": page}).content.decode()
        assert _shown(last) == ["L0"], page
        assert 'href="?kind=load&amp;page=2"' in last and "pager-next" not in last
    assert _shown(client.get(URL, {"kind": "load", "page": "1e9"}).content.decode()) == [
        "L4",
        "L3",
    ]


def test_the_queries_of_a_page_do_not_grow_with_the_movements(
    pharmacist: User, load: Callable[[int], list[int]]
) -> None:
    load(2)
    client = logged_in(pharmacist)
    few = queries_do_not_grow([(client, URL, {"page": "1"})], lambda: load(4))  # 3× the movements
    assert queries(client, URL, {"page": "3"}) == few[0]  # the last page costs the same


def test_the_apis_page_of_movements_costs_the_same_for_more_movements(
    pharmacist: User, load: Callable[[int], list[int]]
) -> None:
    api = "/api/v1/inventory/movements"
    load(2)
    client = logged_in(pharmacist)
    few = queries_do_not_grow([(client, api, {"limit": 2, "offset": 0})], lambda: load(4))  # 3×
    # the last page costs the same, and reaches the oldest
    assert queries(client, api, {"limit": 2, "offset": 4}) == few[0]
    last = client.get(api, {"limit": 2, "offset": 4}).json()
    assert (last["count"], len(last["items"])) == (6, 2)
    assert [m["lot"] for m in client.get(api, {"limit": 2}).json()["items"]] == ["L3", "L2"]
