"""``corsia.core.read_together``: several querysets in one statement give what each gives
alone — the same instances field by field (dates, timestamps, decimals to their last
digit, JSON columns, the objects selected with them), values, value lists, in order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model, QuerySet
from django.test.utils import CaptureQueriesContext

from corsia.accounts.domain.roles import Role
from corsia.core.read_together import ReadPart, read_parts, read_together
from corsia.drugs.models import ActiveIngredient
from corsia.prescribing.models import OrderItem, OrderTransition, TherapyOrder
from corsia.testing.accounts import MakeUser
from corsia.testing.prescribing import folfox_order

pytestmark = pytest.mark.django_db


def _fields(obj: Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_same_answers_as_each_query_alone(make_user: MakeUser, drugs_reference: None) -> None:
    physician = make_user(Role.PHYSICIAN)
    order = folfox_order(make_user, physician, start=date(2026, 12, 1))
    order.refresh_from_db()
    # a decimal with digits a float would lose, and a JSON column with a nested value
    TherapyOrder.objects.filter(pk=order.pk).update(
        weight_kg=Decimal("70.35"), warnings=[{"code": "x", "n": 0.1, "deep": [1, None, "è"]}]
    )
    orders = TherapyOrder.objects.select_related("regimen_version", "patient").filter(pk=order.pk)
    items = OrderItem.objects.filter(order=order).order_by("-sequence", "pk")
    values = items.values("id", "scheduled_date", "final_dose", "ingredient__code")
    flat = items.values_list("calculated_dose", flat=True)
    transitions = OrderTransition.objects.filter(order=order).select_related("actor")
    nothing = ActiveIngredient.objects.filter(pk__in=[])  # no SQL at all (EmptyResultSet)
    wanted: list[QuerySet[Any, Any]] = [orders, items, values, flat, transitions, nothing]

    with CaptureQueriesContext(connection) as queries:
        together = read_together(wanted)
    assert len(queries.captured_queries) == 1

    alone: list[list[Any]] = [list(q.all()) for q in wanted]
    assert [len(r) for r in together] == [len(r) for r in alone]
    assert len(alone[1]) > 3 and alone[5] == []
    [got], [expected] = together[0], alone[0]
    assert _fields(got) == _fields(expected)
    assert got.weight_kg == Decimal("70.35") and str(got.weight_kg) == "70.35"
    assert got.warnings == [{"code": "x", "n": 0.1, "deep": [1, None, "è"]}]
    assert got.measures_taken_at == expected.measures_taken_at  # aware, to the microsecond
    assert _fields(got.regimen_version) == _fields(expected.regimen_version)
    assert _fields(got.patient) == _fields(expected.patient)
    assert [_fields(i) for i in together[1]] == [_fields(i) for i in alone[1]]  # in order
    assert together[2] == alone[2] and together[3] == alone[3]
    assert [(_fields(t), _fields(t.actor)) for t in together[4]] == [
        (_fields(t), _fields(t.actor)) for t in alone[4]
    ]


def test_parts_decode_their_own_results(make_user: MakeUser, drugs_reference: None) -> None:
    physician = make_user(Role.PHYSICIAN)
    order = folfox_order(make_user, physician, start=date(2026, 12, 1))
    items = OrderItem.objects.filter(order=order)
    parts: list[ReadPart[Any]] = [
        ReadPart(querysets=(items.values_list("pk", flat=True),), decode=lambda r: len(r[0])),
        ReadPart(
            querysets=(TherapyOrder.objects.filter(pk=order.pk), items.filter(pk__in=[])),
            decode=lambda r: (r[0][0].pk, r[1]),
        ),
    ]
    with CaptureQueriesContext(connection) as queries:
        count, (order_id, none) = read_parts(parts)
    assert len(queries.captured_queries) == 1
    assert (count, order_id, none) == (items.count(), order.pk, [])
    assert parts[0].evaluate() == count  # alone: the same answer


def test_prefetch_is_refused() -> None:
    with pytest.raises(ValueError, match="prefetch_related"):
        read_together([TherapyOrder.objects.prefetch_related("items")])
