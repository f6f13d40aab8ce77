"""``given.administration_starts_us``: the first bedside start of each preparation label, in
microseconds since the epoch, in one query (the pharmacy's timing report)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.administration.given import administration_starts_us
from corsia.administration.models import Administration, AdministrationState, LabelKindChoice
from corsia.compounding.models import Preparation
from corsia.testing.accounts import MakeUser
from corsia.testing.reports_pharmacy import pharmacy_year

pytestmark = pytest.mark.django_db


def test_first_start_per_label_in_microseconds(make_user: MakeUser) -> None:
    pharmacy_year(make_user)
    first, second = list(Preparation.objects.exclude(label_code="").order_by("pk")[:2])
    nurse = make_user(Role.NURSE)
    at = datetime(2025, 3, 10, 9, 0, 0, 125000, tzinfo=timezone.get_current_timezone())

    def given(prep: Preparation, started: datetime) -> None:
        item = prep.order_item
        Administration.objects.filter(order_item=item).update(  # one running per line
            state=AdministrationState.INTERRUPTED, ended_at=started
        )
        Administration.objects.create(
            order_item=item,
            order=prep.order,
            patient=prep.order.patient,
            label_kind=LabelKindChoice.PREPARATION,
            preparation_ref=prep.label_code or "",
            ingredient_code=item.ingredient.code,
            ingredient_name=item.ingredient.name_it,
            dose=prep.dose_mg,
            dose_unit="mg",
            nurse=nurse,
            started_at=started,
        )

    given(first, at)
    given(first, at + timedelta(hours=2))  # restarted: the first start stays the earlier
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert first.label_code and second.label_code
    with CaptureQueriesContext(connection) as queries:
        starts = administration_starts_us(labels=[first.label_code, second.label_code, ""])
    assert len(queries) == 1
    # the second preparation was never given: absent
    assert starts == {first.label_code: (at - epoch) // timedelta(microseconds=1)}
    with CaptureQueriesContext(connection) as none:
        assert administration_starts_us(labels=["", ""]) == {}
    assert len(none) == 0
