"""The desk's pages: the patient found by the health card, the dispensing form (packs
scanned, a refusal shown in Italian beside the form and nothing unloaded), the plan and
delegation forms, the receipt (an archived print), the FEFO lots; the same permissions as the API."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.dispensing.models import Delegation, Dispensing, TherapyPlan
from corsia.inventory.models import StockMovement
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.dispensing import Desk, held, pack_code
from corsia.testing.documents import printed_html, the_archived_print
from corsia.testing.inventory import assert_stock_matches_movements

pytestmark = pytest.mark.django_db


def _today() -> date:
    return timezone.localdate()


@pytest.fixture
def stocked(desk: Desk) -> Desk:
    later, latest = _today() + timedelta(days=200), _today() + timedelta(days=400)
    desk.load(desk.capecitabine, "L-B", later, 120)  # expires first: FEFO's choice
    desk.load(desk.capecitabine, "L-A", latest, 240)
    desk.load(desk.capecitabine_low, "C-1", latest, 60)
    return desk


def _form(desk: Desk, scans: list[str], **fields: str) -> dict[str, object]:
    return {
        "patient_code": desk.patient.codice_fiscale,
        "kind": "discharge",
        "prescriber": str(desk.physician.pk),
        "product": desk.capecitabine.code,
        "daily_units": "8",
        "collected_by": "patient",
        "location": desk.shelf.code,
        "cost_center": desk.cost_center.code,
        "scans": scans,
        **fields,
    }


def test_the_health_card_opens_the_patient_and_a_name_lists_the_patients(desk: Desk) -> None:
    client = logged_in(desk.pharmacist)
    # the Tessera Sanitaria's barcode carries the codice fiscale
    response = client.get("/dispensing/", {"q": "rssmra85t10a562s"})
    assert response.status_code == 302
    assert response["Location"] == f"/dispensing/patients/{desk.patient.pk}/?code=RSSMRA85T10A562S"
    response = client.get("/dispensing/", {"q": "Bianchi Anna"})
    assert response.status_code == 200
    assert f"/dispensing/patients/{desk.other_patient.pk}/" in response.content.decode()
    assert "Nessuna dispensazione oggi." in response.content.decode()


def test_a_first_cycle_at_discharge_from_the_form_then_its_receipt(stocked: Desk) -> None:
    desk = stocked
    client = logged_in(desk.pharmacist)
    page = client.get(f"/dispensing/patients/{desk.patient.pk}/dispense/?code=RSSMRA85T10A562S")
    assert page.status_code == 200
    assert 'value="RSSMRA85T10A562S"' in page.content.decode()
    latest = _today() + timedelta(days=400)
    scans = [
        pack_code(desk.packs["cape"], lot="L-A", expiry=latest, serial="S1"),
        pack_code(desk.packs["cape"], lot="L-A", expiry=latest, serial="S2"),
    ]
    response = client.post(f"/dispensing/patients/{desk.patient.pk}/dispense/", _form(desk, scans))
    row = Dispensing.objects.get()
    assert response.status_code == 302
    # back to the patient's page, the receipt to print on top
    assert response["Location"] == f"/dispensing/patients/{desk.patient.pk}/?receipt={row.pk}"
    # 2 packs × 120 tablets at 8 a day = 240 ÷ 8 = 30 days; next due today + 30
    assert (row.units, row.days_covered, row.kind) == (240, 30, "discharge")
    assert row.next_due_date == _today() + timedelta(days=30)
    assert (held(desk.capecitabine, "L-A"), held(desk.capecitabine, "L-B")) == (0, 120)
    patient_page = client.get(response["Location"]).content.decode()
    ready = patient_page.split('data-testid="receipt-ready"')[1].split("</div>")[0]
    assert f"Ricevuta della dispensazione n. {row.pk}: da stampare" in ready
    assert f'href="/dispensing/dispensings/{row.pk}/receipt.pdf"' in ready
    # the receipt: the PDF of its template, archived with the patient
    document = the_archived_print(
        client.get(f"/dispensing/dispensings/{row.pk}/receipt.pdf"), "dispensing_receipt"
    )
    assert document.patient_id == desk.patient.pk
    receipt = printed_html(document)
    assert "Capecitabina 500 mg Test" in receipt and "RSSMRA85T10A562S" in receipt
    assert f"{latest:%d/%m/%Y}" in receipt and "L-A" in receipt
    assert f"{row.next_due_date:%d/%m/%Y}" in receipt
    assert "Firma di chi ritira" in receipt and "Firma del farmacista" in receipt
    # the desk lists it among today's, with its receipt
    desk_page = client.get("/dispensing/").content.decode()
    link = f'href="/dispensing/dispensings/{row.pk}/receipt.pdf" target="_blank" rel="noopener"'
    assert f"{link}>Ricevuta {row.pk} (PDF)</a>" in desk_page
    # a patient's page without a receipt just printed shows none (another id: nothing)
    other = client.get(f"/dispensing/patients/{desk.patient.pk}/?receipt=999999")
    assert 'data-testid="receipt-ready"' not in other.content.decode()
    assert_stock_matches_movements()


def test_another_drug_scanned_is_refused_beside_the_form_and_nothing_unloaded(
    stocked: Desk,
) -> None:
    desk = stocked
    client = logged_in(desk.pharmacist)
    movements = StockMovement.objects.count()
    latest = _today() + timedelta(days=400)
    scans = [
        pack_code(desk.packs["cape"], lot="L-A", expiry=latest, serial="S1"),
        pack_code(desk.packs["cape_low"], lot="C-1", expiry=latest, serial="X1"),
    ]
    response = client.post(f"/dispensing/patients/{desk.patient.pk}/dispense/", _form(desk, scans))
    assert response.status_code == 422
    text = response.content.decode()
    assert "La confezione letta è Capecitabina 150 mg Test, non Capecitabina 500 mg Test" in text
    assert "nulla è stato scaricato" in text
    # both scans are still listed, the second marked as the one refused
    assert text.count('name="scans"') == 2
    assert text.count("data-refused") == 1
    assert Dispensing.objects.count() == 0
    assert StockMovement.objects.count() == movements
    assert (held(desk.capecitabine), held(desk.capecitabine_low)) == (360, 60)
    assert_stock_matches_movements()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"prescriber": ""}, "Indica il medico prescrittore."),
        ({"patient_code": "BNCNNA70D42H501A"}, "Il codice letto non è quello del paziente"),
        ({"collected_by": "delegate"}, "delega"),
        ({"daily_units": "zero"}, "Valore numerico non valido"),
        ({"scans": []}, "Leggi il codice di almeno una confezione."),
    ],
)
def test_each_refusal_is_said_in_italian_and_nothing_is_unloaded(
    stocked: Desk, fields: dict[str, object], message: str
) -> None:
    desk = stocked
    client = logged_in(desk.pharmacist)
    scans = [pack_code(desk.packs["cape"])]
    data = _form(desk, scans)
    data.update(fields)
    response = client.post(f"/dispensing/patients/{desk.patient.pk}/dispense/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Dispensing.objects.count() == 0
    assert held(desk.capecitabine) == 360
    assert_stock_matches_movements()


def test_the_scan_field_s_last_code_is_a_pack_too(stocked: Desk) -> None:
    # without the page's script the scan field itself is posted: its code counts
    desk = stocked
    client = logged_in(desk.pharmacist)
    data = _form(desk, [], scan=pack_code(desk.packs["cape"]), daily_units="4")
    response = client.post(f"/dispensing/patients/{desk.patient.pk}/dispense/", data)
    assert response.status_code == 302
    assert Dispensing.objects.get().units == 120
    assert held(desk.capecitabine, "L-B") == 0  # the AIC barcode carries no lot: FEFO
    assert_stock_matches_movements()


def test_a_plan_and_a_delegation_from_their_forms_then_the_patient_page(stocked: Desk) -> None:
    desk = stocked
    client = logged_in(desk.pharmacist)
    base = f"/dispensing/patients/{desk.patient.pk}"
    start, end = _today(), _today() + timedelta(days=59)
    response = client.post(
        f"{base}/plans/new/",
        {"prescriber": str(desk.physician.pk), "product": desk.capecitabine.code,
         "daily_units": "4", "valid_from": start.isoformat(), "valid_to": end.isoformat(),
         "plan_number": "PT-1"},
    )  # fmt: skip
    assert response.status_code == 302
    plan = TherapyPlan.objects.get()
    # no ceiling stated: 4 a day × 60 days = 240 units
    assert (plan.daily_units, plan.max_units, plan.plan_number) == (Decimal(4), None, "PT-1")
    response = client.post(
        f"{base}/delegations/new/",
        {"delegate_name": "Lucia Rossi", "delegate_fiscal_code": "rsslcu60a41a562q",
         "identity_document": "Carta d'identità CA12345AB", "valid_from": start.isoformat(),
         "valid_to": end.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert delegation.delegate_fiscal_code == "RSSLCU60A41A562Q"
    # a delegate collects one pack from the plan
    data = _form(
        desk, [pack_code(desk.packs["cape"])], kind="plan", plan=str(plan.pk), product="",
        daily_units="", collected_by="delegate", delegation=str(delegation.pk),
    )  # fmt: skip
    response = client.post(f"{base}/dispense/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    row = Dispensing.objects.get()
    assert (row.plan_id, row.delegation_id, row.units, row.days_covered) == (
        plan.pk, delegation.pk, 120, 30,
    )  # fmt: skip
    receipt = printed_html(
        the_archived_print(
            client.get(f"/dispensing/dispensings/{row.pk}/receipt.pdf"), "dispensing_receipt"
        )
    )
    assert "Delegato: Lucia Rossi · codice fiscale RSSLCU60A41A562Q" in receipt
    page = client.get(f"{base}/").content.decode()
    # 240 covered − 120 dispensed = 120 left; PDC today: 1 day of 1 covered = 100%
    assert f'data-testid="plan-remaining-{plan.pk}"><strong>120</strong>' in page
    assert f'data-testid="pdc-{desk.capecitabine.code}">100%' in page
    assert "Lucia Rossi" in page
    assert_stock_matches_movements()


def test_the_forms_refuse_in_italian(desk: Desk) -> None:
    client = logged_in(desk.pharmacist)
    base = f"/dispensing/patients/{desk.patient.pk}"
    response = client.post(
        f"{base}/delegations/new/",
        {"delegate_name": "Lucia Rossi", "delegate_fiscal_code": "ABC",
         "identity_document": "CI", "valid_from": "2026-10-01", "valid_to": "2026-12-31"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Il codice fiscale del delegato non è valido." in response.content.decode()
    response = client.post(
        f"{base}/plans/new/",
        {"prescriber": str(desk.physician.pk), "product": desk.capecitabine.code,
         "daily_units": "4", "valid_from": "2026-10-01", "valid_to": "2026-09-01"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Le date del piano non sono valide" in response.content.decode()
    assert (TherapyPlan.objects.count(), Delegation.objects.count()) == (0, 0)


def test_the_fefo_lots_for_the_days_to_cover(stocked: Desk) -> None:
    desk = stocked
    client = logged_in(desk.pharmacist)
    response = client.get(
        "/dispensing/lots/",
        {"product": desk.capecitabine.code, "daily_units": "8", "days": "30",
         "location": desk.shelf.code},
    )  # fmt: skip
    text = response.content.decode()
    # 8 × 30 = 240 units: the 120 of L-B (expiring first), then 120 of L-A
    assert "Per 240 unità" in text
    assert text.index("L-B") < text.index("L-A")
    assert "Mancano" not in text
    response = client.get(
        "/dispensing/lots/", {"product": desk.capecitabine.code, "daily_units": "8", "days": "60"}
    )
    assert "Mancano 120 unità in giacenza." in response.content.decode()


def test_the_same_permissions_as_the_api(desk: Desk, make_user: MakeUser) -> None:
    base = f"/dispensing/patients/{desk.patient.pk}"
    physician = logged_in(desk.physician)  # reads the desk, does not dispense
    assert physician.get(f"{base}/").status_code == 200
    for url in (f"{base}/dispense/", f"{base}/plans/new/", f"{base}/delegations/new/"):
        assert physician.get(url).status_code == 403
    assert physician.post(f"{base}/dispense/", {}).status_code == 403
    nurse = logged_in(make_user(Role.NURSE))
    assert nurse.get("/dispensing/").status_code == 403
    assert Dispensing.objects.count() == 0
