"""Sign-in lockout: per account (django-axes) and per address across accounts (spraying).

- **Per account**: ``AXES_FAILURE_LIMIT`` failures for one username lock that account, from
  every address (``AXES_LOCKOUT_PARAMETERS = ["username"]``); a success resets that
  account's count only.
- **Per address** (password spraying: one wrong password each for many usernames):
  ``CORSIA_LOCKOUT_ADDRESS_FAILURES`` failures from one client address within the cool-off,
  whatever the usernames, lock that address for every account. The count is read from
  axes' failure log, which no successful sign-in resets: nobody's success (the attacker's
  own account, a colleague on the same PC) wipes the failures of the others. The limit is
  higher than the account's, since a ward PC is shared by many users.

The client address is the one the rest of Corsia uses (``X-Forwarded-For`` believed only
from ``CORSIA_TRUSTED_PROXIES``), so a client cannot rotate it by writing the header.
Both locks answer 429 with ``Retry-After``: an Italian page, or problem+json with code
``account_locked`` / ``address_locked`` on the API.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessFailureLog
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from corsia.accounts.domain.workstation import parse_trusted_proxies, resolve_workstation
from corsia.core.problems import problem_response

LOCKED_STATUS = 429
_LOCK_KIND_ATTR = "corsia_lockout"


def _minutes() -> int:
    return round(float(settings.AXES_COOLOFF_TIME) * 60)


def client_ip(request: HttpRequest) -> str:
    """The client address (``AXES_CLIENT_IP_CALLABLE``): the workstation's, proxy-aware."""
    workstation = getattr(request, "workstation", None)
    ip = getattr(workstation, "ip", None)
    if isinstance(ip, str) and ip:
        return ip
    return resolve_workstation(
        remote_addr=request.META.get("REMOTE_ADDR"),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted_proxies=parse_trusted_proxies(settings.CORSIA_TRUSTED_PROXIES),
        known={},
    ).ip


def address_failures(ip: str | None) -> int:
    """Failed sign-ins from ``ip`` within the cool-off, whatever the username."""
    if not ip:
        return 0
    since = timezone.now() - timedelta(minutes=_minutes())
    failures: int = AccessFailureLog.objects.filter(ip_address=ip, attempt_time__gte=since).count()
    return failures


def _address_locked(request: HttpRequest) -> bool:
    limit = int(settings.CORSIA_LOCKOUT_ADDRESS_FAILURES)
    if limit <= 0:
        return False
    return address_failures(getattr(request, "axes_ip_address", None)) >= limit


class CorsiaLockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes ships no types
    """Axes' database handler plus the per-address lock (``AXES_HANDLER``)."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if _address_locked(request):
            setattr(request, _LOCK_KIND_ATTR, "address")
            return True
        return False

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if _address_locked(request):
            setattr(request, _LOCK_KIND_ATTR, "address")
            request.axes_locked_out = True  # type: ignore[attr-defined]  # axes' request flag
            request.axes_credentials = credentials  # type: ignore[attr-defined]


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the answer to a locked account or address."""
    minutes = _minutes()
    by_address = getattr(request, _LOCK_KIND_ATTR, None) == "address"
    if request.path.startswith("/api/"):
        if by_address:
            code = "address_locked"
            detail = (
                "Troppi tentativi di accesso non riusciti da questa postazione: "
                f"riprova tra {minutes} minuti o rivolgiti ai sistemi informativi."
            )
        else:
            code = "account_locked"
            detail = (
                "Account bloccato per troppi tentativi di accesso non riusciti: "
                f"riprova tra {minutes} minuti o rivolgiti ai sistemi informativi."
            )
        response = problem_response(
            request,
            status=LOCKED_STATUS,
            code=code,
            detail=detail,
            extra={"retry_after_minutes": minutes},
        )
    else:
        response = render(
            request,
            "accounts/locked.html",
            {"cooloff_minutes": minutes, "by_address": by_address},
            status=LOCKED_STATUS,
        )
    response["Retry-After"] = str(minutes * 60)
    return response
