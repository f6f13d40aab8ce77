"""The portal's session: a patient signed in is *not* a Django user.

The session holds the portal account's id under ``SESSION_KEY``; ``request.user`` stays
anonymous, so every staff page sends a patient to the staff login and every staff API
operation answers 401. Signing in to the portal first ends any staff session in the
browser (``logout``), and starts a new session key (no fixation).

Public API (README): ``portal_login_required`` (a view decorator),
``PortalLoginRequiredMixin``, ``portal_patient(request)``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from ninja.security import HttpBearer

from corsia.core.access import public
from corsia.patients.selectors import patient_record
from corsia.portal.models import PortalAccount
from corsia.portal.selectors import account_active

SESSION_KEY = "corsia_portal_account"
SESSION_SEEN = "corsia_portal_seen"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class PortalPatient:
    """Who is signed in to the portal: the account and its patient."""

    account_id: int
    patient_id: int
    given_names: str
    surname: str

    @property
    def display_name(self) -> str:
        return f"{self.given_names} {self.surname}"


def portal_sign_in(request: HttpRequest, account: PortalAccount) -> None:
    logout(request)  # ends a staff session in this browser, empties the session
    request.session.cycle_key()
    request.session[SESSION_KEY] = account.pk
    request.session[SESSION_SEEN] = int(time.time())


def portal_sign_out(request: HttpRequest) -> None:
    request.session.flush()


def portal_patient(request: HttpRequest) -> PortalPatient | None:
    """The patient signed in to the portal in this request, or ``None`` (not signed in,
    idle past ``CORSIA_PORTAL_IDLE_MINUTES``, account suspended)."""
    if hasattr(request, "_corsia_portal_patient"):
        cached: PortalPatient | None = request._corsia_portal_patient
        return cached
    found: PortalPatient | None = None
    account_id = request.session.get(SESSION_KEY)
    seen = request.session.get(SESSION_SEEN, 0)
    idle = settings.CORSIA_PORTAL_IDLE_MINUTES * 60
    if isinstance(account_id, int) and isinstance(seen, int) and time.time() - seen <= idle:
        account = account_active(account_id)
        if account is not None:
            patient = patient_record(patient_id=account.patient_id)
            found = PortalPatient(
                account_id=account.pk,
                patient_id=patient.pk,
                given_names=patient.given_names,
                surname=patient.surname,
            )
            request.session[SESSION_SEEN] = int(time.time())
    elif account_id is not None:
        request.session.pop(SESSION_KEY, None)
    request._corsia_portal_patient = found  # type: ignore[attr-defined]  # per-request cache
    return found


def _to_sign_in(request: HttpRequest) -> HttpResponse:
    target = reverse("portal:sign_in")
    return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def portal_login_required(view: F) -> F:
    """A portal page: a patient signed in, else the portal's sign-in page. Staff users are
    not patients: a staff session alone is sent to the portal's sign-in too. For the
    permission matrix the page is public (it needs no staff permission)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if portal_patient(request) is None:
            return _to_sign_in(request)
        return view(request, *args, **kwargs)

    return public(wrapper)  # type: ignore[return-value]  # same call signature as the view


class PortalLoginRequiredMixin:
    """The class-based view's form of :func:`portal_login_required`."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if portal_patient(request) is None:
            return _to_sign_in(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # the view's own dispatch


class PortalBearerAuth(HttpBearer):
    """The patient's API: ``Authorization: Bearer <portal token>`` (a staff token is not
    one: 401). Sets ``request.portal_patient`` (a :class:`PortalPatient`); ``request.user``
    stays anonymous."""

    def authenticate(self, request: HttpRequest, token: str) -> PortalPatient | None:
        from corsia.portal.services.tokens import portal_token_account

        account = portal_token_account(token)
        if account is None:
            return None
        patient = patient_record(patient_id=account.patient_id)
        found = PortalPatient(
            account_id=account.pk,
            patient_id=patient.pk,
            given_names=patient.given_names,
            surname=patient.surname,
        )
        request._corsia_portal_patient = found  # type: ignore[attr-defined]
        return found


def api_patient(request: HttpRequest) -> PortalPatient:
    """The patient a :class:`PortalBearerAuth` request authenticated."""
    found: PortalPatient = request._corsia_portal_patient  # type: ignore[attr-defined]
    return found
