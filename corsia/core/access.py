"""Declared access control for pages and API operations.

Every view and API operation declares the named permission it needs (or that it is
public / open to any signed-in user). The declaration is an attribute the
permission-matrix test reads, so a page without one is caught.

    @require_perm("patients.view_patient")
    def patient_summary(request, pk): ...

Denials happen *before* any object lookup: a denied role gets 403 whatever the id.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja.operation import Operation
from ninja.utils import contribute_operation_callback

from corsia.core.domain.errors import PermissionRefused

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "__public__"
AUTHENTICATED = "__authenticated__"


def _declare(func: Any, permission: str) -> None:
    func.corsia_permission = permission


def require_perm(permission: str) -> Callable[[F], F]:
    """Page view: anonymous → login; signed in without ``permission`` → 403."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if permission != AUTHENTICATED and not request.user.has_perm(permission):
                raise PermissionDenied(permission)
            return view(request, *args, **kwargs)

        _declare(wrapper, permission)
        return wrapper  # type: ignore[return-value]  # same call signature as the wrapped view

    return decorator


def login_only(view: F) -> F:
    return require_perm(AUTHENTICATED)(view)


def public(view: F) -> F:
    _declare(view, PUBLIC)
    return view


def _refusal(permission: str) -> PermissionRefused:
    return PermissionRefused(
        "Non hai il permesso per questa operazione.", details={"permission": permission}
    )


class _PermissionFirstOperation(Operation):
    """A ninja operation that checks the declared permission right after authentication,
    before the input is parsed: a denied role gets 403, never a 422 that reveals rules."""

    def _run_checks(self, request: HttpRequest) -> HttpResponse | None:
        error: HttpResponse | None = super()._run_checks(request)
        if error is not None:
            return error
        permission = declared_permission(self.view_func)
        if permission is None or permission in (PUBLIC, AUTHENTICATED):
            return None
        if not request.user.has_perm(permission):
            response: HttpResponse = self.api.on_exception(request, _refusal(permission))
            return response
        check = getattr(self.view_func, "corsia_before_input", None)
        if check is not None:
            try:
                check(request)
            except PermissionRefused as refused:
                answer: HttpResponse = self.api.on_exception(request, refused)
                return answer
        return None


def _check_before_input(operation: Any) -> None:
    if type(operation) is Operation:  # async operations keep the in-function check only
        operation.__class__ = _PermissionFirstOperation


def _keep_signature(wrapper: Any, operation: Any) -> None:
    """ninja resolves string annotations (``from __future__ import annotations``) in the
    globals of the function it is given — the wrapper's, here. Give it the operation's
    signature already resolved in the operation's own module."""
    # A name defined below the operation cannot be resolved yet: left to ninja then.
    with contextlib.suppress(NameError):
        wrapper.__signature__ = inspect.signature(operation, eval_str=True)


def api_perm(permission: str) -> Callable[[F], F]:
    """API operation (authenticated by the router): missing ``permission`` → 403 problem+json.

    Checked after authentication and before input validation; the wrapper checks again
    when the function is called directly.
    """

    def decorator(operation: F) -> F:
        @functools.wraps(operation)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if permission != AUTHENTICATED and not request.user.has_perm(permission):
                raise _refusal(permission)
            return operation(request, *args, **kwargs)

        _declare(wrapper, permission)
        _keep_signature(wrapper, operation)
        contribute_operation_callback(wrapper, _check_before_input)
        return wrapper  # type: ignore[return-value]  # same call signature as the wrapped operation

    return decorator


def refuse_before_input(check: Callable[[HttpRequest], None]) -> Callable[[F], F]:
    """A second check of an API operation declared with ``api_perm``, run with it before
    the input is parsed: ``check`` raises ``PermissionRefused`` for a user whose
    permission lets the operation in but whose roles can do nothing with it (a 403,
    never a 422 on the body). Put it between the router's decorator and ``api_perm``."""

    def decorator(operation: F) -> F:
        operation.corsia_before_input = check  # type: ignore[attr-defined]  # read by _PermissionFirstOperation
        return operation

    return decorator


def declared_permission(func: Any) -> str | None:
    """The declaration of a view/operation, following decorators."""
    while func is not None:
        found = getattr(func, "corsia_permission", None)
        if found is not None:
            return str(found)
        func = getattr(func, "__wrapped__", None)
    return None
