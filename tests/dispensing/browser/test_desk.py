"""The desk in a real browser: the pharmacist scans the health card (the codice fiscale),
opens the dispensing form, records a first cycle at discharge by scanning two packs (GS1
DataMatrix with lot and expiry) — a third pack of another drug is refused in Italian and
nothing is unloaded — and prints the receipt (the archived PDF of its template). Enter in the scan field adds a pack, it never
submits the form. axe-core checks every page (corsia.testing.browser)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urljoin

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.dispensing import services
from corsia.dispensing.models import Dispensing
from corsia.documents.models import Document
from corsia.inventory.models import StockMovement
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.dispensing import desk_ready, held, pack_code
from corsia.testing.inventory import assert_stock_matches_movements

pytestmark = pytest.mark.browser

DEMO_USER = {Role.PHARMACIST: "farmacista", Role.TECHNICIAN: "tecnico", Role.PHYSICIAN: "medico"}


def _demo_user(role: Role, **_: Any) -> User:
    return User.objects.get(username=DEMO_USER[role])


def test_first_cycle_at_discharge_scanned_refused_then_dispensed(
    page: Page, demo_users: str
) -> None:
    # given the desk's shelf: capecitabine 500 mg in two lots, capecitabine 150 mg in one
    desk = desk_ready(_demo_user)
    today = timezone.localdate()
    sooner, later = today + timedelta(days=200), today + timedelta(days=400)
    desk.load(desk.capecitabine, "L-B", sooner, 120)
    desk.load(desk.capecitabine, "L-A", later, 240)
    desk.load(desk.capecitabine_low, "C-1", later, 60)
    # and a delegation (its revocation form is on the patient's page, checked by axe)
    services.delegation_record(
        actor=desk.pharmacist, workstation="banco-1", patient_id=desk.patient.pk,
        data=services.DelegationInput(
            delegate_name="Lucia Rossi", delegate_fiscal_code="RSSLCU60A41A562Q",
            identity_document="CI CA12345AB", valid_from=today, valid_to=sooner,
        ),
        now=timezone.now(),
    )  # fmt: skip
    movements = StockMovement.objects.count()
    log_in(page, "farmacista", demo_users)
    # when the pharmacist scans the health card at the desk (the scanner ends with Enter)
    page.goto("/dispensing/")
    assert_accessible_basics(page)
    step(page, "banco")
    search = page.get_by_label(
        "Tessera sanitaria (scansione), codice fiscale, STP/ENI o cognome e nome"
    )
    expect(search).to_be_focused()
    search.fill("RSSMRA85T10A562S")
    search.press("Enter")
    page.wait_for_load_state("load")
    # then the patient's desk page opens
    assert_accessible_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("ROSSI Mario")
    expect(page.get_by_test_id("delegations")).to_contain_text("Lucia Rossi")
    step(page, "paziente")
    page.get_by_test_id("new-dispensing").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    form = page.get_by_test_id("dispense-form")
    # the health card read at the desk is carried into the form
    expect(form.get_by_label("Tessera sanitaria del paziente", exact=False)).to_have_value(
        "RSSMRA85T10A562S"
    )
    form.get_by_label("Tipo di dispensazione").select_option("discharge")
    form.get_by_label("Medico prescrittore").select_option(str(desk.physician.pk))
    form.get_by_label("Farmaco", exact=True).select_option(desk.capecitabine.code)
    form.get_by_label("Unità al giorno").fill("8")
    form.get_by_label("Unità al giorno").press("Tab")
    form.get_by_label("Ubicazione del banco").select_option(desk.shelf.code)
    form.get_by_label("Centro di costo").select_option(desk.cost_center.code)
    # the lots to take: 8 a day × 30 days = 240 tablets, L-B (expiring first) then L-A
    lots = page.get_by_test_id("lots-table")
    expect(lots).to_contain_text("Per 240 unità")
    expect(lots.locator("tbody tr").first).to_contain_text("L-B")
    # when two packs of L-A and, by mistake, a pack of capecitabine 150 mg are scanned
    scan = form.get_by_label("Codice della confezione", exact=False)
    for code in (
        pack_code(desk.packs["cape"], lot="L-A", expiry=later, serial="S1"),
        pack_code(desk.packs["cape"], lot="L-A", expiry=later, serial="S2"),
        pack_code(desk.packs["cape_low"], lot="C-1", expiry=later, serial="X1"),
    ):
        scan.fill(code)
        scan.press("Enter")
    # then each scan is listed and nothing was submitted
    expect(page.get_by_test_id("scans").locator("li")).to_have_count(3)
    assert Dispensing.objects.count() == 0
    step(page, "modulo-dispensazione")
    # when the pharmacist confirms
    form.get_by_test_id("confirm").click()
    page.wait_for_load_state("load")
    # then the refusal is said in Italian beside the form and nothing is unloaded
    assert_accessible_basics(page)
    expect(page.get_by_test_id("refusal")).to_contain_text(
        "La confezione letta è Capecitabina 150 mg Test, non Capecitabina 500 mg Test"
    )
    assert Dispensing.objects.count() == 0
    assert StockMovement.objects.count() == movements
    assert (held(desk.capecitabine), held(desk.capecitabine_low)) == (360, 60)
    assert_stock_matches_movements()
    refused = page.get_by_test_id("scans").locator("li[data-refused]")
    expect(refused).to_contain_text("confezione rifiutata")
    step(page, "rifiuto")
    # when the wrong pack is taken off the list and the dispensing confirmed again
    refused.get_by_role("button", name="Togli").click()
    expect(page.get_by_test_id("scans").locator("li")).to_have_count(2)
    page.get_by_test_id("confirm").click()
    page.wait_for_load_state("load")
    # then the patient's page offers the receipt to print
    assert_accessible_basics(page)
    row = Dispensing.objects.get()
    expect(page.get_by_test_id("receipt-ready")).to_contain_text(
        f"Ricevuta della dispensazione n. {row.pk}"
    )
    button = page.get_by_test_id("receipt-print")
    expect(button).to_have_text("Stampa la ricevuta (PDF archiviato)")
    step(page, "ricevuta-da-stampare")
    # and the receipt is the archived PDF of its template: 240 tablets of lot L-A in 2
    # packs of 120, 30 days, next due today + 30
    href = f"/dispensing/dispensings/{row.pk}/receipt.pdf"
    assert button.get_attribute("href") == href
    pdf = page.request.get(urljoin(page.url, href))  # the browser's session
    assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
    document = Document.objects.get(template_code="dispensing_receipt")
    assert pdf.body() == bytes(document.content)
    receipt = document.context["receipt"]
    due = today + timedelta(days=30)
    assert (receipt["units"], receipt["days_covered"], receipt["next_due_date"]) == (
        "240", "30", f"{due:%d/%m/%Y}",
    )  # fmt: skip
    assert [(ln["lot"], ln["packs"], ln["expiry"]) for ln in receipt["lines"]] == [
        ("L-A", "2", f"{later:%d/%m/%Y}")
    ]
    assert document.context["patient"]["name"] == "ROSSI Mario"
    assert (row.kind, row.units, row.days_covered, row.next_due_date) == ("discharge", 240, 30, due)
    assert (held(desk.capecitabine, "L-A"), held(desk.capecitabine, "L-B")) == (0, 120)
    assert held(desk.capecitabine_low) == 60
    assert_stock_matches_movements()
