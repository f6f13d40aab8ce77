"""/api/v1/trials: the clinical trials, their enrolments and their monitors. Thin wrappers
over the same selectors and services as the pages, with the same permissions.

No ``from __future__ import annotations`` here: ninja resolves payload schemas from the
annotations of the (decorated) operation, so they must be real objects.
"""

from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from corsia.accounts.selectors import user_by_username
from corsia.core.access import api_perm
from corsia.core.schemas import IsoDate, IsoDatetime, Reason, RecordId
from corsia.core.web import acting, reading, request_actor, request_workstation
from corsia.regimens import selectors, services
from corsia.regimens.models import ClinicalTrial, TrialEnrollment, TrialMonitorAssignment

trials_router = Router(tags=["trials"])

VIEW_TRIAL = "regimens.view_trial"
MANAGE_TRIAL = "regimens.manage_trial"

ShortText = Annotated[str, Field(max_length=40)]


class TrialRow(Schema):
    id: int
    code: str
    title: str
    eudract_number: str
    ctis_number: str
    sponsor: str
    is_open: bool
    regimens: list[str]


class TrialIn(Schema):
    code: ShortText
    title: Annotated[str, Field(max_length=300)]
    eudract_number: Annotated[str, Field(max_length=14)] = ""
    ctis_number: Annotated[str, Field(max_length=17)] = ""
    sponsor: Annotated[str, Field(max_length=200)] = ""
    regimens: Annotated[list[ShortText], Field(max_length=50)] = []


class EnrolmentOut(Schema):
    id: int
    subject_code: str
    patient_id: int | None  # null when the reader may not read the patient
    patient_name: str
    patient_mrn: str
    arm: str | None
    consent_date: IsoDate | None
    enrolled_at: IsoDatetime
    enrolled_by: str
    withdrawn_at: IsoDatetime | None
    withdrawn_by: str | None
    withdrawal_reason: str


class EnrolmentIn(Schema):
    patient_id: RecordId
    subject_code: ShortText
    consent_date: IsoDate
    arm: ShortText | None = None


class ReasonIn(Schema):
    reason: Reason


class MonitorOut(Schema):
    id: int
    username: str
    name: str
    assigned_at: IsoDatetime
    revoked_at: IsoDatetime | None
    revoke_reason: str


class MonitorIn(Schema):
    username: Annotated[str, Field(max_length=150)]


def _trial(t: ClinicalTrial) -> TrialRow:
    return TrialRow(
        id=t.pk,
        code=t.code,
        title=t.title,
        eudract_number=t.eudract_number,
        ctis_number=t.ctis_number,
        sponsor=t.sponsor,
        is_open=t.is_open,
        regimens=[r.code for r in t.regimens.all()],
    )


def _enrolment(row: selectors.EnrolmentRow) -> EnrolmentOut:
    e = row.enrolment
    return EnrolmentOut(
        id=e.pk,
        subject_code=e.subject_code,
        patient_id=row.patient_id,
        patient_name=row.patient_name,
        patient_mrn=row.patient_mrn,
        arm=e.arm_regimen.code if e.arm_regimen else None,
        consent_date=e.consent_date,
        enrolled_at=e.created_at,
        enrolled_by=e.enrolled_by.get_username(),
        withdrawn_at=e.withdrawn_at,
        withdrawn_by=e.withdrawn_by.get_username() if e.withdrawn_by else None,
        withdrawal_reason=e.withdrawal_reason,
    )


def _monitor(a: TrialMonitorAssignment) -> MonitorOut:
    return MonitorOut(
        id=a.pk,
        username=a.user.get_username(),
        name=a.user.get_full_name(),
        assigned_at=a.created_at,
        revoked_at=a.revoked_at,
        revoke_reason=a.revoke_reason,
    )


def _enrolment_rows(request: HttpRequest, trial_id: int) -> list[selectors.EnrolmentRow]:
    actor = request_actor(request)
    trial = selectors.trial_get(user=actor, trial_id=trial_id)
    return selectors.trial_enrollments(
        user=actor, trial=trial, workstation=request_workstation(request), channel="api"
    )


