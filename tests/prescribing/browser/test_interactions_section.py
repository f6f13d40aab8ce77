"""The physician sees, on the patient's page, the interactions across all their current
therapies (H59), and goes past the order's major one from the order page: capecitabine
(chemotherapy) with warfarin (ward)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.drugs.models import ActiveIngredient, Interaction
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.interactions import chemo_order, ward_prescribed

pytestmark = pytest.mark.browser


def test_the_patient_page_lists_the_interactions_and_the_order_acknowledges_them(
    page: Page, demo_users: str
) -> None:
    medico = User.objects.get(username="medico")
    demo = {"physician": "medico2", "coordinator": "coordinatore"}
    order = chemo_order(
        lambda role: User.objects.get(username=demo[role.value]), medico, "CAPE-MBC"
    )
    ActiveIngredient.objects.filter(code="capecitabine").update(name_it="Capecitabina")
    warfarin, _ = ActiveIngredient.objects.get_or_create(
        code="warfarin",
        defaults={"name_en": "warfarin", "name_it": "Warfarin", "atc_code": "B01AA03"},
    )
    Interaction.objects.create(
        ingredient_a=ActiveIngredient.objects.get(code="capecitabine"),
        ingredient_b=warfarin,
        severity="major",
        effect="Aumento dell'INR e sanguinamenti, anche fatali.",
        management="Monitorare INR frequentemente e adeguare la dose dell'anticoagulante.",
        source="RCP Xeloda, sez. 4.4/4.5",
    )
    ward_prescribed(medico, order.patient, "warfarin", acknowledged=True)

    log_in(page, "medico", demo_users)
    page.goto(f"/prescribing/patient/{order.patient_id}/")
    section = page.get_by_test_id("patient-interactions")
    expect(section).to_contain_text("Interazioni tra le terapie in corso")
    expect(section).to_contain_text("Capecitabina")
    expect(section).to_contain_text("Warfarin")
    expect(section).to_contain_text("Terapia di reparto")
    expect(section).to_contain_text("Grave")
    assert_accessible_basics(page)
    section.scroll_into_view_if_needed()
    step(page, "patient-interactions")

    page.goto(f"/prescribing/orders/{order.pk}/")
    pending = page.get_by_test_id("interactions-pending")
    expect(pending).to_contain_text("Monitorare INR")
    step(page, "order-pending")
    pending.locator("label[for=ix-ack]").click()  # the design kit draws the box on the label
    pending.get_by_role("button", name="Registra la presa visione").click()
    expect(page.get_by_test_id("interactions-pending")).to_have_count(0)
    order.refresh_from_db()
    assert [a["by_id"] for a in order.interaction_acknowledgements] == [medico.pk]
