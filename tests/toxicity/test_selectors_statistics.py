"""``toxicities_between``: the current CTCAE records of a period, read as columns (the
clinical centre of ``corsia.testing.reports_clinical``: 4 current records, one entered in
error and one superseded left out)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from corsia.drugs.models import ActiveIngredient
from corsia.testing.accounts import MakeUser
from corsia.testing.reports_clinical import FIRST, LAST, Centre, centre
from corsia.toxicity.selectors_statistics import toxicities_between

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(make_user: MakeUser) -> Centre:
    return centre(make_user)


def test_the_current_records_with_their_term_and_suspected_drugs(
    data: Centre,
    django_assert_num_queries: Any,
) -> None:
    names = dict(
        ActiveIngredient.objects.filter(code__in=["oxaliplatin", "fluorouracil"]).values_list(
            "code", "name_it"
        )
    )
    with django_assert_num_queries(2):
        records = toxicities_between(first=FIRST, last=LAST)
    c1, p2 = data.p1_orders[0].pk, data.p2_order.pk
    assert [
        (r.patient_id, r.onset_date, r.grade, r.term, r.order_id, r.cycle_number) for r in records
    ] == [
        (data.p1.pk, date(2026, 1, 28), 1, "Nausea", c1, 1),
        (data.p1.pk, date(2026, 2, 5), 3, "Neutrofili diminuiti", c1, 1),
        (data.p2.pk, date(2026, 2, 26), 2, "Diarrea", p2, 1),
        (data.p3.pk, date(2026, 3, 10), 2, "Nausea", None, None),
    ]
    assert [r.suspected_drugs for r in records] == [
        (names["oxaliplatin"],),
        tuple(sorted([names["oxaliplatin"], names["fluorouracil"]])),
        (names["fluorouracil"],),
        (),
    ]
    assert records[1].soc == "Investigations"  # no Italian SOC in the archive: NCI's
    # February alone: P1's neutropenia and P2's diarrhoea
    february = toxicities_between(first=date(2026, 2, 1), last=date(2026, 2, 28))
    assert [r.grade for r in february] == [3, 2]
