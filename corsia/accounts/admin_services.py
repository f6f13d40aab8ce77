"""Use cases of the administration pages that the core account services do not cover.

Reactivating a user and naming workstations. Creating users, changing roles,
deactivating and resetting passwords are in ``corsia.accounts.services`` and the
pages call them there. Each function is one action: a permission check, a
transaction with the rows locked, the change and its audit event.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import transaction

from corsia.accounts import admin_audit_events
from corsia.accounts.models import User, Workstation
from corsia.audit.services import audit_record
from corsia.core import actors
from corsia.core.actors import require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed

MANAGE_USERS = "accounts.manage_users"
MANAGE_WORKSTATIONS = "accounts.manage_workstations"


# --- Users ------------------------------------------------------------------------------


def user_reactivate(
    *, actor: User, user_id: int, reason: str, workstation: actors.Workstation
) -> User:
    """Give a deactivated user their access back; a reason is required.

    Revoked API tokens stay revoked: the user asks for new ones.
    """
    require_permission(actor, MANAGE_USERS)
    if not reason.strip():
        raise ValidationFailed(
            "Indica il motivo della riattivazione.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound("Utente non trovato.")
        if user.is_active:
            raise ConflictError("L'utente è già attivo.", code="already_active")
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(
            event=admin_audit_events.USER_REACTIVATED,
            actor=actor,
            workstation=workstation,
            target=user,
            before={"is_active": False},
            after={"is_active": True},
            reason=reason,
        )
    return user


# --- Workstations -----------------------------------------------------------------------


def _workstation_fields(
    *, name: str, ip_address: str | None, location: str, exclude_pk: int | None
) -> dict[str, Any]:
    name = name.strip()
    if not name:
        raise ValidationFailed("Il nome della postazione è obbligatorio.", field="name")
    ip = (ip_address or "").strip() or None
    if ip is not None:
        try:
            ip = str(ipaddress.ip_address(ip))
        except ValueError:
            raise ValidationFailed(
                f"Indirizzo IP non valido: {ip!r}.", code="invalid_ip", field="ip_address"
            ) from None
    others = Workstation.objects.exclude(pk=exclude_pk) if exclude_pk else Workstation.objects
    if others.filter(name__iexact=name).exists():
        raise ConflictError(
            f"Esiste già una postazione «{name}».", code="workstation_name_taken", field="name"
        )
    if ip is not None and others.filter(ip_address=ip).exists():
        raise ConflictError(
            f"L'indirizzo {ip} è già assegnato a un'altra postazione.",
            code="workstation_ip_taken",
            field="ip_address",
        )
    return {"name": name, "ip_address": ip, "location": location.strip()}


def _workstation_state(workstation: Workstation) -> dict[str, Any]:
    return {
        "name": workstation.name,
        "ip_address": workstation.ip_address,
        "location": workstation.location,
        "is_active": workstation.is_active,
    }


def workstation_create(
    *,
    actor: User,
    name: str,
    ip_address: str | None,
    location: str,
    workstation: actors.Workstation,
) -> Workstation:
    """A named workstation (the name shown in the audit trail instead of its address)."""
    require_permission(actor, MANAGE_WORKSTATIONS)
    with transaction.atomic():
        fields = _workstation_fields(
            name=name, ip_address=ip_address, location=location, exclude_pk=None
        )
        created = Workstation.objects.create(**fields)
        audit_record(
            event=admin_audit_events.WORKSTATION_CREATED,
            actor=actor,
            workstation=workstation,
            target=created,
            after=_workstation_state(created),
        )
    return created


def workstation_update(
    *,
    actor: User,
    workstation_id: int,
    name: str,
    ip_address: str | None,
    location: str,
    is_active: bool,
    workstation: actors.Workstation,
) -> Workstation:
    """Rename, re-address or (de)activate a workstation; never deleted."""
    require_permission(actor, MANAGE_WORKSTATIONS)
    with transaction.atomic():
        row = Workstation.objects.select_for_update().filter(pk=workstation_id).first()
        if row is None:
            raise NotFound("Postazione non trovata.")
        fields = _workstation_fields(
            name=name, ip_address=ip_address, location=location, exclude_pk=row.pk
        )
        before = _workstation_state(row)
        for key, value in fields.items():
            setattr(row, key, value)
        row.is_active = is_active
        after = _workstation_state(row)
        if before != after:
            row.save(update_fields=["name", "ip_address", "location", "is_active"])
            audit_record(
                event=admin_audit_events.WORKSTATION_CHANGED,
                actor=actor,
                workstation=workstation,
                target=row,
                before=before,
                after=after,
            )
    return row
