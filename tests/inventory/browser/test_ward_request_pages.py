"""A ward request in a real browser, from the request to the receipt: the nurse starts from
the cabinet's restock proposal and sends a ward-stock request; the pharmacist approves one
line and changes the other's quantity with the reason; the technician picks by scanning
the packs' GS1 DataMatrix, closes the pick, delivers and prints the delivery document (the
archived PDF of its template); the nurse receives by scanning what arrived. axe-core on
every page; the stock equals its movements at the end. Screenshots in ``test-artifacts/``."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urljoin

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.documents.models import Document
from corsia.inventory.models import StockLot, WardRequest
from corsia.inventory.services import ward_requests as wr
from corsia.patients.models import Ward, WardAssignment
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.inventory import (
    FU_GTIN,
    OXALI_GTIN,
    WardScene,
    assert_stock_matches_movements,
    gs1_pack,
)

pytestmark = pytest.mark.browser

TODAY = timezone.localdate()
OX_EXPIRY = TODAY + timedelta(days=250)
FU_EXPIRY = TODAY + timedelta(days=120)


def _as(page: Page, username: str, password: str) -> None:
    page.context.clear_cookies()
    log_in(page, username, password)


def _scan(page: Page, barcode: str) -> None:
    field = page.get_by_label("Leggi la confezione (DataMatrix GS1 o AIC)")
    expect(field).to_be_focused()  # scanner-first: the field is ready after every scan
    field.fill(barcode)
    field.press("Enter")
    page.wait_for_load_state("load")


def test_a_ward_stock_request_from_request_to_receipt(
    page: Page, demo_users: str, scene: WardScene
) -> None:
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 10)
    s.load(s.fluorouracil, "FU1", FU_EXPIRY, 30)
    nurse = User.objects.get(username="infermiere")
    WardAssignment.objects.create(
        user=nurse, ward=Ward.objects.get(code="DHONC"), assigned_by=nurse
    )
    wr.par_level_save(
        actor=s.pharmacist, workstation="t", cabinet=s.cabinet, product=s.oxaliplatin,
        par=4, reorder_point=2, now=timezone.now(),
    )  # fmt: skip

    # the nurse: from the restock proposal (par 4 − 0 on hand − 0 on its way = 4)
    _as(page, "infermiere", demo_users)
    page.goto("/inventory/requests/new/")
    assert_accessible_basics(page)
    page.get_by_role("button", name="Parti dalla proposta di reintegro dell'armadio").click()
    expect(page.locator("#product-0")).to_have_value(s.oxaliplatin.code)
    expect(page.locator("#units-0")).to_have_value("4")
    page.locator("#product-1").fill(s.fluorouracil.code)
    page.locator("#units-1").fill("20")
    page.locator(
        "label[for=urgency-urgent]"
    ).click()  # Bootstrap Italia draws the radio on the label
    expect(page.get_by_label("Urgente")).to_be_checked()
    step(page, "nurse-new-request")
    page.get_by_role("button", name="Invia alla farmacia").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Inviata")
    assert_accessible_basics(page)
    step(page, "nurse-request-sent")
    request = WardRequest.objects.get()
    _ox, fu = request.lines.order_by("position")

    # the pharmacist: the queue, then the evaluation (fluorouracil 20 → 10, with the reason)
    _as(page, "farmacista", demo_users)
    page.goto("/inventory/requests/queue/")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("queue-submitted")).to_contain_text(request.number)
    step(page, "pharmacy-queue")
    page.get_by_role("link", name=request.number).first.click()
    page.get_by_role("link", name="Valuta la richiesta").click()
    assert_accessible_basics(page)
    page.locator(f"#decision-{fu.pk}").select_option("modify")
    page.locator(f"#units-{fu.pk}").fill("10")
    page.locator(f"#reason-{fu.pk}").fill("Scorta sufficiente per una settimana")
    step(page, "pharmacist-evaluation")
    page.get_by_role("button", name="Conferma la valutazione").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Valutata")
    expect(page.get_by_test_id("request-lines")).to_contain_text("Quantità modificata")

    # the technician: the pick list, a scan refused, the packs scanned, closed, delivered
    _as(page, "tecnico", demo_users)
    page.goto(f"/inventory/requests/{request.pk}/pick/")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("pick-list")).to_contain_text("OX1")
    step(page, "technician-pick-list")
    _scan(page, gs1_pack(OXALI_GTIN, OX_EXPIRY, "NOPE"))
    expect(page.get_by_role("alert")).to_contain_text("non è in giacenza in farmacia")
    step(page, "technician-scan-refused")
    for _ in range(4):
        _scan(page, gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1"))
    _scan(page, gs1_pack(FU_GTIN, FU_EXPIRY, "FU1"))
    expect(page.get_by_test_id("pick-list")).to_contain_text("Niente da prelevare.")
    step(page, "technician-picked")
    page.get_by_role("button", name="Chiudi il prelievo").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Prelevata")
    page.get_by_role("button", name="Consegna al reparto").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Consegnata")
    request.refresh_from_db()
    # the delivery document: the archived PDF of its template, through the request's link
    link = page.get_by_role("link", name=f"Documento di consegna {request.delivery_number}")
    href = f"/inventory/requests/{request.pk}/document/"
    assert link.get_attribute("href") == href
    pdf = page.request.get(urljoin(page.url, href))  # the browser's session, redirected
    assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
    document = Document.objects.get(template_code="ward_delivery_document")
    assert pdf.body() == bytes(document.content)
    packs = document.context["delivery"]["packs"]
    assert [(p["lot"], p["aic"], p["units"]) for p in packs] == [
        ("OX1", "012345676", "4"),
        ("FU1", "", "10"),
    ]

    # the nurse receives: every pack scanned, the counts from the scans
    _as(page, "infermiere", demo_users)
    page.goto(f"/inventory/requests/{request.pk}/")
    page.get_by_role("link", name="Ricevi la consegna").click()
    assert_accessible_basics(page)
    for _ in range(4):
        _scan(page, gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1"))
    _scan(page, gs1_pack(FU_GTIN, FU_EXPIRY, "FU1"))
    expect(page.get_by_test_id("scanned-1")).to_have_text("4")
    expect(page.get_by_test_id("scanned-2")).to_have_text("10")
    step(page, "nurse-receipt-scanned")
    page.get_by_role("button", name="Conferma il ricevimento").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Ricevuta")
    step(page, "nurse-received")

    # the pharmacy's view of the ward cabinets
    _as(page, "farmacista", demo_users)
    page.goto("/inventory/ward-stock/")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("ward-stock-ARM-DH")).to_contain_text("Oxaliplatino Test")
    step(page, "ward-stock")
    assert dict(StockLot.objects.filter(location=s.cabinet).values_list("lot", "quantity")) == {
        "OX1": 4,
        "FU1": 10,
    }
    assert_stock_matches_movements()
