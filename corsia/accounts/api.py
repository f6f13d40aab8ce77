from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema, Status

from corsia.accounts import selectors, services
from corsia.accounts.models import ApiToken, User
from corsia.accounts.passwords import user_password_expired
from corsia.core.access import AUTHENTICATED, api_perm, public
from corsia.core.domain.errors import CorsiaError, PermissionRefused

router = Router(tags=["auth"])


class TokenRequest(Schema):
    username: str
    password: str


class TokenResponse(Schema):
    token: str
    expires_at: str


class MeResponse(Schema):
    username: str
    full_name: str
    roles: list[str]


class TokenInfo(Schema):
    id: int
    username: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class InvalidCredentials(CorsiaError):
    code = "invalid_credentials"
    status = 401


def _info(token: ApiToken) -> TokenInfo:
    return TokenInfo(
        id=token.pk,
        username=token.user.username,
        prefix=token.prefix,
        created_at=token.created_at,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
        last_used_at=token.last_used_at,
    )


@router.post("/token", auth=None, response=TokenResponse)
@public
def token_create(request: HttpRequest, payload: TokenRequest) -> TokenResponse:
    # authenticate() goes through django-axes: failures count towards the account lock,
    # and a locked account is answered by the lockout handler (429 account_locked).
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User) or not user.is_active:
        raise InvalidCredentials("Nome utente o password non validi.")
    if user_password_expired(user):
        raise PermissionRefused(
            "La password è scaduta: cambiala dalla pagina di Corsia prima di chiedere un token.",
            code="password_expired",
        )
    key, token = services.token_issue(user=user, workstation=getattr(request, "workstation", None))
    return TokenResponse(token=key, expires_at=token.expires_at.isoformat())


@router.delete("/token", response={204: None})
@api_perm(AUTHENTICATED)
def token_delete(request: HttpRequest) -> Status[None]:
    token: ApiToken | None = getattr(request, "api_token", None)
    if token is None:
        raise CorsiaError("Solo un token può revocare se stesso.", code="not_a_token_session")
    user = request.user
    assert isinstance(user, User)
    services.token_revoke(
        actor=user, token_id=token.pk, workstation=getattr(request, "workstation", None)
    )
    return Status(204, None)


@router.get("/me", response=MeResponse)
@api_perm(AUTHENTICATED)
def me(request: HttpRequest) -> MeResponse:
    user = request.user
    assert isinstance(user, User)
    return MeResponse(
        username=user.username,
        full_name=user.get_full_name(),
        roles=sorted(user.groups.values_list("name", flat=True)),
    )


@router.get("/tokens", response=list[TokenInfo])
@api_perm("accounts.manage_users")
def tokens_list(
    request: HttpRequest, username: str | None = None, active: bool = False
) -> list[TokenInfo]:
    """Every user's API tokens (IT staff): never the key, only its first characters."""
    user = request.user
    assert isinstance(user, User)
    tokens = selectors.token_list(actor=user, username=username, active_only=active)[:500]
    return [_info(token) for token in tokens]


@router.post("/tokens/{token_id}/revoke", response=TokenInfo)
@api_perm("accounts.manage_users")
def tokens_revoke(request: HttpRequest, token_id: int) -> TokenInfo:
    """Revoke any user's token (IT staff)."""
    user = request.user
    assert isinstance(user, User)
    token = services.token_revoke(
        actor=user, token_id=token_id, workstation=getattr(request, "workstation", None)
    )
    return _info(token)
