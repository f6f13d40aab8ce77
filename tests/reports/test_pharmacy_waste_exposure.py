"""Waste, vial-sharing savings and operators' exposure over the hand-written 2025 of
``corsia/testing/reports_pharmacy.py``: every figure counted by hand there."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from corsia.accounts.models import User
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.reports_pharmacy import PharmacyYear, pharmacy_year

pytestmark = pytest.mark.django_db
API = "/api/v1/reports"
YEAR = "period_from=2025-01-01&period_to=2025-12-31"


@pytest.fixture
def year(make_user: MakeUser) -> PharmacyYear:
    return pharmacy_year(make_user)


def _name(user: User) -> str:
    return str(user.get_full_name() or user.username)


def test_waste_and_savings_per_product(year: PharmacyYear) -> None:
    body = api_client(year.pharmacist).get(f"{API}/pharmacy_waste?{YEAR}").json()
    rows = {r[1]: r for r in body["rows"]}
    oxa, fu = str(year.oxaliplatin), str(year.fluorouracil)
    assert set(rows) == {oxa, fu}
    # oxaliplatin: wasted 6 mL + 4 mL at 5 mg/mL = 30 + 20 = 50 mg (the third ends in 2026);
    # reused 70 + 15,5 = 85,5 mg (the 2024 draw is outside); at 2 €/mg: 100 € and 171 €.
    assert rows[oxa] == ["Oxaliplatino", oxa, "135.50", "85.50", "50.00", "100.00", "171.00"]
    # fluorouracil: 300 mg reused at 0,01 €/mg = 3 €; nothing wasted (the used-up leftover).
    assert rows[fu] == ["Fluorouracile", fu, "300.00", "300.00", "0.00", "0.00", "3.00"]
    assert body["notes"][0] == (
        "Totale spreco: 100,00 €; totale risparmio da condivisione dei flaconi: 174,00 €."
    )
    only_fu = api_client(year.pharmacist).get(
        f"{API}/pharmacy_waste?{YEAR}&drug={year.fluorouracil.ingredient_id}"
    )
    assert [r[1] for r in only_fu.json()["rows"]] == [fu]


def test_exposed_operators_and_their_minutes(year: PharmacyYear) -> None:
    body = api_client(year.pharmacist).get(f"{API}/pharmacy_exposure?{YEAR}").json()
    a, b = _name(year.technician_a), _name(year.technician_b)
    expected = sorted(
        [
            # A: oxaliplatin 12 min, fluorouracil 9,5 min (the 2024 record is outside): 21,5
            [a, "Oxaliplatino", 1, "12.00", "21.50"],
            [a, "Fluorouracile", 1, "9.50", "21.50"],
            # B: oxaliplatin 20 min; calcium folinate is no antineoplastic
            [b, "Oxaliplatino", 1, "20.00", "20.00"],
        ],
        key=lambda r: (r[0], r[1]),
    )
    assert body["rows"] == expected
    assert body["notes"][0] == "Operatori esposti: 2; esposizione complessiva: 41,50 min."
    only_b = (
        api_client(year.pharmacist)
        .get(f"{API}/pharmacy_exposure?{YEAR}&operator={year.technician_b.pk}")
        .json()
    )
    assert [r[0] for r in only_b["rows"]] == [b]


def test_the_directors_summary_and_its_xlsx(year: PharmacyYear) -> None:
    client = api_client(year.pharmacist)
    body = client.get(f"{API}/pharmacy_summary?{YEAR}").json()
    assert [(r[0], r[1]) for r in body["rows"]] == [
        ("Spreco di farmaco (residui scaduti o eliminati)", "100.00"),
        ("Risparmio da condivisione dei flaconi", "174.00"),  # 171 + 3
        ("Farmaco eliminato", "50.00"),
        ("Farmaco riutilizzato da residui", "385.50"),  # 85,5 + 300
        ("Esposizione degli operatori ai farmaci antineoplastici", "41.50"),  # 12 + 9,5 + 20
        ("Operatori esposti", "2"),
    ]
    xlsx = client.get(f"{API}/pharmacy_summary?{YEAR}&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content))["Dati"]
    assert sheet["A2"].value == "Spreco di farmaco (residui scaduti o eliminati)"
    assert Decimal(str(sheet["B2"].value)) == Decimal("100.00")
    assert Decimal(str(sheet["B3"].value)) == Decimal("174.00")
    assert Decimal(str(sheet["B6"].value)) == Decimal("41.50")
