"""Individualising a problem's plan: a goal or a planned intervention added, a goal
revised (wording, target date) or withdrawn, an intervention revised (wording, times) or
stopped. Each change is made on the version the nurse saw, with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from django.db import transaction

from corsia.core.actors import User, Workstation, require_permission
from corsia.nursing import audit_events as events
from corsia.nursing.domain.care_plans import times_of_day, wording
from corsia.nursing.models import CareGoal, CareIntervention, CareProblem, GoalStatus
from corsia.nursing.services.care_common import (
    RECORD,
    audit,
    bump,
    locked,
    open_problem,
    reason_of,
    target_date,
)
from corsia.patients.selectors import patient_get


def _problem(actor: User, problem_id: int, expected_version: int | None) -> CareProblem:
    problem = open_problem(locked(CareProblem, problem_id, expected_version, "Il problema"))
    patient_get(user=actor, patient_id=problem.patient_id)
    return problem


_I = TypeVar("_I", CareGoal, CareIntervention)


def _item(
    actor: User, model: type[_I], pk: int, expected_version: int | None, what: str
) -> tuple[_I, CareProblem]:
    """A goal or an intervention locked at the version read, of an open problem."""
    row = locked(model, pk, expected_version, what)
    problem = open_problem(row.problem)
    patient_get(user=actor, patient_id=problem.patient_id)
    return row, problem


def care_goal_add(
    *,
    actor: User,
    workstation: Workstation,
    problem_id: int,
    text: str,
    target_date: date,
    expected_version: int | None,
) -> CareGoal:
    require_permission(actor, RECORD)
    clean = wording(text, label="Obiettivo", field="text")
    with transaction.atomic():
        problem = _problem(actor, problem_id, expected_version)
        when = _target(target_date, problem)
        goal = CareGoal.objects.create(problem=problem, text=clean, target_date=when)
        bump(problem)
        audit(
            events.CARE_GOAL_ADDED,
            goal,
            actor=actor,
            workstation=workstation,
            patient_id=problem.patient_id,
            after={"problem": problem.pk, "text": clean, "target_date": when.isoformat()},
        )
    return goal


def _target(value: date, problem: CareProblem) -> date:
    return target_date(value, problem.plan_start)


def care_goal_revise(
    *,
    actor: User,
    workstation: Workstation,
    goal_id: int,
    text: str,
    target_date: date,
    reason: str,
    expected_version: int | None,
    withdraw: bool = False,
) -> CareGoal:
    """A goal's wording or date revised, or the goal withdrawn (``withdraw``)."""
    require_permission(actor, RECORD)
    why = reason_of(reason)
    clean = wording(text, label="Obiettivo", field="text")
    with transaction.atomic():
        goal, problem = _item(actor, CareGoal, goal_id, expected_version, "L'obiettivo")
        before = {"text": goal.text, "target_date": goal.target_date.isoformat()}
        goal.text, goal.target_date = clean, _target(target_date, problem)
        if withdraw:
            goal.status = GoalStatus.WITHDRAWN
        bump(goal, "text", "target_date", "status")
        audit(
            events.CARE_GOAL_REVISED,
            goal,
            actor=actor,
            workstation=workstation,
            patient_id=problem.patient_id,
            before=before,
            after={
                "text": clean,
                "target_date": goal.target_date.isoformat(),
                "status": goal.status,
            },
            reason=why,
        )
    return goal


def care_intervention_add(
    *,
    actor: User,
    workstation: Workstation,
    problem_id: int,
    text: str,
    times: Sequence[str] | str,
    expected_version: int | None,
) -> CareIntervention:
    require_permission(actor, RECORD)
    clean = wording(text, label="Intervento", field="text")
    slots = times_of_day(times)
    with transaction.atomic():
        problem = _problem(actor, problem_id, expected_version)
        row = CareIntervention.objects.create(problem=problem, text=clean, times=list(slots))
        bump(problem)
        audit(
            events.CARE_INTERVENTION_ADDED,
            row,
            actor=actor,
            workstation=workstation,
            patient_id=problem.patient_id,
            after={"problem": problem.pk, "text": clean, "times": list(slots)},
        )
    return row


def care_intervention_revise(
    *,
    actor: User,
    workstation: Workstation,
    intervention_id: int,
    text: str,
    times: Sequence[str] | str,
    reason: str,
    expected_version: int | None,
    stop: bool = False,
) -> CareIntervention:
    """An intervention's wording or times revised, or the intervention stopped."""
    require_permission(actor, RECORD)
    why = reason_of(reason)
    clean = wording(text, label="Intervento", field="text")
    slots = times_of_day(times)
    with transaction.atomic():
        row, problem = _item(
            actor, CareIntervention, intervention_id, expected_version, "L'intervento"
        )
        before = {"text": row.text, "times": row.times, "active": row.active}
        row.text, row.times, row.active = clean, list(slots), row.active and not stop
        bump(row, "text", "times", "active")
        audit(
            events.CARE_INTERVENTION_REVISED,
            row,
            actor=actor,
            workstation=workstation,
            patient_id=problem.patient_id,
            before=before,
            after={"text": clean, "times": list(slots), "active": row.active},
            reason=why,
        )
    return row
