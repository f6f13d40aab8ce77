"""The nurse's main job walked in a real browser and counted against its budget
(README.md, "Budgets"): from the worklist to the first drug running at the bedside,
the scans typed as a keyboard-wedge scanner does."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.administration.models import Administration
from corsia.testing.administration import Folfox, wedge
from corsia.testing.browser import ActionCounter, log_in

pytestmark = pytest.mark.browser


def test_nurse_from_the_worklist_to_the_first_drug_running_in_four_actions(
    page: Page, transactional_db: None, folfox: Folfox
) -> None:
    # given FOLFOX-4 day 1 ready; the nurse signs in and lands on the worklist
    log_in(page, folfox.nurse.username, "Pw-test-12345")
    assert page.url.endswith("/administration/"), page.url
    walk = ActionCounter(page)
    # when they open the bedside scan and scan wristband, badge and the first drug
    walk.click(page.get_by_role("link", name="Somministra (scansione)"), "al letto")
    for code, what in (
        (folfox.wristband, "braccialetto"),
        ("BADGE-0042", "badge"),
        (folfox.label("ondansetron"), "farmaco"),
    ):
        wedge(page, code)
        walk.did(what)
    # then the drug is running, within the budget
    expect(page.get_by_test_id("bedside-result")).to_have_attribute("data-outcome", "ok")
    assert Administration.objects.get().state == "started"
    walk.assert_within(actions=4, loads=4)
