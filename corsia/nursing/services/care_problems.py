"""A nursing problem opened on the patient's plan — from a ward template (its goals and
interventions proposed, then individualised by the nurse) or in the nurse's own words —
and its end: resolved, closed, or entered in error, always with a reason. Never deleted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.nursing import audit_events as events
from corsia.nursing.domain import gordon
from corsia.nursing.domain.care_plans import goal_date, template_from_dict, times_of_day, wording
from corsia.nursing.models import (
    CareGoal,
    CareIntervention,
    CareProblem,
    CareTemplate,
    GoalStatus,
    ProblemStatus,
)
from corsia.nursing.services.care_common import (
    RECORD,
    audit,
    bump,
    fits,
    locked,
    open_problem,
    reason_of,
    target_date,
    today,
)
from corsia.patients.selectors import patient_active_encounter_id, patient_get

MAX_ITEMS = 20


@dataclass(frozen=True)
class GoalInput:
    text: str
    target_date: date | None  # none or not a date: refused (date_invalid)


@dataclass(frozen=True)
class InterventionInput:
    text: str
    times: Sequence[str] | str = ()


@dataclass(frozen=True)
class ProblemInput:
    """A problem for the plan. With ``template_id`` (the version the nurse saw): its wording,
    pattern, goals and interventions unless given here (the individualised ones)."""

    template_id: int | None = None
    wording: str = ""
    pattern: str = ""
    goals: Sequence[GoalInput] | None = None
    interventions: Sequence[InterventionInput] | None = None
    plan_start: date | None = None


def _template(template_id: int) -> CareTemplate:
    template = CareTemplate.objects.filter(pk=template_id).first() if fits(template_id) else None
    if template is None:
        raise NotFound("Modello di piano non trovato.", code="template_not_found")
    if not template.active:
        raise ConflictError(
            "Il modello è stato sostituito da una nuova versione: ricarica la pagina.",
            code="template_version_changed",
        )
    return template


def _items(data: ProblemInput, start: date) -> tuple[list[GoalInput], list[InterventionInput]]:
    goals, interventions = data.goals, data.interventions
    if data.template_id is not None:
        parsed = template_from_dict(_template(data.template_id).definition)
        if goals is None:
            goals = [GoalInput(g.text, goal_date(start, g.days)) for g in parsed.goals]
        if interventions is None:
            interventions = [InterventionInput(i.text, i.times) for i in parsed.interventions]
    goals, interventions = list(goals or []), list(interventions or [])
    if not goals:
        raise ValidationFailed("Indica almeno un obiettivo.", code="goal_required", field="goals")
    if len(goals) > MAX_ITEMS or len(interventions) > MAX_ITEMS:
        raise ValidationFailed(f"Al massimo {MAX_ITEMS} voci.", code="too_many", field="goals")
    return goals, interventions


def care_problem_open(
    *, actor: User, workstation: Workstation, patient_id: int, data: ProblemInput
) -> CareProblem:
    """Open a problem with its goals (target dates not before the plan's start) and its
    planned interventions (times of the day), all checked before anything is written."""
    require_permission(actor, RECORD)
    patient = patient_get(user=actor, patient_id=patient_id)
    start = data.plan_start or today()
    if not isinstance(start, date) or abs((start - today()).days) > 7:
        raise ValidationFailed(
            "L'inizio del piano va da 7 giorni fa a 7 giorni da oggi.",
            code="plan_start_invalid",
            field="plan_start",
        )
    template = _template(data.template_id) if data.template_id is not None else None
    text = data.wording or (template.problem if template else "")
    problem_text = wording(text, label="Problema", field="wording")
    pattern = data.pattern or (template.pattern if template else "")
    if pattern not in gordon.PATTERN_CODES:
        raise ValidationFailed(
            "Indica il modello funzionale di Gordon.", code="pattern_unknown", field="pattern"
        )
    goals, interventions = _items(data, start)
    clean_goals = [
        (wording(g.text, label="Obiettivo", field="goals"), target_date(g.target_date, start))
        for g in goals
    ]
    clean_interventions = [
        (wording(i.text, label="Intervento", field="interventions"), times_of_day(i.times))
        for i in interventions
    ]
    with transaction.atomic():
        problem = CareProblem.objects.create(
            patient_id=patient.pk,
            encounter_id=patient_active_encounter_id(patient_id=patient.pk),
            template=template,
            pattern=pattern,
            wording=problem_text,
            plan_start=start,
            opened_by=actor,
            workstation=workstation_label(workstation)[:120],
        )
        for text_, when in clean_goals:
            CareGoal.objects.create(problem=problem, text=text_, target_date=when)
        for text_, times in clean_interventions:
            CareIntervention.objects.create(problem=problem, text=text_, times=list(times))
        audit(
            events.CARE_PROBLEM_OPENED,
            problem,
            actor=actor,
            workstation=workstation,
            patient_id=patient.pk,
            after={
                "wording": problem_text,
                "template": f"{template.code} v{template.version}" if template else None,
                "goals": len(clean_goals),
                "interventions": len(clean_interventions),
            },
        )
    return problem


ENDINGS = (ProblemStatus.RESOLVED, ProblemStatus.CLOSED, ProblemStatus.ERROR)


def care_problem_set_status(
    *,
    actor: User,
    workstation: Workstation,
    problem_id: int,
    status: str,
    reason: str,
    expected_version: int | None,
) -> CareProblem:
    """End an open problem: resolved, closed without resolution, or entered in error; with
    a reason. Its goals still open are withdrawn and its interventions stopped."""
    require_permission(actor, RECORD)
    if status not in ENDINGS:
        raise ValidationFailed("Scegli come chiudere il problema.", code="status_invalid")
    why = reason_of(reason)
    with transaction.atomic():
        problem = open_problem(locked(CareProblem, problem_id, expected_version, "Il problema"))
        patient_get(user=actor, patient_id=problem.patient_id)
        problem.status, problem.status_reason = status, why
        problem.closed_at = timezone.now()
        bump(problem, "status", "status_reason", "closed_at")
        problem.goals.filter(status=GoalStatus.OPEN).update(
            status=GoalStatus.WITHDRAWN, version=F("version") + 1
        )
        problem.interventions.filter(active=True).update(active=False, version=F("version") + 1)
        audit(
            events.CARE_PROBLEM_STATUS_CHANGED,
            problem,
            actor=actor,
            workstation=workstation,
            patient_id=problem.patient_id,
            before={"status": ProblemStatus.OPEN},
            after={"status": status},
            reason=why,
        )
    return problem
