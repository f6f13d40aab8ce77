"""Error pages in Italian, with an explanation and a way back."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.views import defaults

from corsia.accounts.domain.roles import Role
from corsia.testing.accounts import MakeUser, logged_in


def test_unknown_page_is_a_404_in_italian_with_a_way_back(make_user: MakeUser) -> None:
    client = logged_in(make_user(Role.NURSE))
    response = client.get("/nessuna-pagina/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1" in page and "Pagina non trovata" in page
    assert 'href="/"' in page
    assert '<html lang="it">' in page


def test_a_denied_page_is_a_403_in_italian(make_user: MakeUser) -> None:
    client = logged_in(make_user(Role.NURSE))
    response = client.get("/accounts/users/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Accesso non consentito" in page
    assert "Torna alla pagina iniziale" in page


@pytest.mark.django_db
def test_server_error_page_renders_without_a_request_context() -> None:
    response = defaults.server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Si è verificato un errore del sistema" in page
    assert "non è stato salvato" in page


@pytest.mark.django_db
def test_csrf_failure_explains_in_italian() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Il modulo non è più valido" in page
    assert "cookie" in page
