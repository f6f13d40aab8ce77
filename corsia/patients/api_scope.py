"""JSON API of the care scope (``corsia.patients.scope``): ward staff and break-the-glass,
/api/v1/patients/ward-staff… and /api/v1/patients/break-the-glass…"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from corsia.core.access import api_perm, refuse_before_input
from corsia.core.domain.errors import PermissionRefused
from corsia.core.schemas import IsoDatetime, Reason, RecordId
from corsia.core.web import acting, reading, request_actor
from corsia.patients import selectors, services
from corsia.patients.models import BreakGlassGrant, WardAssignment
from corsia.patients.scope import is_scoped

router = Router(tags=["patients"])

VIEW = "patients.view_patient"
ASSIGN = "patients.assign_ward_staff"
REVIEW = "patients.review_break_glass"


class WardStaffIn(Schema):
    username: str = Field(max_length=150)
    ward_code: str = Field(max_length=40)


class WardStaffOut(Schema):
    id: int
    username: str
    ward_code: str
    assigned_at: IsoDatetime
    ended_at: IsoDatetime | None


class EndIn(Schema):
    reason: Reason


def _staff(row: WardAssignment) -> WardStaffOut:
    return WardStaffOut(
        id=row.pk,
        username=row.user.username,
        ward_code=row.ward.code,
        assigned_at=row.created_at,
        ended_at=row.ended_at,
    )


@router.get("/ward-staff", response=list[WardStaffOut])
@api_perm(ASSIGN)
def ward_staff(request: HttpRequest) -> list[WardStaffOut]:
    """The users assigned to each ward (in force)."""
    return [_staff(row) for row in selectors.ward_staff(user=request_actor(request))]


@router.post("/ward-staff", response={201: WardStaffOut})
@api_perm(ASSIGN)
def ward_staff_assign(request: HttpRequest, payload: WardStaffIn) -> Status[WardStaffOut]:
    row = services.ward_staff_assign(
        **acting(request),
        username=payload.username,
        ward_code=payload.ward_code,
    )
    return Status(201, _staff(row))


@router.post("/ward-staff/{assignment_id}/end", response=WardStaffOut)
@api_perm(ASSIGN)
def ward_staff_end(request: HttpRequest, assignment_id: RecordId, payload: EndIn) -> WardStaffOut:
    row = services.ward_staff_end(
        **acting(request),
        assignment_id=assignment_id,
        reason=payload.reason,
    )
    return _staff(row)


class BreakGlassIn(Schema):
    code: str = Field(max_length=40, description="codice fiscale, STP/ENI, MRN o braccialetto")
    category: str = Field(max_length=20)
    reason: str = Field(max_length=2000)


class BreakGlassOut(Schema):
    id: int
    username: str
    patient_id: int
    category: str
    reason: str
    granted_at: IsoDatetime
    expires_at: IsoDatetime
    outcome: str
    review_note: str
    reviewed_by: str | None
    reviewed_at: IsoDatetime | None


class ReviewIn(Schema):
    outcome: str = Field(max_length=16)
    note: Reason


def _grant(grant: BreakGlassGrant) -> BreakGlassOut:
    return BreakGlassOut(
        id=grant.pk,
        username=grant.user.username,
        patient_id=grant.patient_id,
        category=grant.category,
        reason=grant.reason,
        granted_at=grant.granted_at,
        expires_at=grant.expires_at,
        outcome=grant.outcome,
        review_note=grant.review_note,
        reviewed_by=grant.reviewed_by.username if grant.reviewed_by else None,
        reviewed_at=grant.reviewed_at,
    )


def _may_break_the_glass(request: HttpRequest) -> None:
    # a trial monitor reads their trials' patients only, by design: no emergency access,
    # refused before the body is read (a 403, not a 422 on the fields)
    if is_scoped(request_actor(request)):
        raise PermissionRefused(
            "Il monitor di uno studio non ha l'accesso di emergenza.",
            code="break_glass_not_permitted",
        )


@router.post("/break-the-glass", response={201: BreakGlassOut})
@refuse_before_input(_may_break_the_glass)
@api_perm(VIEW)
def break_glass(request: HttpRequest, payload: BreakGlassIn) -> Status[BreakGlassOut]:
    """Emergency access to a patient outside one's care (``care`` scope), named by an exact
    code; lasts ``CORSIA_BREAK_GLASS_HOURS``, reviewed afterwards."""
    grant = services.break_glass_request(
        **acting(request),
        code=payload.code,
        category=payload.category,
        reason=payload.reason,
        channel="api",
    )
    return Status(201, _grant(grant))


@router.get("/break-the-glass", response=list[BreakGlassOut])
@api_perm(REVIEW)
def break_glass_list(request: HttpRequest, pending: bool = False) -> list[BreakGlassOut]:
    """Every emergency access, newest first (``pending``: not yet reviewed)."""
    grants = selectors.break_glass_grants(**reading(request), pending_only=pending)
    return [_grant(g) for g in grants]


@router.post("/break-the-glass/{grant_id}/review", response=BreakGlassOut)
@api_perm(REVIEW)
def break_glass_review(
    request: HttpRequest, grant_id: RecordId, payload: ReviewIn
) -> BreakGlassOut:
    grant = services.break_glass_review(
        **acting(request),
        grant_id=grant_id,
        outcome=payload.outcome,
        note=payload.note,
    )
    return _grant(grant)
