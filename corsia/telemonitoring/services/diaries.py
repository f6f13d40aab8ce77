"""Symptom diaries: the team schedules one per cycle; the patient fills it; its rules raise
alerts for the team and tell the patient at once what to do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import ValidationFailed
from corsia.core.domain.text import clean_text
from corsia.telemonitoring import audit_events as events
from corsia.telemonitoring.context import (
    PatientActor,
    activity,
    current_schedule,
    portal_workstation,
    staff_patient,
)
from corsia.telemonitoring.domain.questionnaires import (
    DiaryContext,
    clean_answers,
    diary_alerts,
    response_to_fhir,
)
from corsia.telemonitoring.models import Alert, DiaryResponse, DiarySchedule
from corsia.telemonitoring.questionnaires import SYMPTOM_DIARY, questionnaire, response_validate
from corsia.telemonitoring.services.common import alert_raise_rule

MAX_DAYS = 42


def diary_schedule(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    chemotherapy_on: date,
    days: int = 21,
    baseline_stools: int = 1,
    regimen: str = "",
    cycle_number: int | None = None,
) -> DiarySchedule:
    """The symptom diary for the ``days`` from a cycle's day 1 (``chemotherapy_on``)."""
    actor = staff_patient(actor, patient_id, manage=True)
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(
            f"I giorni del diario vanno da 1 a {MAX_DAYS}.", code="diary_days", field="days"
        )
    if not 0 <= baseline_stools <= 10:
        raise ValidationFailed(
            "Scariche abituali: da 0 a 10 al giorno.",
            code="diary_baseline",
            field="baseline_stools",
        )
    if cycle_number is not None and not 1 <= cycle_number <= 99:
        raise ValidationFailed("Ciclo da 1 a 99.", code="diary_cycle", field="cycle_number")
    regimen = clean_text(regimen, "regimen", limit=200)
    with transaction.atomic():
        schedule = DiarySchedule.objects.create(
            patient_id=patient_id,
            questionnaire=SYMPTOM_DIARY,
            regimen=regimen,
            cycle_number=cycle_number,
            chemotherapy_on=chemotherapy_on,
            days=days,
            baseline_stools=baseline_stools,
            created_by=actor,
        )
        audit_record(
            event=events.DIARY_SCHEDULED,
            actor=actor,
            workstation=workstation,
            target=schedule,
            patient_id=patient_id,
            after={
                "chemotherapy_on": chemotherapy_on.isoformat(),
                "days": days,
                "baseline_stools": baseline_stools,
                "regimen": regimen,
                "cycle_number": cycle_number,
            },
        )
    return schedule


@dataclass(frozen=True)
class DiaryOutcome:
    response: DiaryResponse
    alerts: tuple[Alert, ...]

    @property
    def instructions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.instruction for a in self.alerts if a.instruction))


def diary_submit(*, patient: PatientActor, answers: Mapping[str, str]) -> DiaryOutcome:
    """The patient's diary for today: answers checked, stored as a FHIR
    QuestionnaireResponse, the rules applied (alerts for the team, the instruction for the
    patient)."""
    form = questionnaire(SYMPTOM_DIARY)
    clean = clean_answers(form, answers)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        schedule = current_schedule(patient.patient_id, today)
        resource = response_to_fhir(
            form,
            clean,
            patient_ref=f"Patient/{patient.patient_id}",
            authored=now.isoformat(),
        )
        response_validate(resource)
        response = DiaryResponse.objects.create(
            patient_id=patient.patient_id,
            schedule=schedule,
            questionnaire=form.key,
            resource=resource,
            submitted_at=now,
        )
        workstation = portal_workstation(patient)
        audit_record(
            event=events.DIARY_SUBMITTED,
            actor=None,
            workstation=workstation,
            target=response,
            patient_id=patient.patient_id,
            after={k: f"{v}" for k, v in clean.items()},
        )
        context = DiaryContext(
            after_chemotherapy=schedule is not None,
            baseline_stools=schedule.baseline_stools if schedule else 1,
        )
        alerts = tuple(
            alert_raise_rule(
                patient_id=patient.patient_id, hit=hit, response=response, workstation=workstation
            )
            for hit in diary_alerts(clean, context)
        )
        activity(patient, "diary_submitted", f"{form.key} {response.pk}")
    return DiaryOutcome(response, alerts)
