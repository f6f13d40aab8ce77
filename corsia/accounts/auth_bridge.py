"""Bridge from Django's authentication signals to the audit service.

Django's login, logout and failed-authentication paths (the login page, the token
endpoint's ``authenticate()``, the inactivity logout) announce themselves only through
these signals; each receiver does nothing but call the accounts service that writes
the audit event. No domain flow hangs on them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from corsia.accounts import services
from corsia.accounts.middleware import LOGOUT_CAUSE_ATTR
from corsia.accounts.models import User
from corsia.core.web import request_workstation


def _on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if isinstance(user, User):
        services.session_login_record(user=user, workstation=request_workstation(request))


def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    services.session_login_failed_record(
        username=str(credentials.get("username") or ""),
        workstation=request_workstation(request),
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )


def _on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.session_logout_record(
        user=user if isinstance(user, User) else None,
        workstation=request_workstation(request),
        cause=getattr(request, LOGOUT_CAUSE_ATTR, "user"),
    )


def connect() -> None:
    user_logged_in.connect(_on_logged_in, dispatch_uid="corsia.accounts.audit_login")
    user_login_failed.connect(_on_login_failed, dispatch_uid="corsia.accounts.audit_failed")
    user_logged_out.connect(_on_logged_out, dispatch_uid="corsia.accounts.audit_logout")
