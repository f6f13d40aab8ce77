"""The pharmacy's list of prescriptions under AIFA monitoring in a real browser: a signed
bevacizumab order for ovarian cancer (registry "Avastin - carcinoma ovarico", request
RA-2026-0042) and a confirmed daratumumab + lenalidomide order for myeloma whose requests
are still missing; the drug filter; the pharmacist records the "scheda di dispensazione"
entered in the registry. axe-core checks the page (corsia.testing.browser)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.prescribing import services
from corsia.prescribing.models_regulatory import OrderRegulatoryRequirement
from corsia.prescribing.services.regulatory import regulatory_document
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.prescribing import diagnosed_order, library_version

pytestmark = pytest.mark.browser


def test_the_pharmacy_lists_the_monitored_prescriptions_and_records_the_dispensing(
    page: Page, demo_users: str
) -> None:
    # given a signed bevacizumab order (ovary) and a confirmed DARA-RD order (myeloma)
    users = {u.username: u for u in User.objects.all()}
    medico, coordinatore = users["medico"], users["coordinatore"]
    today = timezone.localdate()
    bev = library_version("FOLFOX-4-BEV", approvers=(users["medico"], users["medico2"]))
    dara = library_version("DARA-RD", approvers=(users["medico"], users["medico2"]))
    ovary = diagnosed_order(
        bev, physician=medico, registrar=coordinatore, diagnosis_code="183.0", start=today,
        surname="Rossi",
    )  # fmt: skip
    requirement = OrderRegulatoryRequirement.objects.get(order=ovary)
    regulatory_document(
        actor=medico, workstation=None, requirement_id=requirement.pk,
        values={"request_number": "RA-2026-0042", "request_date": date.fromordinal(today.toordinal() - 2)},
    )  # fmt: skip
    services.order_confirm_and_sign(actor=medico, workstation=None, order_id=ovary.pk)
    diagnosed_order(
        dara, physician=medico, registrar=coordinatore, diagnosis_code="203.00", start=today,
        events=("confirm",), surname="Verdi",
    )  # fmt: skip

    # when the pharmacist opens the list
    log_in(page, "farmacista", demo_users)
    page.goto("/prescribing/pharmacy/aifa/")
    table = page.get_by_test_id("aifa-monitoring")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("Avastin - carcinoma ovarico")
    expect(table).to_contain_text("RA-2026-0042")
    expect(table).to_contain_text("Darzalex - mieloma multiplo")
    expect(table.get_by_text("mancante")).to_have_count(2)
    assert_accessible_basics(page)
    step(page, "elenco-registri")

    # the drug filter keeps bevacizumab only
    page.get_by_label("Farmaco", exact=True).select_option("bevacizumab")
    page.get_by_role("button", name="Mostra").click()
    expect(table.locator("tbody tr")).to_have_count(1)

    # and the dispensing entered in the registry is recorded, with who and when
    page.get_by_role(
        "button", name=re.compile("Dispensazione registrata nel registro AIFA — bevacizumab", re.I)
    ).click()
    expect(page.get_by_text("Dispensazione registrata nel registro AIFA.")).to_be_visible()
    expect(table).to_contain_text("registrata")
    expect(table).to_contain_text("farmacista")
    assert_accessible_basics(page)
    step(page, "dispensazione-registrata")
    requirement.refresh_from_db()
    assert requirement.dispensing_recorded_by == users["farmacista"]
