"""``corsia.core.expressions.InIds``: a list of ids as one array parameter finds exactly
those rows (none, one, many, repeated, absent), in one statement with one parameter."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corsia.core.expressions import InIds

pytestmark = pytest.mark.django_db


def test_the_rows_of_those_ids_and_no_other() -> None:
    made = [Group.objects.create(name=f"g{k}").pk for k in range(5)]
    assert list(Group.objects.filter(InIds("id", [])).values_list("pk", flat=True)) == []
    picked = [made[3], made[0], made[3], 10**12]  # repeated, and one that does not exist
    with CaptureQueriesContext(connection) as queries:
        found = set(Group.objects.filter(InIds("id", picked)).values_list("pk", flat=True))
    assert found == {made[0], made[3]}
    assert len(queries) == 1 and "ANY(" in queries[0]["sql"]
    every = Group.objects.filter(InIds("id", range(min(made), max(made) + 1)))
    assert sorted(every.values_list("pk", flat=True)) == made
    # excluded through ~: the others
    assert (
        sorted(
            Group.objects.exclude(InIds("id", made[1:]))
            .filter(pk__in=made)
            .values_list("pk", flat=True)
        )
        == made[:1]
    )


def test_a_long_list_is_one_parameter() -> None:
    ids = list(range(1, 200_001))
    sql, params = Group.objects.filter(InIds("id", ids)).query.sql_with_params()
    assert sql.count("%s") == 1 and len(params) == 1
    assert params[0].startswith("{1,2,3,") and params[0].endswith(",200000}")
