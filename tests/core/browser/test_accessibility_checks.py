"""The browser tests' own checks catch what they claim to: axe-core reports a WCAG
violation with its rule, selectors and help page; ``step`` writes the test's screenshots;
``ActionCounter`` counts actions and page loads."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.testing.browser import ActionCounter, BrowserLog, step

pytestmark = pytest.mark.browser


def test_axe_reports_an_unlabelled_field_with_its_rule_and_help_page(
    page: Page, browser_log: BrowserLog, demo_users: str
) -> None:
    # given the login page, checked on load and clean
    page.goto("/login/")
    page.wait_for_load_state("load")
    assert browser_log.inaccessible == []
    # when a field without a label appears (as an htmx answer could add one)
    page.evaluate(
        "() => { const i = document.createElement('input'); i.type = 'text'; i.id = 'nameless';"
        " document.querySelector('main').append(i); }"
    )
    shot = step(page, "campo senza etichetta")
    # then the step's axe run reports it, with the element and the rule's help page
    assert shot.name == "01-campo-senza-etichetta.png" and shot.exists()
    assert any(
        "/login/: label (critical)" in line
        and "#nameless" in line
        and "https://dequeuniversity.com/rules/axe/" in line
        for line in browser_log.inaccessible
    ), browser_log.inaccessible
    # (removed again, so that the fixture's own checks pass)
    page.evaluate("() => document.getElementById('nameless').remove()")
    browser_log.inaccessible.clear()


def test_action_counter_counts_actions_and_page_loads(page: Page, demo_users: str) -> None:
    # given the login page
    page.goto("/login/")
    walk = ActionCounter(page)
    # when the user types two fields and clicks once (one page load)
    walk.type(page.get_by_label("Nome utente"), "medico", "nome utente")
    walk.type(page.get_by_label("Password", exact=True), demo_users, "password")
    walk.click(page.get_by_role("button", name="Entra"), "entra")
    # then three actions and one load are counted, and a budget below fails
    assert walk.actions == ["nome utente", "password", "entra"]
    assert walk.loads >= 1
    walk.assert_within(actions=3, loads=2)
    with pytest.raises(AssertionError, match="3 actions, budget 2"):
        walk.assert_within(actions=2, loads=2)


def test_aiuto_opens_the_page_s_own_help_in_italian(page: Page, demo_users: str) -> None:
    # given the login page
    page.goto("/login/")
    help_text = page.get_by_role("note", name="Aiuto su questa pagina")
    expect(help_text).to_be_hidden()
    # when the visitor opens «Aiuto» in the header
    page.get_by_test_id("help").get_by_text("Aiuto").click()
    # then the login page's own text shows (and axe checks the page with it open)
    expect(help_text).to_be_visible()
    expect(help_text).to_contain_text("Entra con il nome utente e la password aziendali.")
    step(page, "aiuto aperto")
