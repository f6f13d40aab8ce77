"""Reads of the care scope's own records: the ward staff assignments in force and the
break-the-glass accesses for the privacy officer's review."""

from __future__ import annotations

from corsia.audit.services import access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.patients.models import (
    BreakGlassGrant,
    WardAssignment,
)

# --- ward staff and break-the-glass (the care scope) -----------------------------------------


ASSIGN_STAFF = "patients.assign_ward_staff"
REVIEW_BREAK_GLASS = "patients.review_break_glass"


def ward_staff(*, user: User) -> list[WardAssignment]:
    """The assignments in force, by ward and username (no patient data)."""
    require_permission(user, ASSIGN_STAFF)
    return list(WardAssignment.objects.filter(ended_at__isnull=True).select_related("user", "ward"))


def break_glass_grants(
    *,
    user: User,
    pending_only: bool = False,
    workstation: Workstation = None,
    channel: str = "web",
    limit: int = 200,
) -> list[BreakGlassGrant]:
    """Break-the-glass accesses, newest first (only those not yet reviewed: ``pending_only``),
    for the privacy officer's review; each patient shown is a read (access log)."""
    require_permission(user, REVIEW_BREAK_GLASS)
    rows = BreakGlassGrant.objects.select_related("user", "patient", "reviewed_by")
    if pending_only:
        rows = rows.filter(reviewed_at__isnull=True)
    grants = list(rows[:limit])
    access_log_record_many(
        user=user,
        patient_ids=sorted({g.patient_id for g in grants}),
        what="revisione degli accessi di emergenza",
        workstation=workstation,
        channel=channel,
    )
    return grants
