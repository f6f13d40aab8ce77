"""The shared layout in a real browser: each demo user reaches their worklist, the
login page speaks Italian and English, the fonts and styles of Bootstrap Italia load
from our own server."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Page, expect

from corsia.accounts.domain.roles import ROLE_LANDING
from corsia.demo.users import DEMO_USERS
from corsia.testing.browser import SCREENSHOTS, assert_accessible_basics, log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("username", "full_name", "role"),
    [(u, f"{first} {last}", role) for u, first, last, role in DEMO_USERS],
    ids=[u for u, *_ in DEMO_USERS],
)
def test_demo_user_logs_in_and_reaches_their_worklist(
    page: Page, demo_users: str, username: str, full_name: str, role: object
) -> None:
    # given the worklist of the user's role
    landing_name = ROLE_LANDING[role]  # type: ignore[index]  # role is a Role (parametrised)
    try:
        landing = reverse(landing_name)
    except NoReverseMatch:
        pytest.skip(f"landing page {landing_name} not merged yet")
    # when the demo user logs in
    log_in(page, username, demo_users)
    # then they land on their worklist, named in the header, with a usable page
    assert page.url.endswith(landing), page.url
    expect(page.get_by_test_id("current-user")).to_have_text(full_name)
    assert_accessible_basics(page)


def test_login_page_switches_to_english(page: Page, demo_users: str) -> None:
    # given the login page, in Italian by default
    page.goto("/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accesso a Corsia")
    # when the visitor chooses English in the language switcher
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("load")
    # then the login page is in English
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Corsia")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert_accessible_basics(page, lang="en")


def test_wrong_password_shows_the_italian_error(page: Page, demo_users: str) -> None:
    # given a demo user
    # when they type a wrong password
    log_in(page, "medico", "not-the-password")
    # then the login page explains it in Italian, and they stay there
    expect(page.get_by_role("alert")).to_have_text("Nome utente o password non validi.")
    assert page.url.endswith("/login/")
    # with the username kept and the cursor on the password
    expect(page.get_by_label("Nome utente")).to_have_value("medico")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    assert_accessible_basics(page)


def test_titillium_web_is_loaded_from_our_server(page: Page, demo_users: str) -> None:
    # given the login page
    page.goto("/login/")
    page.evaluate("document.fonts.ready")
    # then the body is set in Titillium Web, and the font face really loaded
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.startswith('"Titillium Web"'), family
    assert page.evaluate("document.fonts.check('16px \"Titillium Web\"')") is True
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.includes('Titillium') && f.status === 'loaded')"
        ".map(f => f.weight)"
    )
    assert "400" in loaded, loaded
    # and Bootstrap Italia's stylesheet applies (its primary colour on the button)
    colour = page.get_by_role("button", name="Entra").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert colour == "rgb(0, 102, 204)", colour


def test_it_staff_creates_a_user_through_the_pages(page: Page, demo_users: str) -> None:
    # given IT staff on their user list
    log_in(page, "sistemi", demo_users)
    page.get_by_role("link", name="Nuovo utente").click()
    page.wait_for_url("**/accounts/users/new/")
    assert_accessible_basics(page)
    # when they fill in the form with a role and submit
    page.get_by_role("textbox", name="Nome utente", exact=True).fill("m.verdi")
    page.get_by_role("textbox", name="Nome", exact=True).fill("Mario")
    page.get_by_role("textbox", name="Cognome", exact=True).fill("Verdi")
    # (Bootstrap Italia draws the checkbox on its label: people click the label)
    page.get_by_text("Infermiere", exact=True).click()
    expect(page.get_by_label("Infermiere")).to_be_checked()
    page.get_by_label("Motivo dei ruoli").fill("nuova assunzione")
    page.get_by_label("Password iniziale").fill("Infermiere-2024-xy")
    page.get_by_role("button", name="Crea utente").click()
    page.wait_for_url("**/accounts/users/*/")
    # then the new user's page confirms it, with the role waiting for a second approval
    expect(page.get_by_role("status")).to_have_text("Utente «m.verdi» creato.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mario Verdi")
    expect(page.get_by_test_id("pending-roles")).to_contain_text("Infermiere")
    assert_accessible_basics(page)


def test_api_docs_page_works_under_the_content_security_policy(page: Page, demo_users: str) -> None:
    # given a signed-in user
    log_in(page, "farmacista", demo_users)
    # when they open the API documentation
    page.goto("/api/v1/docs")
    # then Swagger UI draws the operations from our own files (nothing blocked)
    expect(page.get_by_text("/api/v1/auth/token").first).to_be_visible()


def test_the_menu_opens_with_the_toggler_on_a_phone(page: Page, demo_users: str) -> None:
    # given IT staff on a phone-sized screen
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "sistemi", demo_users)
    menu = page.get_by_role("navigation", name="Navigazione principale")
    expect(menu.get_by_role("link", name="Postazioni")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / "phone_menu_closed.png"))
    # when they open the menu
    toggler = page.get_by_role("button", name="Mostra o nascondi il menu")
    toggler.click()
    # then the items are reachable
    expect(menu.get_by_role("link", name="Postazioni")).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    page.wait_for_timeout(500)  # let the slide-in finish before the screenshot
