"""An authentication backend that only refuses: the published demo password outside demo mode."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from corsia.accounts.domain.passwords import demo_password_refused


def demo_credentials_allowed() -> bool:
    """Demo mode, and the tests (the browser tests sign in as the demo users)."""
    return bool(settings.DEMO_MODE or getattr(settings, "CORSIA_TESTING", False))


class PublishedPasswordGuard:
    """Placed before the backends that check passwords (local and directory): outside demo
    mode a sign-in with the published demo password is a failed sign-in for any account —
    it counts towards the lockout and is audited like any wrong password.

    Not a ``BaseBackend``: without ``get_user`` it is never recorded as the backend of a
    session (``force_login`` and ``login`` pick the first backend that has one)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if demo_password_refused(password, demo_mode=demo_credentials_allowed()):
            raise PermissionDenied
