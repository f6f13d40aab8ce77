"""Clinical trials: create a trial, enrol a patient (consent date, arm, study id), withdraw
an enrolment, assign and revoke a monitor.

Nothing is deleted (the database refuses it): a withdrawal and a revocation are recorded on
their row, with who, when and why, and audited. A monitor reads only the patients enrolled,
and not withdrawn, in the trials assigned to them and not revoked
(``corsia.regimens.selectors.monitored_patient_ids``, the reader of ``patients.scope``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.selectors import user_roles
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.patients.selectors import patient_record
from corsia.regimens import audit_events as events
from corsia.regimens.domain.trials import check_subject_code, check_trial_numbers, ensure_reason
from corsia.regimens.models import (
    ClinicalTrial,
    Regimen,
    TrialEnrollment,
    TrialMonitorAssignment,
)

MANAGE_TRIAL = "regimens.manage_trial"


def trial_create(
    *,
    actor: User,
    code: str,
    title: str,
    eudract_number: str = "",
    ctis_number: str = "",
    sponsor: str = "",
    regimen_codes: Iterable[str] = (),
    workstation: Workstation = None,
) -> ClinicalTrial:
    require_permission(actor, MANAGE_TRIAL)
    code, title, sponsor = code.strip(), title.strip(), sponsor.strip()
    eudract_number, ctis_number = eudract_number.strip(), ctis_number.strip()
    if not code or not title:
        raise ValidationFailed(
            "Codice e titolo dello studio sono obbligatori.",
            code="trial_code_and_title_required",
            field="code" if not code else "title",
        )
    check_trial_numbers(eudract_number=eudract_number, ctis_number=ctis_number)
    with transaction.atomic():
        if ClinicalTrial.objects.filter(code=code).exists():
            raise ConflictError(f"Lo studio {code} esiste già.", code="trial_code_taken")
        codes = list(regimen_codes)
        regimens = list(Regimen.objects.filter(code__in=codes))
        if len(regimens) != len(set(codes)):
            missing = sorted(set(codes) - {r.code for r in regimens})
            raise ValidationFailed(
                f"Schemi inesistenti: {', '.join(missing)}.",
                code="unknown_regimen",
                field="regimens",
            )
        trial = ClinicalTrial.objects.create(
            code=code,
            title=title,
            eudract_number=eudract_number,
            ctis_number=ctis_number,
            sponsor=sponsor,
            updated_by=actor,
        )
        trial.regimens.set(regimens)
        audit_record(
            event=events.TRIAL_CREATED,
            actor=actor,
            workstation=workstation,
            target=trial,
            after={
                "code": code,
                "eudract": eudract_number,
                "ctis": ctis_number,
                "regimens": sorted(codes),
            },
        )
    return trial


def _trial_for_update(trial_id: int) -> ClinicalTrial:
    trial = ClinicalTrial.objects.select_for_update().filter(pk=trial_id).first()
    if trial is None:
        raise NotFound("Studio clinico non trovato.", code="trial_not_found")
    return trial


def trial_enrol_patient(
    *,
    actor: User,
    trial_id: int,
    patient_id: int,
    subject_code: str,
    consent_date: date | None,
    arm_regimen_code: str | None = None,
    workstation: Workstation = None,
) -> TrialEnrollment:
    """Enrol a registered patient, who signed the informed consent on ``consent_date`` (not
    in the future), under the study's ``subject_code``, in one of the trial's arms."""
    require_permission(actor, MANAGE_TRIAL)
    subject_code = check_subject_code(subject_code)
    if consent_date is None:
        raise ValidationFailed(
            "Indicare la data del consenso informato.",
            code="consent_date_required",
            field="consent_date",
        )
    if consent_date > timezone.localdate():
        raise ValidationFailed(
            "La data del consenso informato non può essere futura.",
            code="consent_date_in_future",
            field="consent_date",
        )
    with transaction.atomic():
        trial = _trial_for_update(trial_id)
        if not trial.is_open:
            raise ConflictError("L'arruolamento nello studio è chiuso.", code="trial_closed")
        patient = patient_record(patient_id=patient_id)
        if patient.merged_into_id is not None:
            raise ConflictError(
                "Il paziente è un duplicato unito a un altro: arruolare il paziente principale.",
                code="patient_merged",
            )
        arm = None
        if arm_regimen_code:
            arm = trial.regimens.filter(code=arm_regimen_code).first()
            if arm is None:
                raise ValidationFailed(
                    f"Lo schema {arm_regimen_code} non è un braccio dello studio.",
                    code="arm_not_in_trial",
                    field="arm_regimen_code",
                )
        if TrialEnrollment.objects.filter(trial=trial, patient_id=patient_id).exists():
            raise ConflictError("Paziente già arruolato nello studio.", code="already_enrolled")
        if TrialEnrollment.objects.filter(trial=trial, subject_code=subject_code).exists():
            raise ConflictError(
                f"Il codice soggetto {subject_code} è già usato nello studio.",
                code="subject_code_taken",
            )
        enrollment = TrialEnrollment.objects.create(
            trial=trial,
            patient_id=patient_id,
            subject_code=subject_code,
            arm_regimen=arm,
            consent_date=consent_date,
            enrolled_by=actor,
        )
        audit_record(
            event=events.TRIAL_PATIENT_ENROLLED,
            actor=actor,
            workstation=workstation,
            target=enrollment,
            patient_id=patient_id,
            after={
                "trial": trial.code,
                "subject_code": subject_code,
                "arm": arm.code if arm else None,
                "consent_date": consent_date.isoformat(),
            },
        )
    return enrollment


def trial_enrolment_withdraw(
    *,
    actor: User,
    trial_id: int,
    enrolment_id: int,
    reason: str,
    workstation: Workstation = None,
) -> TrialEnrollment:
    """Withdraw a patient from the trial (consent withdrawn, investigator's decision, …):
    the row stays, with who, when and why; the trial's monitors no longer read the patient."""
    require_permission(actor, MANAGE_TRIAL)
    reason = ensure_reason(reason, field="reason")
    with transaction.atomic():
        enrollment = (
            TrialEnrollment.objects.select_for_update()
            .select_related("trial")
            .filter(pk=enrolment_id, trial_id=trial_id)
            .first()
        )
        if enrollment is None:
            raise NotFound("Arruolamento non trovato.", code="enrolment_not_found")
        if enrollment.withdrawn_at is not None:
            raise ConflictError(
                "Il paziente è già stato ritirato dallo studio.", code="already_withdrawn"
            )
        enrollment.withdrawn_at = timezone.now()
        enrollment.withdrawn_by = actor
        enrollment.withdrawal_reason = reason
        enrollment.save(
            update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"]
        )
        audit_record(
            event=events.TRIAL_PATIENT_WITHDRAWN,
            actor=actor,
            workstation=workstation,
            target=enrollment,
            patient_id=enrollment.patient_id,
            after={"trial": enrollment.trial.code, "subject_code": enrollment.subject_code},
            reason=reason,
        )
    return enrollment


def trial_monitor_assign(
    *, actor: User, trial_id: int, monitor: User, workstation: Workstation = None
) -> TrialMonitorAssignment:
    """Let a monitor (a user in the trial-monitor role) read the trial's enrolled patients."""
    require_permission(actor, MANAGE_TRIAL)
    if Role.TRIAL_MONITOR not in user_roles(monitor) or not monitor.is_active:
        raise ValidationFailed(
            f"{monitor.get_username()} non è un monitor di studi clinici attivo.",
            code="not_a_trial_monitor",
            field="monitor",
        )
    with transaction.atomic():
        trial = _trial_for_update(trial_id)
        if TrialMonitorAssignment.objects.filter(
            trial=trial, user=monitor, revoked_at__isnull=True
        ).exists():
            raise ConflictError(
                f"{monitor.get_username()} è già monitor dello studio {trial.code}.",
                code="monitor_already_assigned",
            )
        assignment = TrialMonitorAssignment.objects.create(
            trial=trial, user=monitor, assigned_by=actor
        )
        audit_record(
            event=events.TRIAL_MONITOR_ASSIGNED,
            actor=actor,
            workstation=workstation,
            target=trial,
            after={"monitor": monitor.get_username(), "assignment": assignment.pk},
        )
    return assignment


def trial_monitor_revoke(
    *,
    actor: User,
    trial_id: int,
    assignment_id: int,
    reason: str,
    workstation: Workstation = None,
) -> TrialMonitorAssignment:
    """End a monitor's access to the trial (the row stays, with who, when and why)."""
    require_permission(actor, MANAGE_TRIAL)
    reason = ensure_reason(reason, field="reason")
    with transaction.atomic():
        assignment = (
            TrialMonitorAssignment.objects.select_for_update()
            .select_related("trial", "user")
            .filter(pk=assignment_id, trial_id=trial_id)
            .first()
        )
        if assignment is None:
            raise NotFound("Assegnazione del monitor non trovata.", code="assignment_not_found")
        if assignment.revoked_at is not None:
            raise ConflictError("L'assegnazione è già stata revocata.", code="already_revoked")
        assignment.revoked_at = timezone.now()
        assignment.revoked_by = actor
        assignment.revoke_reason = reason
        assignment.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
        audit_record(
            event=events.TRIAL_MONITOR_REVOKED,
            actor=actor,
            workstation=workstation,
            target=assignment.trial,
            after={"monitor": assignment.user.get_username(), "assignment": assignment.pk},
            reason=reason,
        )
    return assignment