@trials_router.get("/", response=list[TrialRow])
@api_perm(VIEW_TRIAL)
def trial_list(request: HttpRequest) -> list[TrialRow]:
    """The trials the user may see (a monitor: those assigned and not revoked)."""
    visible = selectors.trials_visible_to(request_actor(request)).prefetch_related("regimens")
    return [_trial(t) for t in visible]


@trials_router.post("/", response={201: TrialRow})
@api_perm(MANAGE_TRIAL)
def trial_create(request: HttpRequest, payload: TrialIn) -> Status[TrialRow]:
    trial = services.trial_create(
        **acting(request),
        code=payload.code,
        title=payload.title,
        eudract_number=payload.eudract_number,
        ctis_number=payload.ctis_number,
        sponsor=payload.sponsor,
        regimen_codes=payload.regimens,
    )
    return Status(201, _trial(trial))


@trials_router.get("/{trial_id}", response=TrialRow)
@api_perm(VIEW_TRIAL)
def trial_detail(request: HttpRequest, trial_id: int) -> TrialRow:
    return _trial(selectors.trial_get(user=request_actor(request), trial_id=trial_id))


@trials_router.get("/{trial_id}/enrollments", response=list[EnrolmentOut])
@api_perm(VIEW_TRIAL)
def enrolment_list(request: HttpRequest, trial_id: int) -> list[EnrolmentOut]:
    """Every enrolment, withdrawn ones too; the patient named only when readable (logged)."""
    return [_enrolment(row) for row in _enrolment_rows(request, trial_id)]


def _enrolment_out(request: HttpRequest, enrolment: TrialEnrollment) -> EnrolmentOut:
    row = selectors.enrolment_row(**reading(request), enrolment=enrolment)
    return _enrolment(row)


@trials_router.post("/{trial_id}/enrollments", response={201: EnrolmentOut})
@api_perm(MANAGE_TRIAL)
def enrolment_create(
    request: HttpRequest, trial_id: int, payload: EnrolmentIn
) -> Status[EnrolmentOut]:
    enrolment = services.trial_enrol_patient(
        **acting(request),
        trial_id=trial_id,
        patient_id=payload.patient_id,
        subject_code=payload.subject_code,
        consent_date=payload.consent_date,
        arm_regimen_code=payload.arm or None,
    )
    return Status(201, _enrolment_out(request, enrolment))


@trials_router.post("/{trial_id}/enrollments/{enrolment_id}/withdrawal", response=EnrolmentOut)
@api_perm(MANAGE_TRIAL)
def enrolment_withdraw(
    request: HttpRequest, trial_id: int, enrolment_id: int, payload: ReasonIn
) -> EnrolmentOut:
    """Withdraw the patient (reason required); the enrolment is kept, never deleted."""
    enrolment = services.trial_enrolment_withdraw(
        **acting(request),
        trial_id=trial_id,
        enrolment_id=enrolment_id,
        reason=payload.reason,
    )
    return _enrolment_out(request, enrolment)


@trials_router.get("/{trial_id}/monitors", response=list[MonitorOut])
@api_perm(MANAGE_TRIAL)
def monitor_list(request: HttpRequest, trial_id: int) -> list[MonitorOut]:
    actor = request_actor(request)
    trial = selectors.trial_get(user=actor, trial_id=trial_id)
    return [_monitor(a) for a in selectors.trial_monitors(user=actor, trial=trial)]


@trials_router.post("/{trial_id}/monitors", response={201: MonitorOut})
@api_perm(MANAGE_TRIAL)
def monitor_assign(request: HttpRequest, trial_id: int, payload: MonitorIn) -> Status[MonitorOut]:
    assignment = services.trial_monitor_assign(
        **acting(request),
        trial_id=trial_id,
        monitor=user_by_username(username=payload.username),
    )
    return Status(201, _monitor(assignment))


@trials_router.post("/{trial_id}/monitors/{assignment_id}/revocation", response=MonitorOut)
@api_perm(MANAGE_TRIAL)
def monitor_revoke(
    request: HttpRequest, trial_id: int, assignment_id: int, payload: ReasonIn
) -> MonitorOut:
    """End the monitor's access (reason required); the assignment is kept, never deleted."""
    assignment = services.trial_monitor_revoke(
        **acting(request),
        trial_id=trial_id,
        assignment_id=assignment_id,
        reason=payload.reason,
    )
    return _monitor(assignment)
