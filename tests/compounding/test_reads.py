"""Reads write nothing: a leftover past its stability is shown expired when the leftovers
are read, and written expired only by a service that changes state (the vial plan)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.compounding import selectors, services
from corsia.compounding.demo_data import load_products
from corsia.compounding.models import Leftover, LeftoverState
from corsia.drugs.models import MedicinalProduct
from corsia.testing.accounts import MakeUser, logged_in

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def pharmacist(make_user: MakeUser) -> User:
    return make_user(Role.PHARMACIST, username="farm_letture")


@pytest.fixture
def leftovers() -> tuple[Leftover, Leftover]:
    """An open oxaliplatin leftover within its stability, and one an hour past it."""
    load_products(("oxaliplatin",))
    product = MedicinalProduct.objects.filter(ingredient__code="oxaliplatin").first()
    assert product is not None
    now = timezone.now()

    def leftover(lot: str, expires_at_hours: int) -> Leftover:
        return Leftover.objects.create(
            product=product,
            lot=lot,
            lot_expiry=timezone.localdate() + timedelta(days=90),
            concentration_mg_ml=Decimal(5),
            volume_ml=Decimal(10),
            opened_at=now - timedelta(hours=25),
            expires_at=now + timedelta(hours=expires_at_hours),
            storage="2-8 °C",
        )

    return leftover("FRESH", 23), leftover("STALE", -1)


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(WRITES)]


def test_reading_the_leftovers_shows_the_stale_one_expired_and_writes_nothing(
    pharmacist: User, leftovers: tuple[Leftover, Leftover]
) -> None:
    fresh, stale = leftovers
    # when the leftovers are read
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.leftovers(user=pharmacist)
    # then the stale one is shown expired (expired sorts before open) ...
    assert [(r.leftover.pk, r.state, r.state_label) for r in rows] == [
        (stale.pk, LeftoverState.EXPIRED, "Fuori stabilità"),
        (fresh.pk, LeftoverState.OPEN, "Aperto, utilizzabile"),
    ]
    # ... and nothing was written: both rows are still open in the database
    assert _writes(queries) == []
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.state, fresh.state) == (LeftoverState.OPEN, LeftoverState.OPEN)


def test_the_leftovers_page_writes_nothing(
    pharmacist: User, leftovers: tuple[Leftover, Leftover]
) -> None:
    client = logged_in(pharmacist)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/compounding/leftovers/")
    assert page.status_code == 200
    assert "Fuori stabilità" in page.content.decode()
    assert [sql for sql in _writes(queries) if "compounding_leftover" in sql] == []
    assert set(Leftover.objects.values_list("state", flat=True)) == {LeftoverState.OPEN}


def test_expiring_stale_leftovers_is_a_service_that_writes_them_expired(
    leftovers: tuple[Leftover, Leftover],
) -> None:
    fresh, stale = leftovers
    # when the service runs (the vial plan runs it before offering leftovers)
    assert services.leftovers_expire_stale() == 1
    # then only the stale one is expired, and it is no longer offered
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.state, fresh.state) == (LeftoverState.EXPIRED, LeftoverState.OPEN)
    assert services.usable_leftovers(now=timezone.now()) == [fresh]
