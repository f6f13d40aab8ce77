"""The unit's transplants paged in a real browser (issue 27): the pager says which page of
how many, «Successiva» and «Precedente» walk the history the most recent first, every case
reachable; axe-core checks each page (corsia.testing.browser)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.testing.browser import log_in, step
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.testing.transplant import case_opened
from corsia.transplant import services
from corsia.transplant.views import case as views

pytestmark = pytest.mark.browser


def test_the_physician_walks_the_units_history_page_by_page(
    page: Page, demo_users: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given three cancelled cases taken in charge a week apart, two a page
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    physician = User.objects.get(username="medico")
    patient = patient_registered(User.objects.get(username="coordinatore"), **ANNA_BIANCHI)
    made = []
    for k in range(3):
        case = case_opened(
            physician, patient.pk, taken_in_charge_on=date(2025, 1, 6) + timedelta(weeks=k)
        )
        services.transplant_cancel(
            actor=physician, workstation=None, transplant_id=case.pk,
            expected_version=case.version, reason="Donatore non più disponibile",
        )  # fmt: skip
        made.append(case.pk)
    newest_first = made[::-1]
    # when the physician shows the whole history of the unit
    log_in(page, "medico", demo_users)
    page.goto("/transplant/?all=1")
    page.wait_for_load_state("load")
    cases = page.get_by_test_id("unit-cases")
    # then the first page holds the two most recent, and says so
    pager = page.get_by_role("navigation", name="Pagine — Trapianti")
    expect(pager).to_contain_text("Pagina 1 di 2")
    for pk in newest_first[:2]:
        expect(cases.locator(f'a[href="/transplant/cases/{pk}/"]')).to_have_count(1)
    expect(cases.locator(f'a[href="/transplant/cases/{newest_first[2]}/"]')).to_have_count(0)
    step(page, "pagina-1")
    # when the next page is asked for, the oldest is there, and the way back
    pager.get_by_role("link", name="Successiva").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("navigation", name="Pagine — Trapianti")).to_contain_text(
        "Pagina 2 di 2"
    )
    expect(
        page.get_by_test_id("unit-cases").locator(f'a[href="/transplant/cases/{newest_first[2]}/"]')
    ).to_have_count(1)
    step(page, "pagina-2")
    page.get_by_role("navigation", name="Pagine — Trapianti").get_by_role(
        "link", name="Precedente"
    ).click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("navigation", name="Pagine — Trapianti")).to_contain_text(
        "Pagina 1 di 2"
    )
