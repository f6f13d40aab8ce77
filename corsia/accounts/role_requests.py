"""Four eyes on access: a change of roles that grants a role waits for a second person.

``services.user_create`` and ``services.user_set_roles`` open the request (with its
reason) through :func:`role_request_open`; another user manager — not the one who asked,
not the user — approves it (the roles change then) or rejects it, with a reason. Each
step writes its audit event in the same transaction. Nothing is deleted.

Locks are taken user first, then the request (as ``user_set_roles`` does), so an
approval and a change of the same user's roles queue instead of deadlocking.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from corsia.accounts import audit_events
from corsia.accounts.domain.roles import Role, approval_refusal
from corsia.accounts.models import RoleRequest, RoleRequestState, User
from corsia.audit.services import audit_record
from corsia.core.actors import Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, PermissionRefused, ValidationFailed

APPROVE_ROLES = "accounts.approve_roles"
MANAGE_USERS = "accounts.manage_users"

_REFUSALS = {
    "own_request": "Non puoi approvare una richiesta che hai fatto tu: serve un'altra persona.",
    "own_roles": "Non puoi approvare i tuoi ruoli: serve un altro amministratore.",
}


def role_names(user: User) -> list[str]:
    """The user's Corsia roles, as sorted codes (other groups are not roles)."""
    role_values = {role.value for role in Role}
    return sorted(n for n in user.groups.values_list("name", flat=True) if n in role_values)


def set_role_groups(user: User, roles: frozenset[Role]) -> None:
    """Make the user's Corsia role groups exactly ``roles``; other groups are kept."""
    role_values = [role.value for role in Role]
    wanted = {role.value for role in roles}
    current = list(user.groups.filter(name__in=role_values))
    to_remove = [g for g in current if g.name not in wanted]
    have = {g.name for g in current}
    to_add = [Group.objects.get(name=name) for name in sorted(wanted - have)]
    if to_remove:
        user.groups.remove(*to_remove)
    if to_add:
        user.groups.add(*to_add)


def role_requests_pending() -> QuerySet[RoleRequest]:
    return RoleRequest.objects.filter(state=RoleRequestState.PENDING).select_related(
        "user", "requested_by"
    )


def role_request_open(
    *,
    actor: User,
    user: User,
    roles_before: list[str],
    roles_after: frozenset[Role],
    reason: str,
    workstation: Workstation,
) -> RoleRequest:
    """Record a pending grant. Call inside the caller's transaction, ``user`` locked."""
    require_permission(actor, MANAGE_USERS)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Indica il motivo per cui l'utente riceve questi ruoli.",
            code="reason_required",
            field="reason",
        )
    if RoleRequest.objects.filter(user=user, state=RoleRequestState.PENDING).exists():
        raise ConflictError(
            "C'è già una richiesta di ruoli in attesa per questo utente: approvala o "
            "respingila prima di chiederne un'altra.",
            code="role_request_pending",
            field="roles",
        )
    request = RoleRequest.objects.create(
        user=user,
        roles_before=roles_before,
        roles_after=sorted(role.value for role in roles_after),
        reason=reason,
        requested_by=actor,
    )
    audit_record(
        event=audit_events.ROLES_REQUESTED,
        actor=actor,
        workstation=workstation,
        target=user,
        before={"roles": request.roles_before},
        after={"roles": request.roles_after, "request_id": request.pk},
        reason=reason,
    )
    return request


def _locked_pending(request_id: int) -> tuple[RoleRequest, User]:
    found = RoleRequest.objects.filter(pk=request_id).values_list("user_id", flat=True).first()
    if found is None:
        raise NotFound("Richiesta di ruoli non trovata.", code="role_request_not_found")
    user = User.objects.select_for_update().get(pk=found)
    request = RoleRequest.objects.select_for_update().get(pk=request_id)
    if request.state != RoleRequestState.PENDING:
        raise ConflictError(
            "La richiesta è già stata decisa.", code="role_request_decided", field="request"
        )
    return request, user


def role_request_approve(*, actor: User, request_id: int, workstation: Workstation) -> RoleRequest:
    """A second user manager approves: the user's roles become the ones asked for."""
    require_permission(actor, APPROVE_ROLES)
    with transaction.atomic():
        request, user = _locked_pending(request_id)
        refusal = approval_refusal(
            approver_id=actor.pk, requested_by_id=request.requested_by_id, user_id=user.pk
        )
        if refusal is not None:
            raise PermissionRefused(_REFUSALS[refusal], code=refusal)
        current = role_names(user)
        if current != request.roles_before:
            raise ConflictError(
                "I ruoli dell'utente sono cambiati dopo la richiesta: respingila e chiedine "
                "una nuova.",
                code="role_request_stale",
            )
        set_role_groups(user, frozenset(Role(code) for code in request.roles_after))
        request.state = RoleRequestState.APPROVED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.save(update_fields=["state", "decided_by", "decided_at"])
        audit_record(
            event=audit_events.ROLES_REQUEST_APPROVED,
            actor=actor,
            workstation=workstation,
            target=user,
            after={"request_id": request.pk, "requested_by": request.requested_by_id},
            reason=request.reason,
        )
        audit_record(
            event=audit_events.USER_ROLES_CHANGED,
            actor=actor,
            workstation=workstation,
            target=user,
            before={"roles": request.roles_before},
            after={"roles": request.roles_after},
            reason=request.reason,
        )
    return request


def role_request_reject(
    *, actor: User, request_id: int, reason: str, workstation: Workstation
) -> RoleRequest:
    """Reject (or, for the one who asked, withdraw) a pending request; a reason is required."""
    require_permission(actor, APPROVE_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Indica il motivo del rifiuto.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        request, user = _locked_pending(request_id)
        request.state = RoleRequestState.REJECTED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_reason = reason
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        audit_record(
            event=audit_events.ROLES_REQUEST_REJECTED,
            actor=actor,
            workstation=workstation,
            target=user,
            after={"request_id": request.pk, "roles": request.roles_after},
            reason=reason,
        )
    return request
