"""Evaluation: a goal met, met in part or not met, with a note, and the decision that
follows — continue the plan, revise it, or close the problem as resolved."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ValidationFailed
from corsia.nursing import audit_events as events
from corsia.nursing.domain.care_plans import wording
from corsia.nursing.models import (
    CareEvaluation,
    CareGoal,
    Decision,
    GoalStatus,
    Outcome,
    ProblemStatus,
)
from corsia.nursing.services.care_common import RECORD, audit, bump, locked, open_problem
from corsia.patients.selectors import patient_get


def care_goal_evaluate(
    *,
    actor: User,
    workstation: Workstation,
    goal_id: int,
    outcome: str,
    decision: str,
    note: str = "",
    expected_version: int | None,
) -> CareEvaluation:
    """The goal's outcome (its status), the note (required unless met), the decision; a
    closed problem cannot be evaluated; ``resolve`` closes the problem (reason: the note)."""
    require_permission(actor, RECORD)
    if outcome not in Outcome.values:
        raise ValidationFailed("Indica l'esito.", code="outcome_invalid", field="outcome")
    if decision not in Decision.values:
        raise ValidationFailed("Indica la decisione.", code="decision_invalid", field="decision")
    needs_note = outcome != Outcome.MET or decision == Decision.RESOLVE
    text = wording(note, label="Nota", field="note", limit=4000) if (note or "").strip() else ""
    if needs_note and not text:
        raise ValidationFailed(
            "Scrivi una nota sulla valutazione.", code="note_required", field="note"
        )
    with transaction.atomic():
        goal = locked(CareGoal, goal_id, expected_version, "L'obiettivo")
        problem = open_problem(goal.problem)
        patient_get(user=actor, patient_id=problem.patient_id)
        if goal.status == GoalStatus.WITHDRAWN:
            raise ValidationFailed("L'obiettivo è stato ritirato.", code="goal_withdrawn")
        row = CareEvaluation.objects.create(
            patient_id=problem.patient_id,
            problem=problem,
            goal=goal,
            outcome=outcome,
            decision=decision,
            note=text,
            author=actor,
            workstation=workstation_label(workstation)[:120],
        )
        before = goal.status
        goal.status = outcome
        bump(goal, "status")
        if decision == Decision.RESOLVE:
            problem.status, problem.status_reason = ProblemStatus.RESOLVED, text
            problem.closed_at = timezone.now()
            bump(problem, "status", "status_reason", "closed_at")
            problem.interventions.filter(active=True).update(active=False)
        audit(
            events.CARE_GOAL_EVALUATED,
            row,
            actor=actor,
            workstation=workstation,
            patient_id=problem.patient_id,
            before={"goal_status": before},
            after={"goal": goal.pk, "outcome": outcome, "decision": decision, "note": text},
        )
    return row
