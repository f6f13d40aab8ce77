"""The parenteral nutrition calculator in a real browser: the physician computes a preterm
neonate's bag by needs per kg, sees the values with their formulas, then switches to a
peripheral route with a concentrated glucose and sees the block. axe-core checks every
step (corsia.testing.browser)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.testing.browser import assert_accessible_basics, log_in, step

pytestmark = pytest.mark.browser


def _component(page: Page, row: int, code: str, amount: str, unit: str) -> None:
    page.get_by_label(f"Componente {row}", exact=True).select_option(code)
    page.get_by_label(f"Quantità {row}", exact=True).fill(amount)
    page.get_by_label(f"Unità {row}", exact=True).select_option(unit)


def test_a_neonatal_bag_then_a_blocked_peripheral_one(page: Page, demo_users: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "medico", demo_users)
    page.goto("/nutrition/")
    assert_accessible_basics(page)
    # a 1 kg preterm neonate, 3 days old, central route
    page.get_by_label("Peso (kg)").fill("1")
    page.get_by_label("Età").fill("3")
    page.get_by_label("in", exact=True).select_option("days")
    page.locator("label[for=preterm]").click()
    _component(page, 1, "AA_PRIMENE_10", "3", "g/kg")
    _component(page, 2, "GLU_20", "11,52", "g/kg")
    _component(page, 3, "LIP_SMOFLIPID_20", "3", "g/kg")
    _component(page, 4, "P_GLYCOPHOS", "1,5", "mmol/kg")
    _component(page, 5, "CA_GLUC_10", "3", "mEq/kg")
    page.get_by_role("button", name="Calcola").focus()  # the filled field left, as a user tabs on
    step(page, "neonato")
    page.get_by_role("button", name="Calcola").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # GIR 11 520 mg / 1 kg / 1440 min = 8 mg/kg/min; volume 30 + 57.6 + 15 + 1.5 + 6.67
    expect(page.get_by_test_id("gir")).to_have_text("8,00 mg/kg/min")
    expect(page.get_by_test_id("volume")).to_have_text("110,8 mL")
    expect(page.get_by_test_id("ca-p")).to_contain_text("compatibile")
    expect(page.get_by_test_id("result")).to_contain_text("Neonato pretermine")
    step(page, "neonato-risultato")
    # the same bag on a peripheral vein with 20 mL of glucose 50% instead of water
    page.get_by_label("Via").select_option("peripheral")
    _component(page, 6, "GLU_50", "20", "mL")
    page.get_by_role("button", name="Calcola").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("blocked")).to_be_visible()
    expect(page.get_by_test_id("finding-peripheral_osmolarity_exceeded")).to_be_visible()
    step(page, "periferica-bloccata")
