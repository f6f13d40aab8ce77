"""The preparation keeps the first start of its administration
(``services.administration_start``, and migration 0009's backfill from the administrations
recorded before it), and ``selectors_reports.preparation_timing`` computes the timing
report's counts and nearest-rank percentiles in PostgreSQL — checked against hand counts
and against ``reports.domain.stats.percentile`` on the same values (ties, tiny samples)."""

from __future__ import annotations

import importlib
import random
from datetime import date, datetime, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.administration.models import Administration, LabelKindChoice
from corsia.compounding.models import Preparation
from corsia.compounding.selectors_reports import StageSeconds, preparation_timing
from corsia.compounding.services.administration_start import (
    preparation_administration_started,
)
from corsia.reports.domain.stats import percentile
from corsia.testing.accounts import MakeUser
from corsia.testing.reports_pharmacy import pharmacy_year

pytestmark = pytest.mark.django_db
SINCE, UNTIL = date(2025, 1, 1), date(2025, 12, 31)
backfill = importlib.import_module(
    "corsia.compounding.migrations.0009_preparation_first_administration_start"
).backfill_first_starts


def _at(hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    zone = timezone.get_current_timezone()
    return datetime(2025, 3, 10, hour, minute, second, micro, tzinfo=zone)


def _first_start(prep: Preparation) -> datetime | None:
    prep.refresh_from_db(fields=["first_administration_started_at"])
    return prep.first_administration_started_at


def _labelled(make_user: MakeUser) -> list[Preparation]:
    pharmacy_year(make_user)
    preps = list(Preparation.objects.exclude(label_code=None).order_by("pk"))
    assert len(preps) >= 4 and all(p.first_administration_started_at is None for p in preps)
    return preps


def test_the_first_start_only_an_earlier_one_moves_it(make_user: MakeUser) -> None:
    prep, other = _labelled(make_user)[:2]
    label = prep.label_code or ""
    assert preparation_administration_started(label_code=label, started_at=_at(10)) == 1
    assert _first_start(prep) == _at(10)
    # a second start, later (the bag restarted after an interruption): the first stays
    assert preparation_administration_started(label_code=label, started_at=_at(11)) == 0
    assert preparation_administration_started(label_code=label, started_at=_at(10)) == 0
    assert _first_start(prep) == _at(10)
    # an earlier one (recorded late) moves it back
    assert preparation_administration_started(label_code=label, started_at=_at(9, 30)) == 1
    assert _first_start(prep) == _at(9, 30)
    assert _first_start(other) is None  # another preparation untouched
    # a label that is no preparation's, or none: nothing changes
    assert preparation_administration_started(label_code="WRD123", started_at=_at(8)) == 0
    assert preparation_administration_started(label_code="", started_at=_at(8)) == 0
    assert _first_start(prep) == _at(9, 30)


def _administration(prep: Preparation, nurse: User, started: datetime, ref: str) -> None:
    item = prep.order_item
    Administration.objects.create(
        order_item=item,
        order=prep.order,
        patient=prep.order.patient,
        label_kind=LabelKindChoice.PREPARATION,
        preparation_ref=ref,
        ingredient_code=item.ingredient.code,
        ingredient_name=item.ingredient.name_it,
        dose=prep.dose_mg,
        dose_unit="mg",
        nurse=nurse,
        started_at=started,
        ended_at=started + timedelta(minutes=30),
        state="completed",
    )


def test_the_backfill_takes_the_earliest_start_of_each_label(make_user: MakeUser) -> None:
    first, second, never, *_ = _labelled(make_user)
    nurse = make_user(Role.NURSE)
    # the first bag: started 10:00, interrupted, restarted 09:15 (recorded after); the
    # second once at 11:00; an administration with a ward label matches no preparation
    _administration(first, nurse, _at(10), first.label_code or "")
    _administration(first, nurse, _at(9, 15), first.label_code or "")
    _administration(second, nurse, _at(11), second.label_code or "")
    _administration(never, nurse, _at(8), "WRD999")
    with connection.schema_editor() as editor:
        backfill(apps, editor)
    assert _first_start(first) == _at(9, 15)
    assert _first_start(second) == _at(11)
    assert _first_start(never) is None


def _set(
    prep: Preparation, taken: datetime, released: datetime | None, started: datetime | None
) -> None:
    Preparation.objects.filter(pk=prep.pk).update(
        created_at=taken, released_at=released, first_administration_started_at=started
    )


def test_the_timing_by_hand(make_user: MakeUser) -> None:
    preps = _labelled(make_user)
    oxaliplatin = [p for p in preps if p.order_item.ingredient.code == "oxaliplatin"]
    assert len(oxaliplatin) == 1  # a: the day's only oxaliplatin
    a = oxaliplatin[0]
    b, c, d, *rest = [p for p in preps if p.pk != a.pk]
    Preparation.objects.filter(pk__in=[p.pk for p in rest]).update(
        created_at=_at(8) - timedelta(days=400)
    )
    # taken 08:00; released after 20, 35, 50 min (+0.9 s: truncated), d not released;
    # started: a at 09:00, c at 09:00, d at 08:30 (given without a release: end to end only)
    _set(a, _at(8), _at(8, 20, 0, 900000), _at(9))
    _set(b, _at(8), _at(8, 35), None)
    _set(c, _at(8), _at(8, 50), _at(9))
    _set(d, _at(8), None, _at(8, 30))
    with CaptureQueriesContext(connection) as queries:
        timing = preparation_timing(since=SINCE, until=UNTIL)
    assert len(queries) == 1
    assert timing.preparations == 4
    # 1200 (1200.9 truncated) 2100 3000: ranks ⌈1.5⌉=2, ⌈2.7⌉=3, ⌈2.85⌉=3
    assert timing.to_release == StageSeconds(3, 2100, 3000, 3000)
    # 09:00 − 08:20:00.9 = 2399.1 → 2399; 09:00 − 08:50 = 600: sorted 600 2399
    assert timing.to_bedside == StageSeconds(2, 600, 2399, 2399)
    # 3600, 3600, 1800: sorted 1800 3600 3600 → ranks 2, 3, 3
    assert timing.end_to_end == StageSeconds(3, 3600, 3600, 3600)
    # one ingredient: the oxaliplatin alone (a tiny sample: every percentile is its value)
    oxa = preparation_timing(since=SINCE, until=UNTIL, ingredient_id=a.order_item.ingredient_id)
    assert oxa.preparations == 1 and oxa.to_release == StageSeconds(1, 1200, 1200, 1200)
    # a period without preparations: counts 0, no percentile
    none = preparation_timing(since=date(2024, 1, 1), until=date(2024, 1, 31))
    assert none.preparations == 0
    assert (
        none.to_release == none.to_bedside == none.end_to_end == StageSeconds(0, None, None, None)
    )


def test_a_start_before_the_release_truncates_toward_zero(make_user: MakeUser) -> None:
    a, *rest = _labelled(make_user)
    Preparation.objects.filter(pk__in=[p.pk for p in rest]).update(
        created_at=_at(8) - timedelta(days=400)
    )
    # started 30.5 s before the recorded release (a clock skew): −30, as int(−30.5)
    _set(a, _at(8), _at(8, 40, 30, 500000), _at(8, 40))
    timing = preparation_timing(since=SINCE, until=UNTIL)
    assert timing.to_bedside == StageSeconds(1, -30, -30, -30)
    assert timing.to_release == StageSeconds(1, 2430, 2430, 2430)


def test_percentile_disc_is_the_nearest_rank_of_stats() -> None:
    """The SQL the selector uses against ``stats.percentile`` on the same values: every size
    from 1 to 60 and a few larger, with many ties (values drawn from a small range)."""
    draw = random.Random(23)
    samples = [
        [draw.randint(-3, 12) for _ in range(n)] for n in [*range(1, 61), 99, 100, 101, 1000]
    ]
    samples += [[5], [5, 5], [1, 2], [2, 1, 1], [7] * 20, list(range(20))]
    with connection.cursor() as cursor:
        for values in samples:
            cursor.execute(
                "SELECT percentile_disc(ARRAY[0.5, 0.9, 0.95]) WITHIN GROUP (ORDER BY v)"
                " FROM unnest(%s::bigint[]) AS v",
                [values],
            )
            (found,) = cursor.fetchone()
            assert found == [percentile(values, p) for p in (50, 90, 95)], values
