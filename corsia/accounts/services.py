"""Use cases of accounts: users and roles, passwords, API tokens, directory sync, sessions.

Each function is one action: a transaction, a permission check, the change, an audit
event in the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from corsia.accounts import audit_events
from corsia.accounts.backends import demo_credentials_allowed
from corsia.accounts.domain.roles import PERMISSIONS, ROLE_PERMISSIONS, Role, grant_needs_approval
from corsia.accounts.domain.scopes import InvalidScope, parse_scopes, scopes_text
from corsia.accounts.models import ApiToken, RoleRequest, User
from corsia.accounts.role_requests import role_names, role_request_open, set_role_groups
from corsia.audit.services import audit_record
from corsia.core.actors import Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, PermissionRefused, ValidationFailed

MANAGE_USERS = "accounts.manage_users"


def _roles_from(codes: Iterable[Role | str]) -> frozenset[Role]:
    roles = set()
    for code in codes:
        try:
            roles.add(Role(code))
        except ValueError:
            raise ValidationFailed(
                f"Ruolo sconosciuto: {code!r}.", code="unknown_role", field="roles"
            ) from None
    return frozenset(roles)


def _password_errors(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationFailed(
            " ".join(str(m) for m in exc.messages), code="password_rejected", field="password"
        ) from exc


# --- Users and roles -----------------------------------------------------------------


def user_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    roles: Iterable[Role | str],
    workstation: Workstation,
    email: str = "",
    password: str | None = None,
    badge_code: str | None = None,
    tax_code: str = "",
    reason: str = "",
) -> User:
    """A new user, with no role until a second user manager approves the roles asked for
    (a pending :class:`RoleRequest` with ``reason``; see ``role_requests``).

    A password chosen here is a temporary one: the user must change it at the first
    sign-in. A directory (LDAP) user needs no password.
    """
    require_permission(actor, MANAGE_USERS)
    wanted = _roles_from(roles)
    username = username.strip()
    if not username:
        raise ValidationFailed("Il nome utente è obbligatorio.", field="username")
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ConflictError(
                f"Esiste già un utente «{username}».", code="username_taken", field="username"
            )
        if badge_code and User.objects.filter(badge_code=badge_code).exists():
            raise ConflictError(
                "Il codice badge è già assegnato a un altro utente.",
                code="badge_taken",
                field="badge_code",
            )
        user = User(
            username=username,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email.strip(),
            badge_code=badge_code or None,
            tax_code=tax_code.strip().upper(),
        )
        if password is None:
            user.set_unusable_password()
        else:
            _password_errors(password, user)
            user.set_password(password)
            user.must_change_password = True
        user.save()
        audit_record(
            event=audit_events.USER_CREATED,
            actor=actor,
            workstation=workstation,
            target=user,
            after={"username": user.username, "roles": []},
        )
        if wanted:
            role_request_open(
                actor=actor,
                user=user,
                roles_before=[],
                roles_after=wanted,
                reason=reason,
                workstation=workstation,
            )
    return user


def user_set_roles(
    *,
    actor: User,
    user_id: int,
    roles: Iterable[Role | str],
    workstation: Workstation,
    reason: str = "",
) -> RoleRequest | None:
    """Replace the user's Corsia roles. Nobody changes their own roles.

    A change that grants a role is not applied: it becomes a pending request (returned)
    that another user manager approves; the reason is then required. A change that only
    removes roles is applied at once (``None``).
    """
    require_permission(actor, MANAGE_USERS)
    wanted = _roles_from(roles)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound("Utente non trovato.")
        if user.pk == actor.pk:
            raise PermissionRefused(
                "Non puoi modificare i tuoi ruoli: chiedi a un altro amministratore.",
                code="own_roles",
            )
        before = role_names(user)
        if grant_needs_approval(frozenset(Role(code) for code in before), wanted):
            return role_request_open(
                actor=actor,
                user=user,
                roles_before=before,
                roles_after=wanted,
                reason=reason,
                workstation=workstation,
            )
        set_role_groups(user, wanted)
        after = sorted(r.value for r in wanted)
        if before != after:
            audit_record(
                event=audit_events.USER_ROLES_CHANGED,
                actor=actor,
                workstation=workstation,
                target=user,
                before={"roles": before},
                after={"roles": after},
                reason=reason,
            )
    return None


def user_deactivate(*, actor: User, user_id: int, reason: str, workstation: Workstation) -> User:
    """Deactivate (never delete) a user and revoke their API tokens; a reason is required."""
    require_permission(actor, MANAGE_USERS)
    if not reason.strip():
        raise ValidationFailed(
            "Indica il motivo della disattivazione.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound("Utente non trovato.")
        if user.pk == actor.pk:
            raise PermissionRefused("Non puoi disattivare te stesso.", code="own_account")
        if not user.is_active:
            raise ConflictError("L'utente è già disattivato.", code="already_inactive")
        user.is_active = False
        user.save(update_fields=["is_active"])
        revoked = _revoke_tokens(user)
        audit_record(
            event=audit_events.USER_DEACTIVATED,
            actor=actor,
            workstation=workstation,
            target=user,
            before={"is_active": True},
            after={"is_active": False, "tokens_revoked": revoked},
            reason=reason,
        )
    return user


def _revoke_tokens(user: User) -> int:
    """Revoke every live API token of ``user``; how many were revoked."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def user_set_password(*, actor: User, user: User, password: str, workstation: Workstation) -> User:
    """Set a new password (own, or anyone's with manage_users), checked against the policy.

    Saving the password writes the history row and the change date (``User.save``). Every
    API token of the user is revoked: a token must not outlive the password it came from.
    A password set by somebody else is temporary: the user must change it at the next
    sign-in (and gets no API token before).
    """
    by_self = actor.pk == user.pk
    if not by_self:
        require_permission(actor, MANAGE_USERS)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        _password_errors(password, locked)
        locked.set_password(password)
        locked.must_change_password = not by_self
        locked.save(update_fields=["password", "must_change_password"])
        after: dict[str, object] = {"by_self": by_self}
        if not by_self:
            after["must_change"] = True
        revoked = _revoke_tokens(locked)
        if revoked:
            after["tokens_revoked"] = revoked
        audit_record(
            event=audit_events.PASSWORD_CHANGED,
            actor=actor,
            workstation=workstation,
            target=locked,
            after=after,
        )
    user.password = locked.password
    user.password_changed_at = locked.password_changed_at
    user.must_change_password = locked.must_change_password
    return locked


