"""Italian first, English available: the switcher, and a complete English catalogue."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
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


def test_every_string_the_code_marks_for_translation_is_in_the_catalogue(tmp_path: Path) -> None:
    """``makemessages`` run on a copy of the code adds no entry: a string marked in a template,
    a model or a view but missing from ``django.po`` would show in Italian to an English
    user (it would come out untranslated or "fuzzy", a guess from a similar string)."""
    base = Path(settings.BASE_DIR)
    # what ``make messages`` reads: the repository without the environment and the build
    skip = {".git", ".venv", "node_modules", "var", "test-artifacts"}
    for item in base.iterdir():
        if item.name in skip:
            continue
        if item.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.mo")
            shutil.copytree(item, tmp_path / item.name, ignore=ignore)
        else:
            shutil.copy(item, tmp_path / item.name)
    env = {**os.environ, "CORSIA_TESTING": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    missing = [
        e
        for e in entries
        if "#, fuzzy" in e
        or (
            re.search(r'^msgstr(\[\d\])? ""$', e, re.M)
            and not re.search(r'^"', e.split("msgstr")[-1], re.M)
        )
    ]
    assert missing == [], "\n\n".join(missing[:20])
