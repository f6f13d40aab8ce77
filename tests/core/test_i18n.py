"""Italian first, English available: the switcher, and a complete English catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.mark.django_db
def test_the_login_page_is_italian_by_default() -> None:
    page = Client().get("/login/").content.decode()
    assert '<html lang="it">' in page
    assert "Accesso a Corsia" in page


@pytest.mark.django_db
def test_switching_to_english_shows_the_english_login_page() -> None:
    # given a visitor on the login page
    client = Client()
    # when they choose English with the switcher (POST to set_language)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    # then the login page is in English
    page = client.get("/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Sign in to Corsia" in page
    assert "Username" in page
    assert "Accesso a Corsia" not in page


@pytest.mark.django_db
def test_a_wrong_password_in_english_is_explained_in_english() -> None:
    client = Client()
    client.cookies["django_language"] = "en"  # English is the user's choice (Italian first)
    page = client.post("/login/", {"username": "nobody", "password": "x"}).content.decode()
    assert "Invalid username or password." in page


def test_every_entry_of_the_english_catalogue_is_translated() -> None:
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    untranslated = [
        e
        for e in entries
        if re.search(r'^msgstr(\[\d\])? ""$', e, re.M)
        and not re.search(r'^"', e.split("msgstr")[-1], re.M)
    ]
    assert untranslated == []
    assert "#, fuzzy" not in text
