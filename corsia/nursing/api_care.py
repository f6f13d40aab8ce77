"""JSON API of the nursing process (``/api/v1/nursing/...``, mounted by ``api.py``): the
care-plan templates, a patient's plan, each act of the process, the nursing discharge, and
the corrections of a diary note or a monitored value. The same services and permissions
as the pages; refusals are problem+json with a stable code."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from corsia.core.access import api_perm
from corsia.core.schemas import AwareDatetime, IsoDatetime
from corsia.core.web import reading, request_actor
from corsia.nursing import selectors_care, services
from corsia.nursing.api_common import RECORD, VIEW, act_operations, created
from corsia.nursing.models import (
    CareEvaluation,
    CareGoal,
    CareIntervention,
    CareProblem,
    CareTemplate,
    InterventionRecord,
    NursingDischarge,
)

router = Router(tags=["nursing"])
MANAGE = "nursing.manage_scales"


class TemplateOut(Schema):
    id: int
    code: str
    version: str
    problem: str
    pattern: str
    shipped: bool
    active: bool
    definition: dict[str, Any]


class TemplateIn(Schema):
    definition: dict[str, Any]


class GoalOut(Schema):
    id: int
    text: str
    target_date: date
    status: str
    version: int


class InterventionOut(Schema):
    id: int
    text: str
    times: list[str]
    active: bool
    version: int


class ProblemOut(Schema):
    id: int
    patient_id: int
    wording: str
    pattern: str
    template: str | None  # code v version
    status: str
    status_reason: str
    plan_start: date
    opened_at: IsoDatetime
    version: int
    goals: list[GoalOut]
    interventions: list[InterventionOut]


class _ByOut(Schema):
    author: str  # who wrote it (the username)


class RecordOut(_ByOut):
    id: int
    intervention_id: int
    done: bool
    reason_not_done: str
    due_at: IsoDatetime | None
    performed_at: IsoDatetime
    workstation: str


class EvaluationOut(_ByOut):
    id: int
    goal_id: int
    outcome: str
    decision: str
    note: str
    recorded_at: IsoDatetime


class DischargeOut(_ByOut):
    id: int
    destination: str
    devices: str
    notes: str
    summary: dict[str, Any]
    recorded_at: IsoDatetime


class SuggestionOut(Schema):
    template_id: int
    problem: str
    because: str


class StayOut(Schema):
    id: int  # 0: outside any stay
    label: str
    current: bool


class PlanOut(Schema):
    stay: int
    stays: list[StayOut]
    problems: list[ProblemOut]
    ended: list[ProblemOut]
    suggestions: list[SuggestionOut]
    records_today: list[RecordOut]
    discharges: list[DischargeOut]


class GoalIn(Schema):
    text: str
    target_date: date


class InterventionIn(Schema):
    text: str
    times: list[str] = []


class ProblemIn(Schema):
    template_id: int | None = None  # the version the nurse saw; a newer one: 409
    wording: str = ""
    pattern: str = ""
    goals: list[GoalIn] | None = None  # none with a template: its own
    interventions: list[InterventionIn] | None = None
    plan_start: date | None = None


class _Revision(Schema):
    reason: str
    expected_version: int  # the version read: another change meanwhile is a 409


class StatusIn(_Revision):
    status: str  # resolved | closed | error


class GoalAddIn(GoalIn):
    expected_version: int  # the problem's


class GoalReviseIn(GoalIn, _Revision):
    withdraw: bool = False


class InterventionAddIn(InterventionIn):
    expected_version: int  # the problem's


class InterventionReviseIn(InterventionIn, _Revision):
    stop: bool = False


class RecordIn(Schema):
    done: bool
    reason_not_done: str = ""
    performed_at: AwareDatetime | None = None
    due_at: AwareDatetime | None = None
    note: str = ""


class EvaluationIn(Schema):
    outcome: str  # met | partial | not_met
    decision: str  # continue | revise | resolve
    note: str = ""
    expected_version: int  # the goal's


class ActivationIn(Schema):
    active: bool  # true: put back in use (the code's other versions withdrawn)
    reason: str


class DischargeIn(Schema):
    destination: str
    devices: str = ""
    notes: str = ""


def _template_out(t: CareTemplate) -> TemplateOut:
    return TemplateOut.model_validate(t, from_attributes=True)


def _goal_out(g: CareGoal) -> GoalOut:
    return GoalOut.model_validate(g, from_attributes=True)


def _intervention_out(i: CareIntervention) -> InterventionOut:
    return InterventionOut.model_validate(i, from_attributes=True)


def _problem_out(p: CareProblem) -> ProblemOut:
    return ProblemOut(
        id=p.pk,
        patient_id=p.patient_id,
        wording=p.wording,
        pattern=p.pattern,
        template=f"{p.template.code} v{p.template.version}" if p.template else None,
        status=p.status,
        status_reason=p.status_reason,
        plan_start=p.plan_start,
        opened_at=p.opened_at,
        version=p.version,
        goals=[_goal_out(g) for g in p.goals.all()],
        interventions=[_intervention_out(i) for i in p.interventions.all()],
    )


def _by(row: InterventionRecord | CareEvaluation | NursingDischarge) -> dict[str, Any]:
    fields = {f: getattr(row, f) for f in ("id", "recorded_at", "workstation")}
    return fields | {"author": row.author.username}


def _record_out(r: InterventionRecord) -> RecordOut:
    return RecordOut(
        **_by(r),
        intervention_id=r.intervention_id,
        done=r.done,
        reason_not_done=r.reason_not_done,
        due_at=r.due_at,
        performed_at=r.performed_at,
    )


def _evaluation_out(e: CareEvaluation) -> EvaluationOut:
    fields: dict[str, Any] = {
        "goal_id": e.goal_id,
        "outcome": e.outcome,
        "decision": e.decision,
        "note": e.note,
    }
    return EvaluationOut(**_by(e), **fields)


def _discharge_out(d: NursingDischarge) -> DischargeOut:
    fields: dict[str, Any] = {"destination": d.destination, "devices": d.devices, "notes": d.notes}
    return DischargeOut(**_by(d), **fields, summary=d.summary)


@router.get("/care-templates", response=list[TemplateOut])
@api_perm(VIEW)
def templates(request: HttpRequest, all_versions: bool = False) -> list[TemplateOut]:
    """The ward's care-plan templates in use (``all_versions=true``: every version)."""
    actor = request_actor(request)
    rows = (
        selectors_care.care_templates_all(user=actor)
        if all_versions
        else selectors_care.care_templates_in_use(user=actor)
    )
    return [_template_out(t) for t in rows]


