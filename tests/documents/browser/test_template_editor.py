"""IT staff edit the therapy sheet's print template in a real browser: the documented
fields, a refused template (its message, nothing saved), the preview in the page, the
save as a new version; the next sheet printed records that version and the archive's
search finds it (screenshots under test-artifacts/, axe-core on every page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.documents.models import DocumentTemplate
from corsia.documents.services import document_create
from corsia.testing.browser import log_in, step
from corsia.testing.documents import sheet
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.browser

MARK = "Modulo aziendale MOD-ONC-07"


def test_it_staff_edit_preview_and_save_a_template_the_next_print_uses(
    page: Page, demo_users: str
) -> None:
    log_in(page, "sistemi", demo_users)
    base = page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2]
    page.goto(base + "/documents/templates/")
    page.get_by_role("link", name="therapy_sheet").click()
    expect(page.get_by_test_id("template-fields")).to_contain_text("patient.mrn")
    body = page.get_by_label("Corpo HTML (linguaggio dei modelli Django)")
    original = body.input_value()
    # a field the sheet does not have is refused, naming it, and nothing is saved
    body.fill(original.replace("<h1>{{ title }}</h1>", "<h1>{{ patient.codice_fiscale }}</h1>"))
    page.get_by_role("button", name="Anteprima nella pagina").click()
    expect(page.get_by_test_id("template-error")).to_contain_text("«patient.codice_fiscale»")
    step(page, "template-refused")
    # the edit previewed in the page with the example data
    body = page.get_by_label("Corpo HTML (linguaggio dei modelli Django)")
    body.fill(original.replace("<h1>{{ title }}</h1>", f"<h1>{{{{ title }}}}</h1><p>{MARK}</p>"))
    page.get_by_role("button", name="Anteprima nella pagina").click()
    preview = page.frame_locator("[data-testid=template-preview]")
    expect(preview.locator("body")).to_contain_text(MARK)
    expect(preview.locator("body")).to_contain_text("ESEMPIO Paziente")
    page.get_by_test_id("template-preview").scroll_into_view_if_needed()
    step(page, "template-preview")
    # saved as version 2 (the shipped file is version 1)
    page.get_by_role("button", name="Salva come nuova versione").click()
    expect(page.get_by_text("Salvata la versione 2 del modello.")).to_be_visible()
    expect(page.get_by_test_id("template-versions")).to_contain_text("v2")
    expect(page.get_by_test_id("template-versions")).to_contain_text("di serie (Corsia)")
    step(page, "template-saved")
    saved = DocumentTemplate.objects.get(code="therapy_sheet", version=2)
    assert MARK in saved.body
    # the next therapy sheet printed uses version 2
    physician = User.objects.get(username="medico")
    patient = patient_registered(User.objects.get(username="coordinatore"))
    document = document_create(
        actor=physician,
        workstation=None,
        kind="therapy_sheet",
        title="Foglio di terapia",
        patient=patient,
        template_code="therapy_sheet",
        context=sheet(),
        source=None,
        sign=False,
        reason="",
    )
    assert (document.template_code, document.template_version) == ("therapy_sheet", 2)
    # and the physician finds it in the archive's search by template, with the version
    page.context.clear_cookies()
    log_in(page, "medico", demo_users)
    page.goto(base + "/documents/")
    page.get_by_label("Modello").select_option("therapy_sheet")
    page.get_by_role("button", name="Cerca").click()
    expect(page.get_by_test_id("document-list")).to_contain_text("therapy_sheet v2")
    step(page, "archive-search")
