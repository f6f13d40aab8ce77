"""The day plan's API (``/api/v1/agenda/...``), «Ottimizza la giornata» as a job: request,
status, apply (``services/plan_requests.py``). Mounted on the agenda's router (``api.py``);
problem+json with stable codes, ``agenda.book``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from corsia.agenda import services
from corsia.agenda.permissions import BOOK
from corsia.agenda.schemas import (
    DayPlanOut,
    LeftOutOut,
    PlanRequestApplyIn,
    PlanRequestOut,
    plan_row_out,
)
from corsia.core.access import api_perm
from corsia.core.schemas import IsoDate
from corsia.core.web import acting

router = Router(tags=["agenda"])


def _plan_out(p: services.DayPlanPreview) -> DayPlanOut:
    return DayPlanOut(
        agenda_id=p.agenda_id,
        day=p.day,
        status=p.status,
        rows=[plan_row_out(r) for r in p.rows],
        left_out=[LeftOutOut(**o.__dict__) for o in p.left_out],
        makespan_before=p.makespan_before,
        makespan_after=p.makespan_after,
        wait_before=p.wait_before,
        wait_after=p.wait_after,
        warnings=list(p.warnings),
        versions=p.versions,
        plan_token=p.plan_token,
    )


def _request_out(request: HttpRequest, request_id: int) -> PlanRequestOut:
    view = services.plan_request_view(**acting(request), request_id=request_id, channel="api")
    return PlanRequestOut(
        id=view.request_id,
        agenda_id=view.agenda_id,
        day=view.day,
        state=view.state,
        requested_by=view.requested_by,
        requested_at=view.requested_at,
        finished_at=view.finished_at,
        error_code=view.error_code,
        error_message=view.error_message,
        stale=view.stale,
        plan=_plan_out(view.preview) if view.preview is not None else None,
    )


@router.post("/agendas/{agenda_id}/plan-requests", response={202: PlanRequestOut})
@api_perm(BOOK)
def plan_request_create(
    request: HttpRequest, agenda_id: int, day: IsoDate
) -> Status[PlanRequestOut]:
    """Ask for the day's plan: recorded now (202), computed by the worker; poll its status."""
    asked = services.day_plan_request(
        **acting(request),
        agenda_id=agenda_id,
        day=day,
        channel="api",
    )
    return Status(202, _request_out(request, asked.pk))


@router.get("/plan-requests/{request_id}", response=PlanRequestOut)
@api_perm(BOOK)
def plan_request_status(request: HttpRequest, request_id: int) -> PlanRequestOut:
    """The request's state; once ready, the plan against the day as it is now."""
    return _request_out(request, request_id)


@router.post("/plan-requests/{request_id}/apply", response=PlanRequestOut)
@api_perm(BOOK)
def plan_request_apply(
    request: HttpRequest, request_id: int, payload: PlanRequestApplyIn
) -> PlanRequestOut:
    """Apply the computed plan: all its moves or none (``plan_stale`` when a booking changed)."""
    services.day_plan_request_apply(**acting(request), request_id=request_id, reason=payload.reason)
    return _request_out(request, request_id)
