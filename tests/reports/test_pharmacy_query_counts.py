"""The pharmacy's reports read totals added up in SQL: a fixed number of queries whatever
the number of draws, products, patients, leftovers or preparations (no read per row)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.compounding.models import Preparation
from corsia.reports.domain.definition import Params, no_progress
from corsia.reports.domain.registry import definition_get
from corsia.testing.accounts import MakeUser
from corsia.testing.reports_pharmacy import pharmacy_year, second_patient

pytestmark = pytest.mark.django_db
YEAR = Params(period_from=date(2025, 1, 1), period_to=date(2025, 12, 31))
# the reads of each report: ingredients, the SQL totals, products, packs (and the
# patients' MRNs, the diagnoses, the second total); the summary is waste + exposure
QUERIES = {
    "pharmacy_consumption": 4,
    "pharmacy_high_cost": 4,
    "pharmacy_consumption_patient": 5,
    "pharmacy_preparations_disease": 5,
    "pharmacy_waste": 5,
    "pharmacy_summary": 7,
    "pharmacy_exposure": 2,
    "pharmacy_timing": 1,  # counts and percentiles in one SQL aggregate (was 2)
}


def _taken_in_year() -> None:
    """The preparations taken in charge in Y (for the timing report), released 20 min on."""
    taken = datetime(2025, 3, 10, 8, tzinfo=timezone.get_current_timezone())
    Preparation.objects.update(created_at=taken, released_at=taken + timedelta(minutes=20))


def _queries(code: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        result = definition_get(code).run(YEAR, no_progress)
    return len(queries), len(result.rows)


def test_each_pharmacy_report_reads_a_fixed_number_of_queries(make_user: MakeUser) -> None:
    year = pharmacy_year(make_user)
    _taken_in_year()
    before = {code: _queries(code) for code in QUERIES}
    assert {code: n for code, (n, _) in before.items()} == QUERIES
    # a second patient: more draws, a new vial, another order with a diagnosis
    second_patient(year, make_user)
    _taken_in_year()
    after = {code: _queries(code) for code in QUERIES}
    assert {code: n for code, (n, _) in after.items()} == QUERIES
    # more rows where the report has them (per patient: Verdi's oxaliplatin; by disease:
    # his colon cancer), the same queries
    assert after["pharmacy_consumption_patient"][1] == before["pharmacy_consumption_patient"][1] + 1
    assert (
        after["pharmacy_preparations_disease"][1] == before["pharmacy_preparations_disease"][1] + 1
    )