def user_sync_from_directory(
    *, user: User, roles: frozenset[Role], directory_dn: str, workstation: Workstation
) -> User:
    """Mirror the roles granted by the directory groups onto the user at login."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = role_names(locked)
        set_role_groups(locked, roles)
        after = sorted(r.value for r in roles)
        if locked.directory_dn != directory_dn:
            locked.directory_dn = directory_dn
            locked.save(update_fields=["directory_dn"])
        if before != after:
            audit_record(
                event=audit_events.DIRECTORY_SYNCED,
                actor=locked,
                workstation=workstation,
                target=locked,
                before={"roles": before},
                after={"roles": after, "directory_dn": directory_dn},
            )
    user.directory_dn = directory_dn
    return locked


# --- Sessions (called by the bridge from Django's auth signals) ----------------------


def session_login_record(*, user: User, workstation: Workstation) -> None:
    audit_record(
        event=audit_events.LOGIN_SUCCEEDED, actor=user, workstation=workstation, target=user
    )


def session_login_failed_record(
    *, username: str, workstation: Workstation, locked_out: bool
) -> None:
    known = User.objects.filter(username__iexact=username).first() if username else None
    audit_record(
        event=audit_events.LOGIN_FAILED,
        actor=known,
        workstation=workstation,
        target=known,
        after={"username": username[:150], "locked_out": locked_out},
    )


def session_logout_record(*, user: User | None, workstation: Workstation, cause: str) -> None:
    if user is None or not user.pk:
        return
    audit_record(
        event=audit_events.LOGGED_OUT,
        actor=user,
        workstation=workstation,
        target=user,
        after={"cause": cause},
    )


# --- API tokens ------------------------------------------------------------------------


def token_issue(
    *, user: User, workstation: Workstation = None, scopes: str = ""
) -> tuple[str, ApiToken]:
    """A new random token for ``user``; the clear key is returned once and never stored.
    ``scopes``: SMART-style read scopes (``domain/scopes.py``), for a read-only integration
    of the FHIR server; none: the token acts as its user."""
    try:
        granted = scopes_text(parse_scopes(scopes))
    except InvalidScope as error:
        raise ValidationFailed(str(error), code="invalid_scope", field="scope") from error
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            key_hash=ApiToken.hash_key(key),
            prefix=key[:8],
            expires_at=timezone.now() + timedelta(hours=settings.CORSIA_API_TOKEN_TTL_HOURS),
            scopes=granted,
        )
        audit_record(
            event=audit_events.TOKEN_ISSUED,
            actor=user,
            workstation=workstation,
            target=token,
            after={
                "prefix": token.prefix,
                "expires_at": token.expires_at.isoformat(),
                "scopes": granted,
            },
        )
    return key, token


def token_revoke(*, actor: User, token_id: int, workstation: Workstation = None) -> ApiToken:
    """Revoke a token: its owner may, and IT staff (manage_users) may revoke anyone's."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or token.user_id != actor.pk:
            require_permission(actor, MANAGE_USERS)
        if token is None:
            raise NotFound("Token non trovato.")
        if token.revoked_at is not None:
            raise ConflictError("Il token è già stato revocato.", code="token_already_revoked")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            event=audit_events.TOKEN_REVOKED,
            actor=actor,
            workstation=workstation,
            target=token,
            after={"prefix": token.prefix, "owner": token.user.username},
        )
    return token


