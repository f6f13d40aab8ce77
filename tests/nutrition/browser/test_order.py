"""A saved parenteral nutrition order in a real browser: the physician drafts an adult's
bag on the chart's weight, signs it with a reason for its warning; the pharmacist
validates it and finds it on the day's work plan with its compounding sheet (phosphate
before calcium, lipids last) and its label with its barcode; she weighs the bag (a wrong
weight refused and kept, the right one compounds it) and checks it out by its label; the
nurse starts it at the bedside after scanning the wristband and the label. axe-core checks
every step."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.nutrition.models import NutritionOrder
from corsia.patients.domain.wristband import wristband_payload
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.nutrition import TARE_G, adult_patient, exact_gross_g

pytestmark = pytest.mark.browser


def _component(page: Page, row: int, code: str, amount: str, unit: str) -> None:
    page.get_by_label(f"Componente {row}", exact=True).select_option(code)
    page.get_by_label(f"Quantità {row}", exact=True).fill(amount)
    page.get_by_label(f"Unità {row}", exact=True).select_option(unit)


def test_order_sign_validate_and_work_plan(page: Page, demo_users: str) -> None:
    # given a 50-year-old weighed an hour ago (70 kg)
    patient = adult_patient(
        User.objects.get(username="coordinatore"), User.objects.get(username="infermiere")
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "medico", demo_users)
    # when the physician drafts a bag by needs
    page.goto(f"/nutrition/patients/{patient.pk}/")
    assert_accessible_basics(page)
    _component(page, 1, "AA_AMINOVEN_10", "1000", "mL")
    _component(page, 2, "GLU_50", "500", "mL")
    _component(page, 3, "LIP_SMOFLIPID_20", "250", "mL")
    _component(page, 4, "P_GLYCOPHOS", "15", "mmol")
    _component(page, 5, "CA_GLUC_10", "4,5", "mmol")
    _component(page, 6, "VIT_SOLUVIT_N", "1", "unit")
    page.get_by_role("button", name="Salva la bozza").focus()
    step(page, "bozza")
    page.get_by_role("button", name="Salva la bozza").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("state")).to_have_text("Bozza")
    expect(page.get_by_test_id("finding-osmolarity_not_labelled")).to_be_visible()
    step(page, "ordine-bozza")
    # and signs it, stating why the warning does not stop it
    page.get_by_label("Motivo per procedere nonostante gli avvisi").fill(
        "Soluvit senza osmolarità in etichetta: contributo trascurabile"
    )
    page.get_by_role("button", name="Firma").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("state")).to_have_text("Firmata")
    order = NutritionOrder.objects.get()
    # then the pharmacist validates it
    page.context.clear_cookies()
    log_in(page, "farmacista", demo_users)
    page.goto(f"/nutrition/orders/{order.pk}/")
    assert_accessible_basics(page)
    page.get_by_test_id("validate-form").get_by_role("button", name="Valida").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("state")).to_have_text("Validata")
    step(page, "ordine-validato")
    # and finds it on the day's work plan, with its sheet and its label
    page.goto("/nutrition/work-plan/")
    assert_accessible_basics(page)
    entry = page.get_by_test_id("plan-entry")
    expect(entry).to_contain_text(f"NPT-{order.pk}")
    sheet = entry.get_by_test_id(f"sequence-{order.pk}").inner_text()
    assert sheet.index("Glycophos") < sheet.index("Calcio gluconato") < sheet.index("SMOFlipid")
    expect(entry.get_by_test_id("rate")).to_contain_text("mL/h")
    step(page, "piano-di-lavoro")
    expect(entry.get_by_test_id("label-barcode")).to_be_visible()
    # when she weighs the bag too light, the weighing is refused and kept
    page.goto(f"/nutrition/orders/{order.pk}/")
    form = page.get_by_test_id("prepare-form")
    form.get_by_label("Peso lordo della sacca piena (g)").fill("1500")
    form.get_by_label("Tara della sacca vuota (g)").fill(str(TARE_G))
    form.get_by_role("button", name="Registra pesata e allestimento").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("refusal")).to_contain_text("gravimetric_out_of_tolerance")
    expect(page.get_by_test_id("weighings")).to_contain_text("FUORI tolleranza")
    assert_accessible_basics(page)
    step(page, "pesata-fuori-tolleranza")
    # and weighed right, the bag is compounded
    gross = str(exact_gross_g(order)).replace(".", ",")
    form = page.get_by_test_id("prepare-form")
    form.get_by_label("Peso lordo della sacca piena (g)").fill(gross)
    form.get_by_label("Tara della sacca vuota (g)").fill(str(TARE_G))
    form.get_by_role("button", name="Registra pesata e allestimento").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("state")).to_have_text("Allestita")
    # and checked out from the work plan by scanning its label
    page.goto("/nutrition/work-plan/")
    page.get_by_label("Consegna al reparto: scansiona l'etichetta della sacca").fill(
        f"NPT-{order.pk}"
    )
    page.get_by_test_id("check-out-form").get_by_role("button", name="Consegna").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("plan-entry")).to_contain_text("consegnata al reparto")
    # then the nurse starts it at the bedside after the two scans
    page.context.clear_cookies()
    log_in(page, "infermiere", demo_users)
    page.goto(f"/nutrition/patients/{patient.pk}/bedside/")
    assert_accessible_basics(page)
    page.get_by_label("Braccialetto del paziente").fill(wristband_payload(patient.mrn))
    page.get_by_label("Etichetta della sacca").fill("NPT-999999")
    page.get_by_label("Velocità (mL/h)").fill("74,8")  # the label's rate (the pump is checked)
    page.get_by_role("button", name="Avvia l'infusione").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("refusal")).to_contain_text("bag_unknown")
    assert_accessible_basics(page)
    step(page, "al-letto-rifiutato")
    page.get_by_label("Etichetta della sacca").fill(f"NPT-{order.pk}")
    page.get_by_role("button", name="Avvia l'infusione").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("state")).to_have_text("Somministrata")
    expect(page.get_by_test_id("administered")).to_contain_text("74,8 mL/h")
    step(page, "avviata-al-letto")
