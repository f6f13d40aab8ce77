"""Stock unload flows per cost centre over the hand-written year of
``corsia/testing/reports_stock.py``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from corsia.reports.domain.definition import Params, no_progress
from corsia.reports.domain.registry import definition_get
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.reports_stock import stock_year

pytestmark = pytest.mark.django_db
API = "/api/v1/reports/pharmacy_stock_unloads"
YEAR = "period_from=2025-01-01&period_to=2025-12-31"
OXA = ["oxaliplatin_report_test", "Oxaliplatino Test", "012345678"]
FU = ["fluorouracil_report_test", "Fluorouracile Test", ""]


def test_unloads_per_cost_centre_by_hand(make_user: MakeUser) -> None:
    year = stock_year(make_user)
    client = api_client(year.pharmacist)
    body = client.get(f"{API}?{YEAR}").json()
    # CC-DH: 3 vials unloaded, 1 given back: 2 × 34,5678 = 69,1356 → 69,14 €, 1 a pack;
    # CC-MED: 2 fluorouracil × 3,90 = 7,80 €, 10 a pack → 0,20 packs; the waste of July and
    # the unload of 31/12/2024 are not counted
    assert body["rows"] == [
        ["CC-DH", "Day Hospital", *OXA, 3, 1, 2, "2.00", "69.14"],
        ["CC-MED", "Medicina", *FU, 2, 0, 2, "0.20", "7.80"],
    ]
    assert body["notes"][:3] == [
        "Totale: 76,94 €.",
        "Totale CC-DH Day Hospital: 69,14 €.",
        "Totale CC-MED Medicina: 7,80 €.",
    ]
    unit = client.get(f"{API}?{YEAR}&unit={year.ward.pk}").json()
    assert [r[0] for r in unit["rows"]] == ["CC-DH"]
    xlsx = client.get(f"{API}?{YEAR}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # two years, read a year at a time: the 2024 unload of oxaliplatin to CC-MED joins,
    # 34,5678 € → CC-MED 42,3678 → 42,37 €; total 111,5034 → 111,50 €
    definition = definition_get("pharmacy_stock_unloads")
    both = definition.run(Params(date(2024, 1, 1), date(2025, 12, 31)), no_progress)
    assert [list(r) for r in both.rows][1:] == [
        ["CC-MED", "Medicina", *FU, 2, 0, 2, Decimal("0.20"), Decimal("7.80")],
        ["CC-MED", "Medicina", *OXA, 1, 0, 1, Decimal("1.00"), Decimal("34.57")],
    ]
    assert both.notes[:3] == (
        "Totale: 111,50 €.",
        "Totale CC-DH Day Hospital: 69,14 €.",
        "Totale CC-MED Medicina: 42,37 €.",
    )