# --- Reference data -------------------------------------------------------------------


@transaction.atomic
def roles_sync() -> None:
    """Create the declared permissions and make each role's group hold exactly its set.

    A declared name may coincide with one Django generates for a model
    (``patients.view_patient``); the existing permission is then reused, and a role
    holding the name holds every permission row of that ``app_label.codename``.
    """
    for spec in PERMISSIONS:
        existing = Permission.objects.filter(
            content_type__app_label=spec.app_label, codename=spec.codename
        )
        if not existing.exists():
            content_type, _ = ContentType.objects.get_or_create(
                app_label=spec.app_label, model="corsia"
            )
            Permission.objects.create(
                content_type=content_type, codename=spec.codename, name=spec.name
            )
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted: list[Permission] = []
        for full in sorted(names):
            app_label, codename = full.split(".", 1)
            rows = list(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
            if not rows:
                raise LookupError(f"role {role.value} names undeclared permission {full}")
            wanted.extend(rows)
        group.permissions.set(wanted)


@transaction.atomic
def system_account_ensure(
    *, username: str, first_name: str, last_name: str, permissions: Iterable[str]
) -> User:
    """The account an interface acts as (the HL7 listener): nobody signs in with it (no
    usable password, no role), it holds exactly ``permissions`` (declared ones), and its
    name is what the audit trail shows as the actor. Seed data like :func:`roles_sync`,
    created on first use."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    wanted: list[Permission] = []
    for full in sorted(set(permissions)):
        app_label, codename = full.split(".", 1)
        rows = list(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        if not rows:
            raise LookupError(f"system account {username} names undeclared permission {full}")
        wanted.extend(rows)
    if set(user.user_permissions.all()) != set(wanted):
        user.user_permissions.set(wanted)
        user = User.objects.get(pk=user.pk)  # the permission cache starts afresh
    return user


@transaction.atomic
def demo_user_ensure(
    *,
    username: str,
    first_name: str,
    last_name: str,
    badge_code: str,
    role: Role,
    password: str,
    tax_code: str = "",
) -> bool:
    """A demo hospital's user (``corsia.demo``, demo mode only: the caller checks): created
    with this password where missing, left as it is where present, and in ``role``'s group
    either way. Seed data like :func:`roles_sync`: no actor, no audit event. Returns
    whether the user was created.

    The password is the demo's published one: it skips the password policy on purpose, so
    this refuses to run outside demo (and test) mode, and the sign-in refuses that password
    outside demo mode anyway (``corsia.accounts.backends.PublishedPasswordGuard``)."""
    if not demo_credentials_allowed():
        raise RuntimeError("demo users exist only in demo mode (CORSIA_DEMO=1)")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "badge_code": badge_code,
            "tax_code": tax_code,
        },
    )
    if not created and tax_code and not user.tax_code:  # demos set up before it was given
        user.tax_code = tax_code
        user.save(update_fields=["tax_code"])
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role.value))
    return created