@router.post("/care-templates", response={201: TemplateOut})
@api_perm(MANAGE)
def define_template(request: HttpRequest, payload: TemplateIn) -> Status[TemplateOut]:
    """A ward's template, or a new version of one (the older ones withdrawn, kept)."""
    return created(request, services.care_template_define, _template_out, **payload.model_dump())


@router.get("/patients/{patient_id}/care-plan", response=PlanOut)
@api_perm(VIEW)
def care_plan(request: HttpRequest, patient_id: int, stay: int | None = None) -> PlanOut:
    """Open and ended problems of one stay (``stay``: an id of ``stays``, 0 outside any
    stay; none: the current one, else the latest), today's recorded interventions, the
    scales' suggestions."""
    plan = selectors_care.patient_care_plan(**reading(request), patient_id=patient_id, stay=stay)
    records = [
        r
        for view in plan.open
        for i in view.interventions
        for r in [*(s.record for s in i.slots if s.record), *i.others]
    ]
    return PlanOut(
        stay=plan.stay,
        stays=[StayOut(id=c.id, label=c.label, current=c.current) for c in plan.stays],
        problems=[_problem_out(v.problem) for v in plan.open],
        ended=[_problem_out(p) for p in plan.ended],
        suggestions=[
            SuggestionOut(template_id=t.pk, problem=t.problem, because=why)
            for t, why in plan.suggestions
        ],
        records_today=[_record_out(r) for r in records],
        discharges=[_discharge_out(d) for d in plan.discharges],
    )


@router.post("/patients/{patient_id}/problems", response={201: ProblemOut})
@api_perm(RECORD)
def open_problem(request: HttpRequest, patient_id: int, payload: ProblemIn) -> Status[ProblemOut]:
    """A problem from a template version (individualised with ``goals``/``interventions``)
    or in the nurse's words."""
    raw = payload.model_dump()
    data = services.ProblemInput(
        **{k: raw[k] for k in ("template_id", "wording", "pattern", "plan_start")},
        goals=None if payload.goals is None else [services.GoalInput(**g) for g in raw["goals"]],
        interventions=None
        if payload.interventions is None
        else [services.InterventionInput(**i) for i in raw["interventions"]],
    )
    return created(
        request, services.care_problem_open, _problem_out, patient_id=patient_id, data=data
    )


# path, operation name, payload, service, answer, its schema, what it does
ACTS: tuple[tuple[Any, ...], ...] = (
    (
        "/care-templates/{template_id}/activation",
        "care_template_activation",
        ActivationIn,
        services.care_template_set_active,
        _template_out,
        TemplateOut,
        "A template version withdrawn or put back in use, with the reason.",
        MANAGE,
    ),
    (
        "/problems/{problem_id}/status",
        "end_problem",
        StatusIn,
        services.care_problem_set_status,
        _problem_out,
        ProblemOut,
        "Resolved, closed or entered in error, with the reason (never deleted).",
    ),
    (
        "/problems/{problem_id}/goals",
        "add_goal",
        GoalAddIn,
        services.care_goal_add,
        _goal_out,
        GoalOut,
        "A goal added (target date not before the plan's start).",
    ),
    (
        "/goals/{goal_id}/revisions",
        "revise_goal",
        GoalReviseIn,
        services.care_goal_revise,
        _goal_out,
        GoalOut,
        "A goal's wording or date revised, or the goal withdrawn, with a reason.",
    ),
    (
        "/problems/{problem_id}/interventions",
        "add_intervention",
        InterventionAddIn,
        services.care_intervention_add,
        _intervention_out,
        InterventionOut,
        "An intervention planned at the times of the day (none: when needed).",
    ),
    (
        "/interventions/{intervention_id}/revisions",
        "revise_intervention",
        InterventionReviseIn,
        services.care_intervention_revise,
        _intervention_out,
        InterventionOut,
        "An intervention's wording or times revised, or it stopped, with a reason.",
    ),
    (
        "/interventions/{intervention_id}/records",
        "record_intervention",
        RecordIn,
        services.care_intervention_record,
        _record_out,
        RecordOut,
        "Done, or not done with the reason; who, when and where are the request's.",
    ),
    (
        "/goals/{goal_id}/evaluations",
        "evaluate_goal",
        EvaluationIn,
        services.care_goal_evaluate,
        _evaluation_out,
        EvaluationOut,
        "Met, partly or not met, the note, the decision (resolve closes the problem).",
    ),
    (
        "/patients/{patient_id}/discharge",
        "discharge",
        DischargeIn,
        services.nursing_discharge_write,
        _discharge_out,
        DischargeOut,
        "The nursing discharge: the open problems handed on (and closed on this plan).",
    ),
)

act_operations(router, ACTS)
