"""What a locked account sees (django-axes' AXES_LOCKOUT_CALLABLE)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from corsia.core.problems import problem_response

LOCKED_STATUS = 429


def _minutes() -> int:
    return round(float(settings.AXES_COOLOFF_TIME) * 60)


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    minutes = _minutes()
    if request.path.startswith("/api/"):
        return problem_response(
            request,
            status=LOCKED_STATUS,
            code="account_locked",
            detail=(
                "Account bloccato per troppi tentativi di accesso non riusciti: "
                f"riprova tra {minutes} minuti o rivolgiti ai sistemi informativi."
            ),
            extra={"retry_after_minutes": minutes},
        )
    return render(
        request, "accounts/locked.html", {"cooloff_minutes": minutes}, status=LOCKED_STATUS
    )
