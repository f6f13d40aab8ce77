"""A FOLFOX-4 order through the UFA in a real browser: validation, take in charge, a
wrong-drug pack refused at the hood, an out-of-tolerance weight that blocks release,
release and check-out into the patient bag."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.compounding.models import Preparation
from corsia.compounding.tests.flow import folfox_sent_to_pharmacy, make_preparations
from corsia.core.tests.browser_fixtures import assert_accessible_basics, log_in
from corsia.prescribing.models import TherapyOrder

pytestmark = pytest.mark.browser
OXALI_200 = "oxaliplatin_200mg_40ml_oxaliplatino"
FU_1000 = "fluorouracil_1000mg_20ml_fluorouracile"


def test_folfox_from_validation_to_the_patient_bag(page: Page, demo_users: str) -> None:
    # given a FOLFOX-4 order for today, confirmed and sent by the physician
    users = {u.username: u for u in User.objects.all()}
    today = timezone.localdate()
    folfox = folfox_sent_to_pharmacy(
        physician=users["medico"],
        approvers=(users["medico"], users["medico2"]),
        registrar=users["coordinatore"],
        start=today,
    )
    order = folfox.order
    # when the pharmacist logs in she lands on the UFA work plan
    log_in(page, "farmacista", demo_users)
    assert page.url.endswith("/compounding/"), page.url
    expect(page.get_by_label("Leggi l'etichetta di una preparazione")).to_be_focused()
    expect(page.get_by_test_id("workplan")).to_contain_text("Oxaliplatino")
    assert_accessible_basics(page)
    # she validates the whole order and takes it in charge
    page.get_by_test_id("workplan").get_by_role("link", name="FOLFOX-4 C1").first.click()
    page.get_by_role("button", name="Valida tutta la prescrizione").click()
    expect(page.get_by_test_id("order-state")).to_have_text("Validata")
    page.get_by_role("button", name="Prendi in carico").click()
    expect(page.get_by_test_id("order-state")).to_have_text("Presa in carico")
    assert_accessible_basics(page)
    oxali = Preparation.objects.get(order=order, order_item__ingredient__code="oxaliplatin")
    page.get_by_test_id("order-preparations").get_by_role("link", name=oxali.label_code).click()
    # at the hood: a fluorouracil pack for the oxaliplatin preparation is refused
    barcode = page.get_by_label("Leggi il flacone (AIC o DataMatrix)")
    expect(barcode).to_be_focused()
    page.get_by_label("Lotto").fill("FU77")
    page.get_by_label("Scadenza", exact=True).fill("2099-12-31")
    barcode.fill(f"A{folfox.aic[FU_1000]}")
    barcode.press("Enter")
    expect(
        page.get_by_text(
            "Flacone di un altro principio attivo: atteso Oxaliplatino, letto Fluorouracile."
        )
    ).to_be_visible()
    expect(page.get_by_test_id("prep-state")).to_have_text("Validata")
    # the right pack is accepted with its lot and expiry
    page.get_by_label("Lotto").fill("OX2401")
    page.get_by_label("Scadenza", exact=True).fill("2099-12-31")
    barcode = page.get_by_label("Leggi il flacone (AIC o DataMatrix)")
    barcode.fill(f"A{folfox.aic[OXALI_200]}")
    barcode.press("Enter")
    expect(page.get_by_test_id("prep-state")).to_have_text("In allestimento")
    expect(page.get_by_test_id("vials")).to_contain_text("OX2401")
    # a weight out of tolerance (280 g against 318.25 g) is recorded and blocks release
    page.get_by_label("Tara della sacca vuota (g)").fill("30")
    page.get_by_label("Peso finale (g)").fill("280")
    page.get_by_role("button", name="Registra pesata").click()
    expect(page.get_by_test_id("weighings")).to_contain_text("FUORI tolleranza")
    expect(page.get_by_test_id("release-blocked")).to_be_visible()
    expect(page.get_by_role("button", name="Rilascia")).to_have_count(0)
    # within tolerance it can be released
    page.get_by_label("Tara della sacca vuota (g)").fill("30")
    page.get_by_label("Peso finale (g)").fill("318")
    page.get_by_role("button", name="Registra pesata").click()
    expect(page.get_by_test_id("prep-state")).to_have_text("Pesata")
    page.get_by_role("button", name="Rilascia").click()
    expect(page.get_by_test_id("prep-state")).to_have_text("Rilasciata")
    assert_accessible_basics(page)
    # the other three drugs of day 1 are made at another hood
    make_preparations(
        folfox, pharmacist=users["farmacista"], technician=users["tecnico"], day=today
    )
    # check-out: the four labels scanned into the patient bag
    codes = list(
        Preparation.objects.filter(order=order, scheduled_date=today).values_list(
            "label_code", flat=True
        )
    )
    page.goto(f"/compounding/orders/{order.pk}/checkout/?day={today:%Y-%m-%d}")
    labels = page.get_by_label(
        "Leggi le etichette delle preparazioni messe nel sacchetto (una per riga)"
    )
    labels.fill("\n".join(str(c) for c in codes[:-1]))
    page.get_by_label("Documento di consegna").fill("DDT-42")
    page.get_by_role("button", name="Chiudi il sacchetto e consegna").click()
    expect(page.get_by_text("Sacchetto incompleto: mancano")).to_be_visible()
    labels = page.get_by_label(
        "Leggi le etichette delle preparazioni messe nel sacchetto (una per riga)"
    )
    labels.fill("\n".join(str(c) for c in codes))
    page.get_by_label("Documento di consegna").fill("DDT-42")
    page.get_by_role("button", name="Chiudi il sacchetto e consegna").click()
    expect(page.get_by_test_id("checkout-done")).to_be_visible()
    assert_accessible_basics(page)
    assert TherapyOrder.objects.get(pk=order.pk).state == "delivered"
