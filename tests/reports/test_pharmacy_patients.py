"""Consumption per patient and preparations by disease over the hand-written 2025 of
``corsia/testing/reports_pharmacy.py`` with its second patient (``second_patient``)."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.compounding.models import Preparation
from corsia.drugs.models import ActiveIngredient
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.reports_pharmacy import pharmacy_year, second_patient

pytestmark = pytest.mark.django_db
API = "/api/v1/reports"
YEAR = "period_from=2025-01-01&period_to=2025-12-31"


def test_consumption_per_patient_and_preparations_by_disease(make_user: MakeUser) -> None:
    year = pharmacy_year(make_user)
    verdi = second_patient(year, make_user).patient
    first = Preparation.objects.exclude(order__patient=verdi).first()
    assert first is not None
    rossi_mrn, verdi_mrn = first.order.patient.mrn, verdi.mrn
    oxa, fu = str(year.oxaliplatin), str(year.fluorouracil)
    client = api_client(year.pharmacist)
    before = AccessLogEntry.objects.count()
    body = client.get(f"{API}/pharmacy_consumption_patient?{YEAR}").json()
    # the first patient: oxaliplatin 70 + 15,5 mg from leftovers (no new vial) at 2 €/mg,
    # fluorouracil 300 mg from a leftover at 0,01 €/mg; Verdi: oxaliplatin a new vial of
    # 100 mg and 20 mg from a leftover = 120 mg, 240 €; the draws of Y-3 are outside
    expected = [
        [rossi_mrn, "Fluorouracile", fu, 1, 0, "300.00", "3.00"],
        [rossi_mrn, "Oxaliplatino", oxa, 1, 0, "85.50", "171.00"],
        [verdi_mrn, "Oxaliplatino", oxa, 1, 1, "120.00", "240.00"],
    ]
    assert body["rows"] == sorted(expected, key=lambda r: (r[0], r[1]))
    assert body["notes"][:2] == ["Valore complessivo: 414,00 €.", "Pazienti: 2."]
    assert AccessLogEntry.objects.count() == before + 2
    logged = AccessLogEntry.objects.order_by("-pk")[:2]
    assert {e.patient_id for e in logged} == {first.order.patient_id, verdi.pk}
    assert {e.what for e in logged} == {"Report «Consumo di farmaci per paziente»"}
    oxaliplatin = ActiveIngredient.objects.get(code="oxaliplatin")
    only = client.get(f"{API}/pharmacy_consumption_patient?{YEAR}&drug={oxaliplatin.pk}").json()
    assert [r[2] for r in only["rows"]] == [oxa, oxa]

    disease = client.get(f"{API}/pharmacy_preparations_disease?{YEAR}").json()
    # the first order has no diagnosis: 2 preparations (oxaliplatin, fluorouracil), 385,5 mg,
    # 174 €; Verdi's is ICD-9-CM 153.9: 1 preparation, 120 mg, 240 €
    assert disease["rows"] == [
        ["", "", "Senza diagnosi sull'ordine", 1, 2, "385.50", "174.00"],
        ["ICD-9-CM", "153.9", "Colon", 1, 1, "120.00", "240.00"],
    ]
    csv = client.get(f"{API}/pharmacy_preparations_disease?{YEAR}&format=csv")
    assert csv.status_code == 200 and "153.9;Colon;1;1;120,00;240,00" in csv.content.decode()
    nurse = api_client(make_user(Role.NURSE))
    assert nurse.get(f"{API}/pharmacy_consumption_patient?{YEAR}").status_code == 403
