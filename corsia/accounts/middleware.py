from __future__ import annotations

import time
from collections.abc import Callable

import pghistory
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from corsia.accounts.domain.workstation import (
    WorkstationInfo,
    parse_workstation_map,
    resolve_workstation,
)
from corsia.accounts.selectors import workstation_names

_SESSION_KEY = "corsia_last_activity"


class WorkstationMiddleware:
    """Puts ``request.workstation`` on every request and into the history context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.configured = parse_workstation_map(settings.CORSIA_WORKSTATIONS or "")
        self.trusted_proxies = list(getattr(settings, "CORSIA_TRUSTED_PROXIES", []))

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


class InactivityLogoutMiddleware:
    """Logs a page session out after CORSIA_INACTIVITY_TIMEOUT_SECONDS without requests."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last = request.session.get(_SESSION_KEY)
            timeout = settings.CORSIA_INACTIVITY_TIMEOUT_SECONDS
            if last is not None and now - float(last) > timeout:
                logout(request)
                messages.info(request, _("Sessione scaduta per inattività: accedi di nuovo."))
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            request.session[_SESSION_KEY] = now
        return self.get_response(request)
