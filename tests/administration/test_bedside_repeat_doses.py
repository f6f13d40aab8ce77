"""An oral drug given several times a day at the bedside (the order line's
``administrations_per_day``, the dose PER administration): every administration is scanned
and recorded, the line is done after the last one, a further dose sooner than half the even
spacing is refused unless overridden with a reason (twice a day 6 h, three times 4 h, four
3 h: 24 h ÷ n ÷ 2, worked by hand)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from corsia.administration.bedside.items import items_progress
from corsia.administration.domain.bedside import (
    OVERRIDABLE,
    Progress,
    bedside_check,
    bedside_decide,
)
from corsia.administration.domain.bedside.repeat import repeat_dose_min_interval
from corsia.administration.models import Administration
from corsia.prescribing.models import OrderItem
from corsia.testing.administration import (
    DEXA,
    NOW,
    ONDANSETRON,
    OXALI,
    Folfox,
    codes,
    done,
    give,
    scan,
    verify,
)

# prednisone 20 mg/m² three times a day (AIEOP-BFM IA), a ward drug given by mouth
PRED = replace(
    ONDANSETRON,
    ingredient_code="prednisone",
    ingredient_name="Prednisone",
    dose=Decimal(40),
    route="po",
    administrations_per_day=3,
)


@pytest.mark.parametrize(("per_day", "hours"), [(2, 6), (3, 4), (4, 3), (5, 2.4), (6, 2)])
def test_the_shortest_interval_is_half_the_even_spacing(per_day: int, hours: float) -> None:
    assert repeat_dose_min_interval(per_day) == timedelta(hours=hours)


def test_the_first_dose_is_checked_like_any_drug() -> None:
    assert codes(scan(PRED)) == []


def test_a_second_dose_too_soon_is_refused_and_may_be_overridden_with_a_reason() -> None:
    # the first dose started 3 h 59 min ago; three times a day: at least 4 h between doses
    second = replace(PRED, doses_done=1, last_dose_at=NOW - timedelta(hours=3, minutes=59))
    refusals = bedside_check(scan(second))
    assert [r.code for r in refusals] == ["dose_interval_too_short"]
    assert "dose 2 di 3" in refusals[0].message
    assert "239 min fa" in refusals[0].message
    assert "almeno 4 h" in refusals[0].message
    assert "attendere ancora 1 min" in refusals[0].message
    assert "dose_interval_too_short" in OVERRIDABLE
    decision = bedside_decide(refusals, {"dose_interval_too_short": "dose anticipata dal medico"})
    assert decision.allowed


def test_a_second_dose_after_the_interval_passes_whatever_the_planned_start() -> None:
    # the day's planned start (the first dose's) is long past: no time-window refusal
    second = replace(
        PRED,
        doses_done=1,
        last_dose_at=NOW - timedelta(hours=4),
        planned_start=NOW - timedelta(hours=5),
    )
    assert codes(scan(second)) == []
    # a once-a-day drug with the same planned start is outside its window
    assert codes(
        scan(replace(PRED, administrations_per_day=1, planned_start=NOW - timedelta(hours=5)))
    ) == ["outside_time_window"]


def test_after_the_last_dose_of_the_day_nothing_more_is_given() -> None:
    third = replace(
        PRED, doses_done=3, progress=Progress.DONE, last_dose_at=NOW - timedelta(hours=5)
    )
    refusals = bedside_check(scan(third))
    assert [r.code for r in refusals] == ["already_administered"]
    assert "tutte le 3 volte del giorno" in refusals[0].message
    assert not refusals[0].overridable


def test_the_next_drug_follows_the_first_dose_of_a_drug_given_several_times() -> None:
    # oxaliplatin comes after the ward drugs: one dose of three given lets it go
    first_given = replace(
        PRED,
        item_id=ONDANSETRON.item_id,
        doses_done=1,
        last_dose_at=NOW - timedelta(hours=1),
        ended_at=NOW - timedelta(minutes=50),
    )
    day = (first_given, done(DEXA), OXALI)
    assert codes(scan(OXALI, day_items=day)) == []
    not_yet = replace(first_given, doses_done=0, last_dose_at=None, ended_at=None)
    assert codes(scan(OXALI, day_items=(not_yet, *day[1:]))) == ["sequence_previous_not_finished"]


# --- through the services ----------------------------------------------------------------


def _three_times_a_day(folfox: Folfox) -> OrderItem:
    """The FOLFOX ward line ondansetron made an oral drug taken three times a day."""
    item = folfox.items["ondansetron"]
    OrderItem.objects.filter(pk=item.pk).update(route="po", administrations_per_day=3)
    item.refresh_from_db()
    return item


def _earlier(admin: Administration, hours: int) -> None:
    Administration.objects.filter(pk=admin.pk).update(
        started_at=admin.started_at - timedelta(hours=hours),
        ended_at=admin.ended_at - timedelta(hours=hours) if admin.ended_at else None,
    )


def test_three_doses_are_recorded_and_the_line_is_done_after_the_third(folfox: Folfox) -> None:
    item = _three_times_a_day(folfox)
    first = give(folfox, item)
    progress = items_progress([item.pk], {item.pk: 3})[item.pk]
    assert (progress.progress, progress.doses_done) == (Progress.NOT_STARTED, 1)

    # the same tablets scanned again straight away: refused, nothing started
    again = verify(folfox, "ondansetron")
    assert [r.code for r in again.refusals] == ["dose_interval_too_short"]
    assert again.administration is None
    assert Administration.objects.filter(order_item=item).count() == 1

    # four hours later the second dose passes; the third is given early with a reason
    _earlier(first, 4)
    second = give(folfox, item)
    third = give(folfox, item, overrides={"dose_interval_too_short": "anticipata dal medico"})
    assert third.override_reason and "anticipata dal medico" in third.override_reason
    assert [a.dose for a in (first, second, third)] == [Decimal("8.0000")] * 3
    progress = items_progress([item.pk], {item.pk: 3})[item.pk]
    assert (progress.progress, progress.doses_done) == (Progress.DONE, 3)

    # a fourth is refused outright
    fourth = verify(folfox, "ondansetron", overrides={"dose_interval_too_short": "x"})
    assert "already_administered" in [r.code for r in fourth.refusals]
    assert not fourth.allowed
    assert Administration.objects.filter(order_item=item).count() == 3
