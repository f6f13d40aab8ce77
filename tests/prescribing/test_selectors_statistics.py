"""``regimen_lines_between``: the regimen's lines of a role of the orders of a period (the
clinical centre of ``corsia.testing.reports_clinical``: FOLFOX-4 for P1, 4 cycles from
26/01/2026, and P2, one from 23/02; BSA 2.00 m²)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from corsia.prescribing.models import OrderItem, TherapyOrder
from corsia.prescribing.selectors_statistics import (
    order_ids_between,
    patients_treated_between,
    regimen_lines_between,
    regimen_lines_summed,
)
from corsia.testing.accounts import MakeUser
from corsia.testing.reports_clinical import FIRST, LAST, Centre, centre

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(make_user: MakeUser) -> Centre:
    return centre(make_user)


def test_the_antineoplastic_lines_of_the_period_by_order_day_and_sequence(
    data: Centre,
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(1):
        lines = regimen_lines_between(first=FIRST, last=LAST, role="antineoplastic")
    # 7 antineoplastic lines a cycle (oxaliplatin d1, folinate, fluorouracil bolus and
    # infusion d1-2), 5 orders
    assert len(lines) == 35
    orders = [o.pk for o in data.p1_orders] + [data.p2_order.pk]
    assert [line.order_id for line in lines] == [o for o in sorted(orders) for _ in range(7)]
    first_order = [line for line in lines if line.order_id == data.p1_orders[0].pk]
    assert [line.cycle_number for line in first_order] == [1] * 7
    assert {line.start_date for line in first_order} == {date(2026, 1, 26)}
    assert {line.cycle_length_days for line in lines} == {14}
    assert {(line.patient_id, line.regimen_code) for line in lines} == {
        (data.p1.pk, "FOLFOX-4"),
        (data.p2.pk, "FOLFOX-4"),
    }
    oxa = next(line for line in first_order if line.drug_code == "oxaliplatin")
    assert (oxa.regimen_dose, oxa.regimen_dose_unit) == (Decimal("85.0000"), "mg/m2")
    assert (oxa.prescribed_dose, oxa.full_amount) == (Decimal("85.0000"), Decimal("170.0000"))
    fu = sorted(line.regimen_dose for line in first_order if line.drug_code == "fluorouracil")
    assert fu == [Decimal("400.0000")] * 2 + [Decimal("600.0000")] * 2


def test_the_filters_narrow_in_the_database(data: Centre) -> None:
    def count(**filters: object) -> int:
        return len(regimen_lines_between(first=FIRST, last=LAST, **filters))  # type: ignore[arg-type]

    assert count(role="antineoplastic", regimen_code="FOLFOX-4") == 35
    assert count(role="antineoplastic", regimen_code="AC") == 0
    assert count(role="antineoplastic", ward_code="#nessuno") == 0
    # P1's 4th cycle (16/03) is left out when the period ends on 15/03
    march = regimen_lines_between(first=FIRST, last=date(2026, 3, 15), role="antineoplastic")
    assert len(march) == 28
    # a line added outside the regimen and another role are not the regimen's antineoplastic
    others = OrderItem.objects.filter(order_id=data.p2_order.pk).exclude(role="antineoplastic")
    assert count(role="antineoplastic") == 35
    for role in set(others.values_list("role", flat=True)):
        assert (
            count(role=role)
            == OrderItem.objects.filter(
                role=role, regimen_component__isnull=False, added=False
            ).count()
        )
    item = OrderItem.objects.filter(order_id=data.p2_order.pk, role="antineoplastic").first()
    assert item is not None
    OrderItem.objects.filter(pk=item.pk).update(added=True)
    assert count(role="antineoplastic") == 34


def test_the_patients_treated_in_a_period_of_a_regimen_ward_and_drug(
    data: Centre,
    django_assert_num_queries: Any,
) -> None:
    p1, p2 = data.p1.pk, data.p2.pk
    with django_assert_num_queries(1):
        assert patients_treated_between(first=FIRST, last=LAST) == {p1, p2}
    # P2's only cycle begins on 23/02
    assert patients_treated_between(first=FIRST, last=date(2026, 2, 22)) == {p1}
    assert patients_treated_between(first=FIRST, last=LAST, regimen_code="FOLFOX-4") == {p1, p2}
    assert patients_treated_between(first=FIRST, last=LAST, regimen_code="AC") == set()
    assert patients_treated_between(first=FIRST, last=LAST, ward_code="#nessuno") == set()
    with django_assert_num_queries(1):
        assert patients_treated_between(first=FIRST, last=LAST, drug_code="oxaliplatin") == {
            p1,
            p2,
        }
    assert patients_treated_between(first=FIRST, last=LAST, drug_code="cisplatin") == set()
    # an order sent back never reached the patient
    TherapyOrder.objects.filter(pk=data.p2_order.pk).update(state="returned_to_prescriber")
    assert patients_treated_between(first=FIRST, last=LAST) == {p1}


def test_the_lines_never_given_summed_per_order_drug_and_unit(
    data: Centre,
    django_assert_num_queries: Any,
) -> None:
    c1 = data.p1_orders[0].pk
    assert order_ids_between(first=FIRST, last=LAST) == sorted(
        [o.pk for o in data.p1_orders] + [data.p2_order.pk]
    )
    assert order_ids_between(first=FIRST, last=LAST, regimen_code="AC") == []
    items = dict(
        OrderItem.objects.filter(order_id=c1, role="antineoplastic")
        .order_by("day_of_cycle", "sequence", "pk")
        .values_list("pk", "ingredient__code")
    )
    oxaliplatin = next(pk for pk, code in items.items() if code == "oxaliplatin")
    with django_assert_num_queries(1):
        groups = regimen_lines_summed(
            order_ids=[c1], role="antineoplastic", except_item_ids=[oxaliplatin]
        )
    # cycle 1 but its oxaliplatin: folinate 200 mg/m² d1-2, fluorouracil 400 bolus and 600
    # infusion d1-2 (mg/m²), every full amount above zero (BSA 2.00)
    by_drug = {g.drug_code: g for g in groups}
    assert set(by_drug) == {"calcium_folinate", "fluorouracil"}
    fu = by_drug["fluorouracil"]
    assert (fu.lines, fu.regimen_dose, fu.regimen_dose_unit) == (4, Decimal("2000.0000"), "mg/m2")
    assert (fu.order_id, fu.patient_id, fu.cycle_number, fu.start_date) == (
        c1,
        data.p1.pk,
        1,
        date(2026, 1, 26),
    )
    assert fu.full_above_zero and fu.cycle_length_days == 14
    first_fu = next(pk for pk, code in items.items() if code == "fluorouracil")
    assert fu.first_line[0] == 1 and fu.first_line[2] == first_fu
    assert by_drug["calcium_folinate"].lines == 2
    # a line whose full amount is zero is counted apart
    OrderItem.objects.filter(pk=first_fu).update(calculated_dose=0)
    fu_groups = [
        (g.full_above_zero, g.lines)
        for g in regimen_lines_summed(order_ids=[c1], role="antineoplastic", except_item_ids=[])
        if g.drug_code == "fluorouracil"
    ]
    assert sorted(fu_groups) == [(False, 1), (True, 3)]
