"""Preparation timing: nearest-rank percentiles by hand, then the report over the FOLFOX
day of ``corsia/testing/reports_pharmacy.py`` with its times set in 2025."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.administration.models import Administration, LabelKindChoice
from corsia.compounding.models import Preparation
from corsia.compounding.services.administration_start import (
    preparation_administration_started,
)
from corsia.reports.domain.stats import percentile
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.reports_pharmacy import pharmacy_year


def test_nearest_rank_percentiles() -> None:
    values = [Decimal(v) for v in (95, 20, 50, 35)]
    # sorted 20 35 50 95: p50 rank ⌈2⌉ = 2 → 35; p90 rank ⌈3,6⌉ = 4 → 95; p95 ⌈3,8⌉ = 4
    assert [percentile(values, p) for p in (50, 90, 95)] == [35, 95, 95]
    assert percentile([Decimal(7)], 95) == 7 and percentile([], 50) is None


@pytest.mark.django_db
def test_take_in_charge_release_administration(make_user: MakeUser) -> None:
    year = pharmacy_year(make_user)
    zone = timezone.get_current_timezone()
    taken = datetime(2025, 3, 10, 8, 0, tzinfo=zone)
    day_one = list(
        Preparation.objects.filter(released_at__isnull=False).order_by("order_item__sequence")
    )
    assert len(day_one) == 4  # FOLFOX-4 day 1: oxaliplatin, folinate, 5-FU bolus and infusion
    for prep, minutes in zip(day_one, (20, 35, 50, 95), strict=True):
        Preparation.objects.filter(pk=prep.pk).update(
            created_at=taken, released_at=taken + timedelta(minutes=minutes)
        )
    nurse = make_user(Role.NURSE)
    for prep in (day_one[0], day_one[2]):  # both started at 09:00
        item = prep.order_item
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
            started_at=taken + timedelta(minutes=60),
        )
        # as the bedside's start does in its transaction: the preparation keeps it
        preparation_administration_started(
            label_code=prep.label_code or "", started_at=taken + timedelta(minutes=60)
        )
    body = (
        api_client(year.pharmacist)
        .get("/api/v1/reports/pharmacy_timing?period_from=2025-01-01&period_to=2025-12-31")
        .json()
    )
    assert body["rows"] == [
        # 20 35 50 95 minutes to release
        ["Dalla presa in carico al rilascio", 4, "35.0", "95.0", "95.0"],
        # released at +20 and +50, both started at +60: 40 and 10 minutes → 10 40
        ["Dal rilascio all'inizio della somministrazione", 2, "10.0", "40.0", "40.0"],
        ["Dalla presa in carico alla somministrazione", 2, "60.0", "60.0", "60.0"],
    ]
    assert body["notes"][0] == "Preparazioni prese in carico nel periodo: 4."
