"""A therapy plan closed before its end, a delegation revoked: a new row with the reason,
audited; the plan or delegation itself is never changed nor deleted. Effective from the
day recorded (today): nothing more is dispensed under the plan, the delegate no longer
collects."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound
from corsia.dispensing import audit_events as events
from corsia.dispensing.models import Delegation, DelegationRevocation, PlanClosure, TherapyPlan
from corsia.dispensing.services.common import clean_text, lock_patient, require_dispense
from corsia.patients.selectors import patient_get

REASON_REQUIRED = "Indica il motivo."


def plan_close(
    *, actor: User, workstation: Workstation, plan_id: int, reason: str, now: datetime
) -> PlanClosure:
    """Close the plan from today. Refusals: ``reason_required``, ``plan_not_found``,
    ``plan_already_closed``, ``invalid_characters``."""
    require_dispense(actor)
    text = clean_text(reason, "reason", max_length=500, required=REASON_REQUIRED)
    with transaction.atomic():
        plan = TherapyPlan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise NotFound("Piano terapeutico non trovato.", code="plan_not_found")
        patient_get(user=actor, patient_id=plan.patient_id)  # in the reader's scope
        lock_patient(plan.patient_id)
        if PlanClosure.objects.filter(plan=plan).exists():
            raise ConflictError("Il piano è già chiuso.", code="plan_already_closed")
        closure = PlanClosure.objects.create(
            plan=plan, closed_on=timezone.localdate(now), reason=text, recorded_by=actor,
            recorded_at=now, workstation=workstation_label(workstation),
        )  # fmt: skip
        audit_record(
            event=events.PLAN_CLOSED, actor=actor, workstation=workstation, target=plan,
            patient_id=plan.patient_id, after={"closed_on": closure.closed_on.isoformat()},
            reason=text,
        )  # fmt: skip
    return closure


def delegation_revoke(
    *, actor: User, workstation: Workstation, delegation_id: int, reason: str, now: datetime
) -> DelegationRevocation:
    """Revoke the delegation from today. Refusals: ``reason_required``,
    ``delegation_not_found``, ``delegation_already_revoked``, ``invalid_characters``."""
    require_dispense(actor)
    text = clean_text(reason, "reason", max_length=500, required=REASON_REQUIRED)
    with transaction.atomic():
        delegation = Delegation.objects.filter(pk=delegation_id).first()
        if delegation is None:
            raise NotFound("Delega non trovata.", code="delegation_not_found")
        patient_get(user=actor, patient_id=delegation.patient_id)
        lock_patient(delegation.patient_id)
        if DelegationRevocation.objects.filter(delegation=delegation).exists():
            raise ConflictError("La delega è già revocata.", code="delegation_already_revoked")
        revocation = DelegationRevocation.objects.create(
            delegation=delegation, revoked_on=timezone.localdate(now), reason=text,
            recorded_by=actor, recorded_at=now, workstation=workstation_label(workstation),
        )  # fmt: skip
        audit_record(
            event=events.DELEGATION_REVOKED, actor=actor, workstation=workstation,
            target=delegation, patient_id=delegation.patient_id,
            after={"revoked_on": revocation.revoked_on.isoformat()}, reason=text,
        )  # fmt: skip
    return revocation
