from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_an_english_browser_still_gets_italian() -> None:
    response = Client(headers={"Accept-Language": "en-US,en;q=0.9"}).get("/login/")
    assert "Accesso a Corsia" in response.content.decode()


@pytest.mark.django_db
def test_the_users_choice_of_english_is_honoured() -> None:
    client = Client(headers={"Accept-Language": "it"})
    client.cookies["django_language"] = "en"
    assert "Sign in to Corsia" in client.get("/login/").content.decode()
