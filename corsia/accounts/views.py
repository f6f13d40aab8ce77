from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from corsia.accounts.domain.roles import landing_for
from corsia.accounts.models import User
from corsia.accounts.selectors import user_roles
from corsia.core.access import login_only


@login_only
def landing(request: HttpRequest) -> HttpResponse:
    """Send each user to their role's worklist."""
    user = request.user
    assert isinstance(user, User)
    target = landing_for(user_roles(user))
    return redirect(target or "accounts:password_change")
