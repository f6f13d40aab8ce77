"""A draft NPT order edited in a real browser: the physician opens the draft, «Modifica»
shows the new-order form filled with the draft's lines, she halves the glucose 50 % and
shortens the infusion to 20 hours, saves, and the draft's values are computed again.
axe-core checks every step (corsia.testing.browser)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.nutrition import adult_patient, drafted

pytestmark = pytest.mark.browser


def test_a_draft_edited_is_computed_again(page: Page, demo_users: str) -> None:
    # given a 50-year-old weighed an hour ago (70 kg) and the adult example's draft (1895 mL)
    patient = adult_patient(
        User.objects.get(username="coordinatore"), User.objects.get(username="infermiere")
    )
    order = drafted(User.objects.get(username="medico"), patient.pk)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "medico", demo_users)
    page.goto(f"/nutrition/orders/{order.pk}/")
    expect(page.get_by_test_id("volume")).to_have_text("1895,0 mL")
    # when she edits it: the form holds the draft's lines
    page.get_by_test_id("edit-link").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    expect(page.get_by_label("Componente 2", exact=True)).to_have_value("GLU_50")
    expect(page.get_by_label("Quantità 2", exact=True)).to_have_value("500")
    page.get_by_label("Quantità 2", exact=True).fill("250")
    page.get_by_label("Ore di infusione").fill("20")
    page.get_by_role("button", name="Salva le modifiche").focus()
    step(page, "modifica-bozza")
    page.get_by_role("button", name="Salva le modifiche").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # then the draft is computed again: 1895 − 250 mL of glucose 50 % = 1645 mL
    expect(page.get_by_test_id("state")).to_have_text("Bozza")
    expect(page.get_by_test_id("volume")).to_have_text("1645,0 mL")
    step(page, "bozza-modificata")
