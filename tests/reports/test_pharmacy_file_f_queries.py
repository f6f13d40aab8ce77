"""The File F report reads each type's dispensations of the whole period at once (issue 23):
a year costs the queries of a month, and the months are split on the local (Rome) day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.conf import LazySettings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corsia.dispensing import services
from corsia.inventory import selectors_file_f as selectors
from corsia.inventory import services as inventory
from corsia.reports.domain.definition import Params, ReportResult, no_progress
from corsia.reports.domain.registry import definition_get
from corsia.testing.accounts import MakeUser
from corsia.testing.dispensing import NOW, ROME, Desk, desk_ready, dispensing_input, pack_code

pytestmark = pytest.mark.django_db

# S: movements, packs' AIC, fiscal codes, products, cost centres; D: dispensings, their lines,
# packs' AIC, fiscal codes, products, the lines' movements (unit cost), cost centres
QUERIES = 5 + 7


def _unload(desk: Desk, units: int, now: datetime) -> int:
    return inventory.stock_unload(
        actor=desk.pharmacist, workstation="dh", product=desk.capecitabine, quantity=units,
        location=desk.shelf, cost_center=desk.cost_center, reference="DH terapia", now=now,
        patient=desk.other_patient,
    )[0].pk  # fmt: skip


def _desk_with_two_months(make_user: MakeUser) -> tuple[Desk, list[int]]:
    desk = desk_ready(make_user)
    desk.load(desk.capecitabine, "L-1", date(2027, 6, 30), 240)
    services.dispensing_record(
        actor=desk.pharmacist, workstation="banco-1", patient_id=desk.patient.pk,
        data=dispensing_input(desk, [pack_code(desk.packs["cape"])]), now=NOW,
    )  # fmt: skip
    moves = [
        _unload(desk, 2, NOW),  # 15 October
        _unload(desk, 3, datetime(2026, 10, 31, 23, 30, tzinfo=ROME)),  # 22:30 UTC: October
        _unload(desk, 4, datetime(2026, 11, 1, 0, 30, tzinfo=ROME)),  # 31/10 23:30 UTC: November
        _unload(desk, 5, NOW + timedelta(days=31)),  # 15 November
    ]
    return desk, moves


def _run(since: date, until: date) -> tuple[ReportResult, int]:
    with CaptureQueriesContext(connection) as queries:
        result = definition_get("pharmacy_file_f").run(
            Params(period_from=since, period_to=until), no_progress
        )
    return result, len(queries)


def test_a_year_costs_the_queries_of_a_month(make_user: MakeUser, settings: LazySettings) -> None:
    settings.CORSIA_FILE_F_HOSPITAL_CODE = "190201"
    _desk_with_two_months(make_user)
    month, month_queries = _run(date(2026, 10, 1), date(2026, 10, 31))
    year, year_queries = _run(date(2026, 1, 1), date(2026, 12, 31))
    assert month_queries == year_queries == QUERIES
    # October: the unloads of the 15th (2) and of the 31st (3), the desk's 120 tablets;
    # November: the 1st (4) and the 15th (5) — one record a day, numbered per month and type
    valid = [(r[0], r[2], r[3], str(r[5]), r[8]) for r in year.rows if r[-1] == "Valido"]
    assert valid == [
        ("S", 202610, 1, "2026-10-15", 2),
        ("S", 202610, 2, "2026-10-31", 3),
        ("D", 202610, 1, "2026-10-15", 120),
        ("S", 202611, 1, "2026-11-01", 4),
        ("S", 202611, 2, "2026-11-15", 5),
    ]
    assert [r for r in month.rows] == [r for r in year.rows if r[2] == 202610]
    assert len(year.notes) == 12 * 2 + 1  # every month of each type, and the layout's


def test_the_months_read_at_once_are_the_months_read_one_by_one(make_user: MakeUser) -> None:
    _, moves = _desk_with_two_months(make_user)
    together = selectors.file_f_dispensations_by_month(first=(2026, 9), last=(2026, 12))
    assert sorted(together) == [(2026, 10), (2026, 11)]  # months without any left out
    for year, month in ((2026, 10), (2026, 11)):
        alone = selectors.file_f_dispensations(year=year, month=month)
        assert together[(year, month)] == alone
    november = together[(2026, 11)]
    assert [(d.day, d.quantity, d.source) for d in november] == [
        (date(2026, 11, 1), 4, f"movimento {moves[2]} (cape_500_test, lotto L-1)"),
        (date(2026, 11, 15), 5, f"movimento {moves[3]} (cape_500_test, lotto L-1)"),
    ]
    assert {(d.patient_fiscal_code, d.aic, d.atc, d.cost_center) for d in november} == {
        ("BNCNNA70D42H501A", "990000010", "L01BC06", "CC-DD")
    }
