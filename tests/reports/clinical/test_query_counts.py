"""The clinical statistics read through a fixed number of queries, whatever the number of
patients, orders and administrations (no query per row: issue 23, the reports over the
whole history). The counts are those of the centre of ``corsia.testing.reports_clinical``;
doubling it must not add one."""

from __future__ import annotations

from typing import Any

import pytest

from corsia.reports.definitions.clinical_activity import activity
from corsia.reports.definitions.clinical_common import ClinicalFilters
from corsia.reports.definitions.clinical_intensity import dose_intensity
from corsia.reports.definitions.clinical_patients import treated_demographics
from corsia.reports.definitions.clinical_survival import best_responses, survival
from corsia.reports.definitions.clinical_toxicity import toxicities
from corsia.testing.accounts import MakeUser
from corsia.testing.reports_clinical import FIRST, LAST, Centre, centre

pytestmark = pytest.mark.django_db

HALF = ClinicalFilters(first=FIRST, last=LAST)
OXALIPLATIN = ClinicalFilters(first=FIRST, last=LAST, drug="oxaliplatin")
BEST_RESPONSE_QUERIES = 2  # the response evaluations, the treatment lines


@pytest.fixture
def data(make_user: MakeUser) -> Centre:
    return centre(make_user)


def test_dose_intensity(data: Centre, django_assert_num_queries: Any) -> None:
    # the orders' ids, the amounts given summed per line, the records of the lines given a
    # part of a bag (P1's cycle 3), the regimen's lines given, those never given summed
    with django_assert_num_queries(5):
        rows = dose_intensity(HALF)
    assert len(rows) == 2
    with django_assert_num_queries(5):
        assert len(dose_intensity(OXALIPLATIN)) == 2


def test_treated_demographics(data: Centre, django_assert_num_queries: Any) -> None:
    # the treated patients (DISTINCT in the database), their sex and birth
    with django_assert_num_queries(2):
        assert treated_demographics(HALF).patients == 2
    with django_assert_num_queries(2):
        assert treated_demographics(OXALIPLATIN).patients == 2


def test_activity(data: Centre, django_assert_num_queries: Any) -> None:
    # the accesses, the first visits, the administrations counted per month and patient
    with django_assert_num_queries(3):
        assert len(activity(HALF)) == 3
    with django_assert_num_queries(4):  # and the treated patients the drug filter keeps
        assert len(activity(OXALIPLATIN)) == 3


@pytest.mark.parametrize("by", ["grade", "regimen", "drug"])
def test_toxicities(data: Centre, by: str, django_assert_num_queries: Any) -> None:
    # the records, their suspected drugs, the regimens of their orders
    with django_assert_num_queries(3):
        assert toxicities(HALF, by=by).records == 4


def test_best_response_without_the_survival_curves(
    data: Centre,
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(BEST_RESPONSE_QUERIES):
        best = best_responses(HALF)
    report = survival(HALF)
    assert (best.patients, best.best_response, best.patient_ids) == (
        report.patients,
        report.best_response,
        report.patient_ids,
    )
