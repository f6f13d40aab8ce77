"""Bearer-token authentication for integrations (``Authorization: Bearer <token>``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from corsia.accounts.models import ApiToken, User


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token))
            .first()
        )
        now = timezone.now()
        if found is None or not found.is_valid_at(now) or not found.user.is_active:
            return None
        # Touch at most once a minute: a write per request would serialise integrations.
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]  # the token that authenticated
        return found.user

    def __call__(self, request: HttpRequest) -> Any:
        return super().__call__(request)
