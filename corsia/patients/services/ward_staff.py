"""Ward staff: a user assigned to a ward, and the assignment ended. Under the ``care``
scope (``corsia.patients.scope``) the ward's patients are the ones its staff read."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from corsia.accounts.selectors import user_by_username
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients import audit_events as events
from corsia.patients.models import Ward, WardAssignment

ASSIGN_STAFF = "patients.assign_ward_staff"


def ward_staff_assign(
    *, actor: User, workstation: Workstation, username: str, ward_code: str
) -> WardAssignment:
    require_permission(actor, ASSIGN_STAFF)
    user = user_by_username(username=(username or "").strip())
    if not user.is_active:
        raise ValidationFailed("L'utente è disattivato.", code="user_inactive", field="username")
    ward = Ward.objects.filter(code=(ward_code or "").strip()).first()
    if ward is None:
        raise NotFound("Reparto non trovato.", code="ward_not_found")
    try:
        with transaction.atomic():
            assignment = WardAssignment.objects.create(user=user, ward=ward, assigned_by=actor)
            audit_record(
                event=events.WARD_STAFF_ASSIGNED,
                actor=actor,
                workstation=workstation,
                target=assignment,
                after={"user": user.username, "ward": ward.code},
            )
    except IntegrityError:
        raise ValidationFailed(
            "L'utente è già assegnato a questo reparto.",
            code="ward_staff_already_assigned",
            field="username",
        ) from None
    return assignment


def ward_staff_end(
    *, actor: User, workstation: Workstation, assignment_id: int, reason: str
) -> WardAssignment:
    require_permission(actor, ASSIGN_STAFF)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Indica il motivo (trasferimento, fine del turno di servizio…).",
            code="reason_required",
            field="reason",
        )
    with transaction.atomic():
        assignment = (
            WardAssignment.objects.select_for_update()
            .select_related("user", "ward")
            .filter(pk=assignment_id)
            .first()
        )
        if assignment is None:
            raise NotFound("Assegnazione non trovata.", code="ward_assignment_not_found")
        if assignment.ended_at is not None:
            raise ValidationFailed(
                "L'assegnazione è già terminata.", code="ward_assignment_already_ended"
            )
        assignment.ended_at = timezone.now()
        assignment.ended_by = actor
        assignment.save(update_fields=["ended_at", "ended_by", "updated_at"])
        audit_record(
            event=events.WARD_STAFF_ENDED,
            actor=actor,
            workstation=workstation,
            target=assignment,
            before={"user": assignment.user.username, "ward": assignment.ward.code},
            reason=reason,
        )
    return assignment
