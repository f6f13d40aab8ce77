"""The portal's sign-in pages and its home page (the patient's side).

Every page is declared public for the staff's permission matrix: the portal's own
session decides (``portal_login_required``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import public
from corsia.core.domain.errors import CorsiaError
from corsia.portal import oidc_client
from corsia.portal.access import (
    portal_login_required,
    portal_patient,
    portal_sign_in,
    portal_sign_out,
)
from corsia.portal.domain.oidc import SignInRefused
from corsia.portal.forms import CodeEntryForm, CodeRequestForm
from corsia.portal.services import (
    activity_record,
    sign_in_code_request,
    sign_in_code_verify,
    sign_in_oidc,
)

_PENDING_CODE = "corsia_portal_code_for"
_PENDING_OIDC = "corsia_portal_oidc"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/portale/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:home")


@public
def sign_in(request: HttpRequest) -> HttpResponse:
    if portal_patient(request) is not None:
        return redirect("portal:home")
    form = CodeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sign_in_code_request(fiscal_code=form.cleaned_data["fiscal_code"])
        except CorsiaError as error:
            form.add_error(None, error.message)
        else:
            request.session[_PENDING_CODE] = form.cleaned_data["fiscal_code"]
            return HttpResponseRedirect(f"{reverse('portal:sign_in_code')}?next={_next(request)}")
    return render(
        request,
        "portal/sign_in.html",
        {"form": form, "oidc": oidc_client.configured(), "next": _next(request)},
    )


@public
def sign_in_code(request: HttpRequest) -> HttpResponse:
    fiscal_code = request.session.get(_PENDING_CODE)
    if not isinstance(fiscal_code, str):
        return redirect("portal:sign_in")
    form = CodeEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = sign_in_code_verify(fiscal_code=fiscal_code, code=form.cleaned_data["code"])
        except CorsiaError as error:
            form.add_error("code", error.message)
        else:
            target = _next(request)
            portal_sign_in(request, account)
            return HttpResponseRedirect(target)
    return render(request, "portal/sign_in_code.html", {"form": form, "next": _next(request)})


@public
def oidc_start(request: HttpRequest) -> HttpResponse:
    if not oidc_client.configured():
        return redirect("portal:sign_in")
    pending = oidc_client.pending_new()
    try:
        url = oidc_client.authorization_url(pending, redirect_uri=_redirect_uri(request))
    except SignInRefused as error:
        messages.error(request, error.message)
        return redirect("portal:sign_in")
    request.session[_PENDING_OIDC] = {
        "state": pending.state,
        "nonce": pending.nonce,
        "verifier": pending.verifier,
        "next": _next(request),
    }
    return HttpResponseRedirect(url)


def _redirect_uri(request: HttpRequest) -> str:
    from django.conf import settings

    configured: str = settings.CORSIA_PORTAL_OIDC_REDIRECT_URI
    return configured or request.build_absolute_uri(reverse("portal:oidc_callback"))


@public
def oidc_callback(request: HttpRequest) -> HttpResponse:
    saved = request.session.pop(_PENDING_OIDC, None)
    state, code = request.GET.get("state", ""), request.GET.get("code", "")
    if not isinstance(saved, dict) or not state or state != saved.get("state") or not code:
        messages.error(request, _("L'accesso con SPID/CIE non è riuscito. Riprova dall'inizio."))
        return redirect("portal:sign_in")
    pending = oidc_client.Pending(
        state=saved["state"], nonce=saved["nonce"], verifier=saved["verifier"]
    )
    try:
        fiscal_code = oidc_client.fiscal_code_from_callback(
            code=code, pending=pending, redirect_uri=_redirect_uri(request)
        )
        account = sign_in_oidc(fiscal_code=fiscal_code)
    except SignInRefused as error:
        messages.error(request, error.message)
        return redirect("portal:sign_in")
    portal_sign_in(request, account)
    return HttpResponseRedirect(saved.get("next") or reverse("portal:home"))


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    portal_sign_out(request)
    return redirect("portal:sign_in")


@portal_login_required
def home(request: HttpRequest) -> HttpResponse:
    patient = portal_patient(request)
    assert patient is not None  # portal_login_required
    activity_record(account_id=patient.account_id, patient_id=patient.patient_id, action="home")
    return render(request, "portal/home.html", {"patient": patient})


@portal_login_required
@require_POST
def token_grant(request: HttpRequest) -> HttpResponse:
    """A short-lived bearer token for the patient's API (``/api/v1/portal/me/...``), granted
    to this signed-in portal session (the form's CSRF token is required, like every POST
    of the portal): ``{"access_token", "token_type": "Bearer", "expires_in"}``."""
    from django.http import JsonResponse

    from corsia.portal.services.tokens import portal_token_grant

    me = portal_patient(request)
    assert me is not None  # portal_login_required
    granted = portal_token_grant(account_id=me.account_id, patient_id=me.patient_id)
    response = JsonResponse(
        {
            "access_token": granted.key,
            "token_type": "Bearer",
            "expires_in": granted.expires_in,
        },
        status=201,
    )
    response["Cache-Control"] = "no-store"
    return response
