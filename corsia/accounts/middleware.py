from __future__ import annotations

import time
from collections.abc import Callable

import pghistory
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from corsia.accounts.domain.workstation import (
    WorkstationInfo,
    parse_trusted_proxies,
    parse_workstation_map,
    resolve_workstation,
)
from corsia.accounts.passwords import user_password_expired
from corsia.accounts.selectors import workstation_names
from corsia.core.problems import is_api_path, problem_response

_SESSION_KEY = "corsia_last_activity"
LOGOUT_CAUSE_ATTR = "corsia_logout_cause"


def _is_api(request: HttpRequest) -> bool:
    return is_api_path(request.path)


class ApiAuthorizationMiddleware:
    """An API request with an ``Authorization`` header is authenticated by that header only.

    Placed right after Django's ``AuthenticationMiddleware``: the session user is taken off
    such a request, so the API's token check is the only way in (an invalid token is 401)
    and nothing downstream mistakes the session for the caller. Pages ignore the header:
    they are always session requests, with their inactivity and expiry checks.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_api(request) and "Authorization" in request.headers:
            request.user = AnonymousUser()
        return self.get_response(request)


class WorkstationMiddleware:
    """Puts ``request.workstation`` on every request and into the history context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.configured = parse_workstation_map(settings.CORSIA_WORKSTATIONS or "")
        self.trusted_proxies = parse_trusted_proxies(settings.CORSIA_TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = resolve_workstation(
            remote_addr=request.META.get("REMOTE_ADDR"),
            forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR"),
            trusted_proxies=self.trusted_proxies,
            known=self.configured,
        )

        def named() -> WorkstationInfo:
            # The name table is read only when something needs the name (not on /healthz).
            if address.name != address.ip:
                return address
            return WorkstationInfo(
                ip=address.ip, name=workstation_names().get(address.ip, address.ip)
            )

        request.workstation = SimpleLazyObject(named)  # type: ignore[attr-defined]  # set for every request
        with pghistory.context(workstation_ip=address.ip):
            return self.get_response(request)


def _stamp_every(timeout: int) -> float:
    """How often the last activity is written: a twentieth of the timeout, at most a
    minute (a session may end that much early; a page read writes no session row)."""
    return min(60.0, timeout / 20)


class InactivityLogoutMiddleware:
    """Logs a page session out after CORSIA_INACTIVITY_TIMEOUT_SECONDS without requests.

    Bearer-token API calls carry no session (``ApiAuthorizationMiddleware`` took it off):
    they neither refresh nor end one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = settings.CORSIA_INACTIVITY_TIMEOUT_SECONDS
        if timeout > 0 and hasattr(request, "session") and request.user.is_authenticated:
            now = time.time()
            last = request.session.get(_SESSION_KEY)
            if last is not None and now - float(last) > timeout:
                setattr(request, LOGOUT_CAUSE_ATTR, "inactivity")
                logout(request)
                message = _("Sessione scaduta per inattività: accedi di nuovo.")
                if _is_api(request):
                    return problem_response(
                        request, status=401, code="session_expired", detail=message
                    )
                messages.info(request, message)
                if request.headers.get("HX-Request") == "true":
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = reverse(settings.LOGIN_URL)
                    return response
                return redirect_to_login(request.get_full_path())
            if last is None or now - float(last) >= _stamp_every(timeout):
                request.session[_SESSION_KEY] = now  # a save of the session: not every click
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """A user whose password has expired, or was set by somebody else (a new account, a
    reset by IT staff), may only change it (or log out)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not self._allowed(request.path):
            if getattr(user, "must_change_password", False):
                code = "password_change_required"
                message = _(
                    "La password è stata impostata da un altro utente: scegline una tua per "
                    "continuare."
                )
            elif user_password_expired(user):
                code = "password_expired"
                message = _("La tua password è scaduta: scegline una nuova per continuare.")
            else:
                return self.get_response(request)
            if _is_api(request):
                return problem_response(request, status=403, code=code, detail=message)
            messages.warning(request, message)
            return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        allowed = (
            reverse("accounts:password_change"),
            reverse("accounts:password_change_done"),
            reverse("accounts:logout"),
            settings.STATIC_URL,
        )
        return any(path.startswith(prefix) for prefix in allowed if prefix)
