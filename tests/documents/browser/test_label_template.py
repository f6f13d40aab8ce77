"""IT staff open the UFA preparation label's template in a real browser: the preview shows
the label with the example (vinca alkaloid) data and its barcode image; an edit that drops
the barcode is refused with the Italian safety message and nothing is saved (screenshots
under test-artifacts/, axe-core on every page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.documents.models import DocumentTemplate
from corsia.testing.browser import log_in, step

pytestmark = pytest.mark.browser


def test_the_label_template_previews_and_refuses_an_edit_without_the_barcode(
    page: Page, demo_users: str
) -> None:
    log_in(page, "sistemi", demo_users)
    base = page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2]
    page.goto(base + "/documents/templates/")
    page.get_by_role("link", name="preparation_label").click()
    fields = page.get_by_test_id("template-fields")
    expect(fields.get_by_role("row").filter(has_text="barcode.image")).to_contain_text(
        "(obbligatorio)"
    )
    expect(fields.get_by_role("row").filter(has_text="label.diluent")).not_to_contain_text(
        "obbligatorio"
    )
    body = page.get_by_label("Corpo HTML (linguaggio dei modelli Django)")
    original = body.input_value()
    page.get_by_role("button", name="Anteprima nella pagina").click()
    preview = page.frame_locator("[data-testid=template-preview]")
    expect(preview.locator("body")).to_contain_text("ESEMPIO Paziente", timeout=30_000)
    expect(preview.locator("body")).to_contain_text("FATALE SE SOMMINISTRATO PER ALTRE VIE")
    src = preview.locator("img.barcode").get_attribute("src") or ""
    assert src.startswith("data:image/svg+xml;base64,")
    page.get_by_test_id("template-preview").scroll_into_view_if_needed()
    step(page, "label-preview")
    # the barcode dropped: refused with the safety message, nothing saved
    body = page.get_by_label("Corpo HTML (linguaggio dei modelli Django)")
    body.fill(original.replace('<img class="barcode" src="{{ barcode.image }}"', "<span"))
    save = page.get_by_role("button", name="Salva come nuova versione")
    # the view was left on the preview, below: brought back to the button before the click
    # (Chromium 156 sent no request for a click on a button scrolled out of view)
    save.scroll_into_view_if_needed()
    save.click()
    expect(page.get_by_test_id("template-error")).to_contain_text(
        "campi obbligatori per la sicurezza", timeout=30_000
    )
    expect(page.get_by_test_id("template-error")).to_contain_text("«barcode.image»")
    step(page, "label-refused")
    assert not DocumentTemplate.objects.filter(code="preparation_label").exists()
