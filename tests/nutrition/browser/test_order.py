"""A saved parenteral nutrition order in a real browser: the physician drafts an adult's
bag on the chart's weight, signs it with a reason for its warning; the pharmacist
validates it and finds it on the day's work plan with its compounding sheet (phosphate
before calcium, lipids last) and its label. axe-core checks every step."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.nutrition.models import NutritionOrder
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.nutrition import adult_patient

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
