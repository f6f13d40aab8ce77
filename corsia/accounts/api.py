from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema, Status

from corsia.accounts import services
from corsia.accounts.models import ApiToken, User
from corsia.core.access import AUTHENTICATED, api_perm, public
from corsia.core.domain.errors import CorsiaError

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


class InvalidCredentials(CorsiaError):
    code = "invalid_credentials"
    status = 401


@router.post("/token", auth=None, response=TokenResponse)
@public
def token_create(request: HttpRequest, payload: TokenRequest) -> TokenResponse:
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User) or not user.is_active:
        raise InvalidCredentials("Nome utente o password non validi.")
    key, token = services.token_issue(user=user)
    return TokenResponse(token=key, expires_at=token.expires_at.isoformat())


@router.delete("/token", response={204: None})
@api_perm(AUTHENTICATED)
def token_delete(request: HttpRequest) -> Status[None]:
    token: ApiToken | None = getattr(request, "api_token", None)
    if token is None:
        raise CorsiaError("Solo un token può revocare se stesso.", code="not_a_token_session")
    services.token_revoke(token=token)
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
