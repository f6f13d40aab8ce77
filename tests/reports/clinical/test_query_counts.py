"""The clinical statistics read through a fixed number of queries, whatever the number of
patients, orders and administrations (no query per row: issue 23, the reports over the
whole history). The counts are those of the centre of ``corsia.testing.reports_clinical``;
doubling it must not add one."""

from __future__ import annotations

import pytest

from corsia.reports.definitions.clinical_common import ClinicalFilters
from corsia.reports.definitions.clinical_intensity import dose_intensity
from corsia.testing.accounts import MakeUser
from corsia.testing.reports_clinical import FIRST, LAST, Centre, centre

pytestmark = pytest.mark.django_db

HALF = ClinicalFilters(first=FIRST, last=LAST)


@pytest.fixture
def data(make_user: MakeUser) -> Centre:
    return centre(make_user)


def test_dose_intensity(data: Centre, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    # the regimen's lines (one query, filtered and joined in the database), the amounts
    # given summed per line, the records of the lines given a part of a bag (P1's cycle 3)
    with django_assert_num_queries(3):
        rows = dose_intensity(HALF)
    assert len(rows) == 2
    with django_assert_num_queries(3):
        assert len(dose_intensity(ClinicalFilters(first=FIRST, last=LAST, drug="oxaliplatin"))) == 2
