"""``selectors_statistics.diagnoses_by_id``: the diagnoses orders name, by id, in one query
(the pharmacy's preparations by disease)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corsia.prescribing.selectors_statistics import OrderDiagnosis, diagnoses_by_id
from corsia.testing.accounts import MakeUser
from corsia.testing.reports_pharmacy import pharmacy_year, second_patient

pytestmark = pytest.mark.django_db


def test_the_diagnoses_of_those_ids(make_user: MakeUser) -> None:
    verdi = second_patient(pharmacy_year(make_user), make_user)
    colon = verdi.order.diagnosis_id
    assert colon is not None
    with CaptureQueriesContext(connection) as queries:
        found = diagnoses_by_id(diagnosis_ids=[colon, colon, -1])
    assert len(queries) == 1
    # the order's diagnosis as recorded (ICD-9-CM by default); an unknown id is absent
    assert found == {colon: OrderDiagnosis("icd9cm", "153.9", "Colon")}
    assert diagnoses_by_id(diagnosis_ids=[]) == {}
