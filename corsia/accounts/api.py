from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from corsia.accounts import role_requests, selectors, services
from corsia.accounts.models import ApiToken, RoleRequest, User
from corsia.accounts.passwords import user_password_expired
from corsia.core.access import AUTHENTICATED, api_perm, public
from corsia.core.domain.errors import CorsiaError, PermissionRefused
from corsia.core.schemas import IsoDatetime
from corsia.core.web import acting, request_workstation

router = Router(tags=["auth"])


class TokenRequest(Schema):
    # a username longer than the column is nobody's (it reached the failed-login log: 422
    # value_out_of_range); a password past 4096 characters is not one, and costs hashing
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)
    # SMART-style read scopes for a read-only FHIR integration (user/*.read …); none: the
    # token acts as its user
    scope: str = Field(default="", max_length=500)


class TokenResponse(Schema):
    token: str
    expires_at: str
    scope: str


class MeResponse(Schema):
    username: str
    full_name: str
    roles: list[str]


class TokenInfo(Schema):
    id: int
    username: str
    prefix: str
    created_at: IsoDatetime
    expires_at: IsoDatetime
    revoked_at: IsoDatetime | None
    last_used_at: IsoDatetime | None


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
    if user.must_change_password:
        raise PermissionRefused(
            "La password è stata impostata da un altro utente: cambiala dalla pagina di Corsia "
            "prima di chiedere un token.",
            code="password_change_required",
        )
    if user_password_expired(user):
        raise PermissionRefused(
            "La password è scaduta: cambiala dalla pagina di Corsia prima di chiedere un token.",
            code="password_expired",
        )
    key, token = services.token_issue(
        user=user, workstation=request_workstation(request), scopes=payload.scope
    )
    return TokenResponse(token=key, expires_at=token.expires_at.isoformat(), scope=token.scopes)


@router.delete("/token", response={204: None})
@api_perm(AUTHENTICATED)
def token_delete(request: HttpRequest) -> Status[None]:
    token: ApiToken | None = getattr(request, "api_token", None)
    if token is None:
        raise CorsiaError("Solo un token può revocare se stesso.", code="not_a_token_session")
    user = request.user
    assert isinstance(user, User)
    services.token_revoke(actor=user, token_id=token.pk, workstation=request_workstation(request))
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
        actor=user, token_id=token_id, workstation=request_workstation(request)
    )
    return _info(token)


# --- Roles: four eyes (a grant waits for a second user manager's approval) -----------------


class RoleRequestOut(Schema):
    id: int
    username: str
    roles_before: list[str]
    roles_after: list[str]
    reason: str
    requested_by: str
    requested_at: IsoDatetime
    state: str
    decided_by: str | None
    decided_at: IsoDatetime | None
    decision_reason: str


class RolesIn(Schema):
    roles: list[str]
    reason: str = ""


class RolesOut(Schema):
    applied: bool  # false: the change grants a role and waits for approval (``request``)
    roles: list[str]  # the user's roles now
    request: RoleRequestOut | None


class ReasonIn(Schema):
    reason: str


def _request_out(request: RoleRequest) -> RoleRequestOut:
    return RoleRequestOut(
        id=request.pk,
        username=request.user.username,
        roles_before=list(request.roles_before),
        roles_after=list(request.roles_after),
        reason=request.reason,
        requested_by=request.requested_by.username,
        requested_at=request.requested_at,
        state=request.state,
        decided_by=request.decided_by.username if request.decided_by else None,
        decided_at=request.decided_at,
        decision_reason=request.decision_reason,
    )


@router.put("/users/{user_id}/roles", response=RolesOut)
@api_perm("accounts.manage_users")
def user_roles_set(request: HttpRequest, user_id: int, payload: RolesIn) -> RolesOut:
    """Set a user's roles: removals apply at once, a grant waits for another's approval."""
    pending = services.user_set_roles(
        **acting(request),
        user_id=user_id,
        roles=payload.roles,
        reason=payload.reason,
    )
    user = User.objects.get(pk=user_id)
    return RolesOut(
        applied=pending is None,
        roles=role_requests.role_names(user),
        request=_request_out(pending) if pending is not None else None,
    )


@router.get("/role-requests", response=list[RoleRequestOut])
@api_perm("accounts.approve_roles")
def role_requests_list(request: HttpRequest) -> list[RoleRequestOut]:
    """The role grants waiting for approval."""
    pending = role_requests.role_requests_pending().select_related("decided_by")
    return [_request_out(r) for r in pending[:500]]


@router.post("/role-requests/{request_id}/approve", response=RoleRequestOut)
@api_perm("accounts.approve_roles")
def role_request_approve(request: HttpRequest, request_id: int) -> RoleRequestOut:
    """Approve another user manager's request (never one's own, nor for oneself)."""
    approved = role_requests.role_request_approve(**acting(request), request_id=request_id)
    return _request_out(approved)


@router.post("/role-requests/{request_id}/reject", response=RoleRequestOut)
@api_perm("accounts.approve_roles")
def role_request_reject(request: HttpRequest, request_id: int, payload: ReasonIn) -> RoleRequestOut:
    rejected = role_requests.role_request_reject(
        **acting(request),
        request_id=request_id,
        reason=payload.reason,
    )
    return _request_out(rejected)
