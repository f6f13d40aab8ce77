"""Consumption per patient and preparations by disease over the hand-written 2025 of
``corsia/testing/reports_pharmacy.py`` with its second patient (``second_patient``)."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.compounding.models import Preparation
from corsia.drugs.models import ActiveIngredient
from corsia.patients.models import Ward
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.prescribing import library_version
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


def test_unit_and_regimen_filters_keep_the_orders_of_that_ward_or_regimen(
    make_user: MakeUser,
) -> None:
    # given the year's two patients, Rossi's FOLFOX-4 order on ward W1 and Verdi's order
    # moved to ward W2 and to another regimen (FOLFOX-4 with bevacizumab)
    year = pharmacy_year(make_user)
    verdi = second_patient(year, make_user)
    rossi_prep = Preparation.objects.exclude(order__patient=verdi.patient).first()
    assert rossi_prep is not None
    rossi_order = rossi_prep.order
    w1 = Ward.objects.create(code="W1", name="Oncologia DH", kind="day_hospital")
    w2 = Ward.objects.create(code="W2", name="Ematologia", kind="inpatient")
    other = library_version("FOLFOX-4-BEV", approvers=(make_user(Role.PHYSICIAN), year.physician))
    TherapyOrder.objects.filter(pk=rossi_order.pk).update(ward=w1)
    TherapyOrder.objects.filter(pk=verdi.order.pk).update(ward=w2, regimen_version=other)
    folfox = rossi_order.regimen_version.regimen_id
    rossi_mrn, verdi_mrn = rossi_order.patient.mrn, verdi.patient.mrn
    oxa, fu = str(year.oxaliplatin), str(year.fluorouracil)
    client = api_client(year.pharmacist)

    def rows(code: str, **filters: int) -> list[list[object]]:
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        body = client.get(f"{API}/{code}?{YEAR}&{query}").json()
        return body["rows"]  # type: ignore[no-any-return]

    # per patient (hand count of the module's first test): W1 and FOLFOX-4 are Rossi's
    # fluorouracil 300 mg (3 €) and oxaliplatin 85,5 mg (171 €); W2 and FOLFOX-4-BEV Verdi's
    # oxaliplatin 120 mg (240 €)
    rossi_rows = [
        [rossi_mrn, "Fluorouracile", fu, 1, 0, "300.00", "3.00"],
        [rossi_mrn, "Oxaliplatino", oxa, 1, 0, "85.50", "171.00"],
    ]
    verdi_rows = [[verdi_mrn, "Oxaliplatino", oxa, 1, 1, "120.00", "240.00"]]
    assert rows("pharmacy_consumption_patient", unit=w1.pk) == rossi_rows
    assert rows("pharmacy_consumption_patient", unit=w2.pk) == verdi_rows
    assert rows("pharmacy_consumption_patient", regimen=folfox) == rossi_rows
    assert rows("pharmacy_consumption_patient", regimen=other.regimen_id) == verdi_rows
    assert rows("pharmacy_consumption_patient", unit=w1.pk, regimen=other.regimen_id) == []
    last = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rows("pharmacy_consumption_patient", unit=w2.pk)
    logged = AccessLogEntry.objects.filter(pk__gt=last).values_list("patient_id", flat=True)
    assert list(logged) == [verdi.patient.pk]  # only the patient on the report
    # by disease: W1 is the order without a diagnosis (2 preparations, 385,5 mg, 174 €),
    # the other regimen Verdi's colon cancer (1 preparation, 120 mg, 240 €)
    assert rows("pharmacy_preparations_disease", unit=w1.pk) == [
        ["", "", "Senza diagnosi sull'ordine", 1, 2, "385.50", "174.00"]
    ]
    assert rows("pharmacy_preparations_disease", regimen=other.regimen_id) == [
        ["ICD-9-CM", "153.9", "Colon", 1, 1, "120.00", "240.00"]
    ]
    # the operator is not a filter of these reports: refused, naming it
    refused = client.get(f"{API}/pharmacy_consumption_patient?{YEAR}&operator=1")
    assert refused.status_code == 422 and refused.json()["code"] == "filter_not_accepted"
