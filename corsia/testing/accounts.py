"""Types of the project's factory fixtures (conftest.py), for annotating tests."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from corsia.accounts.models import User

MakeUser = Callable[..., User]


def session_client(user: User) -> Client:
    """A browser session signed in as ``user`` (the pages)."""
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User) -> Client:
    """A client carrying a fresh API token of ``user`` (the API)."""
    from corsia.accounts.services import token_issue

    key, _ = token_issue(user=user)
    return Client(headers={"Authorization": f"Bearer {key}"})
