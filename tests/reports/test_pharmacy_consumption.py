"""Consumption in the preparations and its high-cost part over the hand-written 2025 of
``corsia/testing/reports_pharmacy.py``."""

from __future__ import annotations

import pytest

from corsia.drugs.models import ActiveIngredient
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.reports_pharmacy import PharmacyYear, pharmacy_year

pytestmark = pytest.mark.django_db
API = "/api/v1/reports"
YEAR = "period_from=2025-01-01&period_to=2025-12-31"


@pytest.fixture
def year(make_user: MakeUser) -> PharmacyYear:
    return pharmacy_year(make_user)


def test_consumption_per_product_and_its_high_cost_part(year: PharmacyYear) -> None:
    client = api_client(year.pharmacist)
    body = client.get(f"{API}/pharmacy_consumption?{YEAR}").json()
    oxa, fu = str(year.oxaliplatin), str(year.fluorouracil)
    # 2025's draws: oxaliplatin 70 + 15,5 = 85,5 mg at 2 €/mg = 171 €; fluorouracil 300 mg
    # at 0,01 €/mg = 3 € (the 2024 draw and the hood's own of 2022 are outside)
    assert body["rows"] == [
        ["Oxaliplatino", oxa, 2, "85.50", "171.00"],
        ["Fluorouracile", fu, 1, "300.00", "3.00"],
    ]
    assert body["notes"][0] == "Valore complessivo: 174,00 €."
    assert client.get(f"{API}/pharmacy_high_cost?{YEAR}").json()["rows"] == []
    ActiveIngredient.objects.filter(code="oxaliplatin").update(high_cost=True)
    high = client.get(f"{API}/pharmacy_high_cost?{YEAR}").json()
    assert high["rows"] == [["Oxaliplatino", oxa, 2, "85.50", "171.00"]]
