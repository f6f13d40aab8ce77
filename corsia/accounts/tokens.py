"""Authentication of API requests: a bearer token (``Authorization: Bearer <token>``) for
integrations, or the page session for the pages' own htmx/JSON calls — never both.

A request that carries an ``Authorization`` header is authenticated by that header only:
the session cookie it may also carry is ignored (:class:`SessionOnlyAuth` and
``corsia.accounts.middleware.ApiAuthorizationMiddleware``), so a made-up header cannot
borrow a session while skipping its inactivity timeout and password expiry.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from corsia.accounts.domain.scopes import Scope, parse_scopes
from corsia.accounts.models import ApiToken, User
from corsia.accounts.passwords import user_password_expired
from corsia.core.domain.errors import PermissionRefused


def has_authorization_header(request: HttpRequest) -> bool:
    return "Authorization" in request.headers


def token_user_may_act(user: User) -> bool:
    """A token works only for an active user whose password is neither expired nor a
    temporary one set by somebody else (both are changed on the pages first)."""
    return user.is_active and not user.must_change_password and not user_password_expired(user)


READ_METHODS = frozenset({"GET", "HEAD"})


class BearerTokenAuth(HttpBearer):
    """``scoped``: whether this API serves tokens with SMART-style scopes (the FHIR server,
    for reads only: it checks each resource against them, ``token_scopes``). Elsewhere a
    scoped token is refused for every request, and a write with one anywhere: 403
    ``token_scope_insufficient``."""

    def __init__(self, *, scoped: bool = False) -> None:
        super().__init__()
        self.scoped = scoped

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token))
            .first()
        )
        now = timezone.now()
        if found is None or not found.is_valid_at(now) or not token_user_may_act(found.user):
            return None
        if found.scopes and (not self.scoped or request.method not in READ_METHODS):
            raise PermissionRefused(
                "Questo token ha scope di sola lettura FHIR: non vale per questa richiesta.",
                code="token_scope_insufficient",
            )
        # Touch at most once a minute: a write per request would serialise integrations.
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]  # the token that authenticated
        return found.user

    def __call__(self, request: HttpRequest) -> Any:
        return super().__call__(request)


def token_scopes(request: HttpRequest) -> frozenset[Scope] | None:
    """The scopes of the token that authenticated the request; ``None``: no scopes (an
    unscoped token, or the session), the user's permissions alone apply."""
    token: ApiToken | None = getattr(request, "api_token", None)
    if token is None or not token.scopes:
        return None
    return parse_scopes(token.scopes)


class SessionOnlyAuth(SessionAuth):
    """The page session, for requests without an ``Authorization`` header only."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if has_authorization_header(request):
            return None
        return super().authenticate(request, key)
