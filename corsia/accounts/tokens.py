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

from corsia.accounts.models import ApiToken, User
from corsia.accounts.passwords import user_password_expired


def has_authorization_header(request: HttpRequest) -> bool:
    return "Authorization" in request.headers


def token_user_may_act(user: User) -> bool:
    """A token works only for an active user whose password is neither expired nor a
    temporary one set by somebody else (both are changed on the pages first)."""
    return user.is_active and not user.must_change_password and not user_password_expired(user)


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token))
            .first()
        )
        now = timezone.now()
        if found is None or not found.is_valid_at(now) or not token_user_may_act(found.user):
            return None
        # Touch at most once a minute: a write per request would serialise integrations.
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]  # the token that authenticated
        return found.user

    def __call__(self, request: HttpRequest) -> Any:
        return super().__call__(request)


class SessionOnlyAuth(SessionAuth):
    """The page session, for requests without an ``Authorization`` header only."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if has_authorization_header(request):
            return None
        return super().authenticate(request, key)
