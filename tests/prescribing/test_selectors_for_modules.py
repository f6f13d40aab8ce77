"""The reads other modules' services make of orders and their lines (the pharmacy's
validation and work plan, the bedside's worklist and verification): no permission of
prescribing's, the locks taken inside the caller's transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.core.domain.errors import NotFound
from corsia.patients.models import Ward
from corsia.prescribing import selectors
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser
from corsia.testing.prescribing import library_order

pytestmark = pytest.mark.django_db

START = timezone.localdate()


@pytest.fixture
def ward() -> Ward:
    return Ward.objects.create(code="ONC-DH", name="Day hospital", kind="day_hospital")


@pytest.fixture
def order(make_user: MakeUser, physician: User, ward: Ward) -> TherapyOrder:
    """A FOLFOX-4 (days 1 and 2) from today, in the ward, confirmed and sent to pharmacy."""
    created = library_order(
        "FOLFOX-4",
        physician=physician,
        approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)),
        registrar=make_user(Role.COORDINATOR),
        start=START,
        ward_id=ward.pk,
        events=("confirm", "send"),
    )
    created.refresh_from_db()
    return created


def _locks(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]


def test_an_order_is_locked_for_the_callers_transaction_or_not_found(
    order: TherapyOrder,
) -> None:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert selectors.order_for_update(order.pk) == order
    assert len(_locks(queries)) == 1
    with pytest.raises(NotFound) as refused:
        selectors.order_for_update(order.pk + 1000)
    assert refused.value.code == "order_not_found"
    found = selectors.order_find(order.pk)
    assert found == order and found.patient == order.patient
    assert selectors.order_find(order.pk + 1000) is None


def test_the_pharmacy_lines_of_an_order_and_of_a_period(order: TherapyOrder) -> None:
    items = selectors.pharmacy_items(order)
    pharmacy = order.items.filter(competence="pharmacy", status="active")
    assert {i.pk for i in items} == set(pharmacy.values_list("pk", flat=True))
    assert [(i.day_of_cycle, i.sequence) for i in items] == sorted(
        (i.day_of_cycle, i.sequence) for i in items
    )
    first_day = set(pharmacy.filter(scheduled_date=START).values_list("pk", flat=True))
    assert first_day
    lines = selectors.pharmacy_lines(first_day=START, last_day=START, states=("sent_to_pharmacy",))
    assert set(lines.values_list("pk", flat=True)) == first_day
    # an order in another state is not the period's work
    assert not selectors.pharmacy_lines(first_day=START, last_day=START, states=("validated",))


def test_the_lines_of_a_day_by_ward_or_patient_and_the_orders_of_a_day(
    order: TherapyOrder, ward: Ward
) -> None:
    day_one = list(order.items.filter(scheduled_date=START).values_list("pk", flat=True))
    states = ("sent_to_pharmacy",)
    by_ward = selectors.lines_of_day(day=START, states=states, ward_code=ward.code)
    by_patient = selectors.lines_of_day(day=START, states=states, patient_id=order.patient_id)
    assert {i.pk for i in by_ward} == {i.pk for i in by_patient} == set(day_one)
    assert by_ward[0].order.regimen_version.regimen.code == "FOLFOX-4"
    assert not selectors.lines_of_day(day=START, states=states, ward_code="ALTRO")
    assert not selectors.lines_of_day(day=START, states=("validated",))
    assert selectors.orders_scheduled_on(day=START, states=states) == [order]
    assert selectors.orders_scheduled_on(day=START - timedelta(days=1), states=states) == []


def test_a_line_found_locked_and_its_days_lines(order: TherapyOrder) -> None:
    line = order.items.order_by("day_of_cycle", "sequence").first()
    assert line is not None
    found = selectors.line_find(line.pk)
    assert found == line and found.order.patient == order.patient
    assert selectors.line_find(line.pk + 1000) is None
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = selectors.line_for_update(line.pk)
    assert locked == line and locked.order == order
    assert len(_locks(queries)) == 1
    day = selectors.order_day_lines(order_id=order.pk, day_of_cycle=line.day_of_cycle)
    assert {i.pk for i in day} == set(
        order.items.filter(day_of_cycle=line.day_of_cycle).values_list("pk", flat=True)
    )
