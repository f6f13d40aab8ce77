"""A FOLFOX-4 order through the UFA in a real browser: the pick list of the requirements
page, validation, take in charge, a wrong-drug pack refused at the hood, an
out-of-tolerance weight that blocks release, release (the vials used leave the stock,
charged to the ward's cost centre) and check-out into the patient bag."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.compounding.models import Preparation
from corsia.drugs.models import MedicinalProduct
from corsia.inventory import services as stock
from corsia.inventory.models import StockLot, StockMovement
from corsia.patients.models import Ward
from corsia.prescribing.models import TherapyOrder
from corsia.testing.browser import SCREENSHOTS, assert_accessible_basics, log_in
from corsia.testing.compounding import folfox_sent_to_pharmacy, make_preparations

pytestmark = pytest.mark.browser
OXALI_200 = "oxaliplatin_200mg_40ml_oxaliplatino"
FU_1000 = "fluorouracil_1000mg_20ml_fluorouracile"
FU_5000 = "fluorouracil_5000mg_100ml_fluorouracile"
LV_350 = "calcium_folinate_350mg_35ml_lederfolin"
OXALI_LOT_EXPIRY = date(2099, 12, 31)


def _stock_for_the_day(pharmacist: User, ward: Ward) -> None:
    """The ward's cost centre, a UFA cabinet and, through a delivery document, the lots the
    flow scans: OX2401 (oxaliplatin 200 mg) and L9 (the largest folinate and 5-FU vials)."""
    today = timezone.localdate()
    stock.cost_center_save(
        actor=pharmacist, workstation="test", code="CC-DHB", name="Day Hospital", ward=ward
    )
    cabinet = stock.location_save(
        actor=pharmacist, workstation="test", code="UFA-A", name="UFA armadio A", kind="ufa",
        pick_order=1,
    )  # fmt: skip
    shelf = stock.location_save(
        actor=pharmacist, workstation="test", code="UFA-A1", name="UFA armadio A ripiano 1",
        kind="ufa", parent=cabinet, pick_order=1,
    )  # fmt: skip
    products = MedicinalProduct.objects.in_bulk([OXALI_200, LV_350, FU_5000], field_name="code")
    stock.stock_load(
        actor=pharmacist, workstation="test", supplier="Fornitore", document_number="DDT-UFA",
        document_date=today, location=shelf, now=timezone.now(),
        lines=[
            stock.LoadLine(products[OXALI_200], "OX2401", OXALI_LOT_EXPIRY, 5, Decimal("34")),
            stock.LoadLine(products[LV_350], "L9", today + timedelta(days=90), 10, Decimal("9")),
            stock.LoadLine(products[FU_5000], "L9", today + timedelta(days=90), 10, Decimal("16")),
        ],
    )  # fmt: skip


def _units(code: str, lot: str) -> int:
    return StockLot.objects.get(product__code=code, lot=lot).quantity


def test_folfox_from_validation_to_the_patient_bag(page: Page, demo_users: str) -> None:
    # given a FOLFOX-4 order for today, confirmed and sent by the physician
    users = {u.username: u for u in User.objects.all()}
    today = timezone.localdate()
    # in a day hospital whose cost centre is CC-DHB, with the day's lots in the UFA cabinet
    ward = Ward.objects.create(code="DHB", name="Day Hospital (browser)", kind="day_hospital")
    folfox = folfox_sent_to_pharmacy(
        physician=users["medico"],
        approvers=(users["medico"], users["medico2"]),
        registrar=users["coordinatore"],
        start=today,
        ward_id=ward.pk,
    )
    order = folfox.order
    _stock_for_the_day(users["farmacista"], ward)
    # when the pharmacist logs in she lands on the UFA work plan
    log_in(page, "farmacista", demo_users)
    assert page.url.endswith("/compounding/"), page.url
    # the requirements page picks oxaliplatin 200 mg lot OX2401 for the patient's tray
    page.goto("/inventory/requirements/?days=1")
    picks = page.get_by_test_id("pick-list")
    expect(picks).to_contain_text("OX2401")
    expect(picks).to_contain_text(f"BIANCHI Carlo ({folfox.patient.mrn}) · FOLFOX-4 C1")
    assert_accessible_basics(page)
    page.goto("/compounding/")
    expect(page.get_by_label("Leggi l'etichetta di una preparazione")).to_be_focused()
    expect(page.get_by_test_id("workplan")).to_contain_text("Oxaliplatino")
    assert_accessible_basics(page)
    page.screenshot(path=str(SCREENSHOTS / "fields_workplan_filters.png"), full_page=True)
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
    page.screenshot(path=str(SCREENSHOTS / "fields_hood.png"), full_page=True)
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
    # the bag before the addition, typed (no balance at this hood) with its reason
    before = page.get_by_test_id("weigh-before-form")
    before.get_by_label("Sacca prima dell'aggiunta (g), digitata").fill("280")
    before.get_by_label("Motivo del peso digitato").fill("bilancia non collegata")
    before.get_by_role("button", name="Registra peso digitato").click()
    expect(page.get_by_test_id("bag-before")).to_contain_text("DIGITATO")
    # 30 g added against 34 mL x 1.000 = 34 g expected: recorded and blocks release
    after = page.get_by_test_id("weigh-form")
    after.get_by_label("Sacca dopo l'aggiunta (g), digitata").fill("310")
    after.get_by_label("Motivo del peso digitato").fill("bilancia non collegata")
    after.get_by_role("button", name="Registra pesata").click()
    expect(page.get_by_test_id("weighings")).to_contain_text("FUORI tolleranza")
    expect(page.get_by_test_id("release-blocked")).to_be_visible()
    expect(page.get_by_role("button", name="Rilascia")).to_have_count(0)
    # within tolerance (33.9 g added) it is weighed
    after = page.get_by_test_id("weigh-form")
    after.get_by_label("Sacca dopo l'aggiunta (g), digitata").fill("313.9")
    after.get_by_label("Motivo del peso digitato").fill("bilancia non collegata")
    after.get_by_role("button", name="Registra pesata").click()
    expect(page.get_by_test_id("prep-state")).to_have_text("Pesata")
    # and another pharmacist releases it (who prepared it cannot: independent check)
    page.get_by_role("button", name="Esci").click()
    log_in(page, "farmacista2", demo_users)
    page.goto(f"/compounding/preparations/{oxali.pk}/")
    page.get_by_role("button", name="Rilascia").click()
    expect(page.get_by_test_id("prep-state")).to_have_text("Rilasciata")
    assert_accessible_basics(page)
    # the released preparation's vial left the stock, charged to the ward's cost centre:
    # 170 mg from one 200 mg vial of OX2401, so 5 - 1 = 4 left
    assert list(oxali.vials.filter(source="new").values_list("lot", flat=True)) == ["OX2401"]
    assert _units(OXALI_200, "OX2401") == 4
    unloads = StockMovement.objects.filter(reference=f"preparation:{oxali.label_code}")
    assert [(m.kind, m.lot, m.quantity, m.cost_center.code, m.patient_id) for m in unloads] == [  # type: ignore[union-attr]  # unloads always carry a cost centre
        ("unload", "OX2401", 1, "CC-DHB", folfox.patient.pk)
    ]
    # the other three drugs of day 1 are made at another hood
    make_preparations(
        folfox, pharmacist=users["farmacista"], technician=users["tecnico"], day=today, lot="L9"
    )
    # folinate 400 mg = 2 x 350 mg; 5-FU bolus 800 mg and infusion 1200 mg = 1 x 5000 mg each
    assert (_units(LV_350, "L9"), _units(FU_5000, "L9")) == (10 - 2, 10 - 2)
    page.goto("/inventory/movements/?kind=unload&cost_center=CC-DHB")
    moves = page.get_by_test_id("movements")
    expect(moves.locator("tbody tr")).to_have_count(5)
    expect(moves.locator("tbody tr").filter(has_text="OX2401")).to_contain_text("CC-DHB")
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
