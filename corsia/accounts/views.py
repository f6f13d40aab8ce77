from __future__ import annotations

import logging

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from corsia.accounts import services
from corsia.accounts.domain.roles import landing_for
from corsia.accounts.models import User
from corsia.accounts.selectors import user_roles
from corsia.core.access import login_only

logger = logging.getLogger(__name__)

FALLBACK_LANDING = "accounts:password_change"


@login_only
def landing(request: HttpRequest) -> HttpResponse:
    """Send each user to their role's worklist."""
    user = request.user
    assert isinstance(user, User)
    target = landing_for(user_roles(user)) or FALLBACK_LANDING
    try:
        return redirect(reverse(target))
    except NoReverseMatch:
        # The role's worklist belongs to a module not installed here: say so in the log
        # and land on the one page every user has, rather than failing.
        logger.warning("landing page %s is not installed; using %s", target, FALLBACK_LANDING)
        return redirect(FALLBACK_LANDING)


class CorsiaPasswordChangeView(PasswordChangeView):
    """Django's password page, saving through the service (policy, history, audit)."""

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = form.user
        assert isinstance(user, User)
        services.user_set_password(
            actor=user,
            user=user,
            password=form.cleaned_data["new_password1"],
            workstation=getattr(self.request, "workstation", None),
        )
        update_session_auth_hash(self.request, user)
        return HttpResponseRedirect(self.get_success_url())
