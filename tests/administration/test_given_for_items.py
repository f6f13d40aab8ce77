"""``doses_given_for_items``: what each order line gave, summed in the database where every
record counts its whole dose and record by record where a part of a bag was given, the
numbers counted by hand (the clinical centre of ``corsia.testing.reports_clinical``: BSA
2.00 m², FOLFOX-4's oxaliplatin 85 mg/m² = 170 mg, P1's cycle 3 given 200 of 250 mL)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from corsia.administration.given import (
    administrations_by_patient_month,
    doses_given_for_items,
    doses_given_for_orders,
)
from corsia.administration.models import Administration
from corsia.prescribing.models import OrderItem
from corsia.testing.accounts import MakeUser
from corsia.testing.reports_clinical import FIRST, LAST, Centre, centre

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(make_user: MakeUser) -> Centre:
    return centre(make_user)


def _oxaliplatin(order_id: int) -> OrderItem:
    return OrderItem.objects.get(order_id=order_id, ingredient__code="oxaliplatin")


def _record(item: OrderItem, *, dose: str, state: str, bag: str | None, given: str | None) -> None:
    first = Administration.objects.filter(order_item=item).first()
    assert first is not None
    Administration.objects.create(
        order_item=item,
        order_id=item.order_id,
        patient_id=first.patient_id,
        label_kind="PRP",
        preparation_ref=f"EXTRA{item.pk}{state}",
        ingredient_code="oxaliplatin",
        ingredient_name="Oxaliplatino",
        dose=Decimal(dose),
        dose_unit="mg",
        volume_ml=Decimal(bag) if bag else None,
        volume_given_ml=Decimal(given) if given else None,
        state=state,
        nurse=first.nurse,
        started_at=datetime(2026, 3, 20, 9, tzinfo=UTC),
        updated_by=first.nurse,
    )


def test_whole_doses_parts_of_a_bag_and_lines_never_given(data: Centre) -> None:
    c1, _, c3, c4 = (_oxaliplatin(o.pk) for o in data.p1_orders)
    p2 = _oxaliplatin(data.p2_order.pk)
    # c4: a second bag of 100 mg interrupted after 70 of 300 mL (a third of 70: not a round
    # number), then a third one running (counted whole)
    _record(c4, dose="100", state="interrupted", bag="300", given="70")
    _record(c4, dose="30", state="started", bag="250", given="10")
    # P2: a second record of 50 mg whose whole bag ran (volume given = bag: the whole dose)
    _record(p2, dose="50", state="completed", bag="250", given="250")
    never = OrderItem.objects.filter(order_id=data.p2_order.pk, role="premedication").first()
    ids = [c1.pk, c3.pk, c4.pk, p2.pk] + ([never.pk] if never else [])

    given = doses_given_for_items(order_item_ids=ids)

    assert given[c1.pk] == Decimal("170.0000")
    assert given[c3.pk] == Decimal("136")  # 170 × 200 / 250
    # 170 + 100 × 70 / 300 (28 significant digits, as Decimal divides) + 30 running
    assert given[c4.pk] == Decimal("223.3333333333333333333333333")
    assert given[p2.pk] == Decimal("220.0000")  # 170 + 50
    assert set(given) == {c1.pk, c3.pk, c4.pk, p2.pk}  # a line never given is absent
    assert doses_given_for_items(order_item_ids=[]) == {}
    # by order: every line of those orders given, P1's cycle 4 with P2's order
    by_order = doses_given_for_orders(order_ids=[data.p1_orders[3].pk, data.p2_order.pk])
    assert len(by_order) == 14
    assert (by_order[c4.pk], by_order[p2.pk]) == (given[c4.pk], given[p2.pk])
    assert doses_given_for_orders(order_ids=[]) == {}


def test_two_queries_at_most_whatever_the_lines(
    data: Centre,
    django_assert_max_num_queries: Any,
) -> None:
    ids = list(OrderItem.objects.values_list("pk", flat=True))
    with django_assert_max_num_queries(2):
        given = doses_given_for_items(order_item_ids=ids)
    # FOLFOX-4's 7 antineoplastic lines a cycle, 5 cycles given
    assert len(given) == 35


def test_administrations_counted_per_month_and_patient(
    data: Centre,
    django_assert_num_queries: Any,
) -> None:
    # 7 antineoplastic lines a cycle, days 1-2: P1 cycles from 26/01, 09/02, 02/03 and
    # 16/03, P2 from 23/02; P1's cycle 3 oxaliplatin partial
    p1, p2 = data.p1.pk, data.p2.pk
    given = ("completed", "partial", "interrupted")
    with django_assert_num_queries(1):
        rows = administrations_by_patient_month(first=FIRST, last=LAST, states=given)
    assert [(r.month, r.patient_id, r.administrations) for r in rows] == sorted(
        [("2026-01", p1, 7), ("2026-02", p1, 7), ("2026-02", p2, 7), ("2026-03", p1, 14)]
    )
    whole = administrations_by_patient_month(first=FIRST, last=LAST, states=("completed",))
    assert [(r.month, r.administrations) for r in whole if r.patient_id == p1][-1] == (
        "2026-03",
        13,
    )
    # the period's days are local days: 27/01 (cycle 1, day 2) left out
    january = administrations_by_patient_month(
        first=date(2026, 1, 1), last=date(2026, 1, 26), states=given
    )
    assert [(r.month, r.patient_id, r.administrations) for r in january] == [("2026-01", p1, 4)]
