"""The physician declares the urgency on a request: the transfusion service may then release
components before the patient's group is confirmed and without crossmatch, only those
``domain/emergency.py`` allows; each bag so released stays pending until its crossmatch."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.patients.selectors import patient_get
from corsia.transfusion import audit_events as events
from corsia.transfusion.domain.emergency import RhdPolicy, rhd_positive_eligible
from corsia.transfusion.domain.states import RequestState
from corsia.transfusion.models import EmergencyRelease
from corsia.transfusion.services._common import REQUEST, clean_text, label120
from corsia.transfusion.services.requests import request_for_update


def age_years(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def emergency_declare(
    *,
    actor: User,
    workstation: Workstation,
    request_id: int,
    expected_version: int,
    reason: str,
    rhd_policy: str,
) -> EmergencyRelease:
    """The urgency (reason, who, when) on an open request; O RhD-positive red cells are
    declared allowed only for a patient the hospital's policy admits (``rhd_positive_eligible``)."""
    require_permission(actor, REQUEST)
    why = clean_text(reason, field="reason", label="Motivo dell'urgenza")
    try:
        policy = RhdPolicy(rhd_policy)
    except ValueError:
        raise ValidationFailed(
            "Politica RhD non valida.", code="rhd_policy_invalid", field="rhd_policy"
        ) from None
    with transaction.atomic():
        request = request_for_update(user=actor, request_id=request_id)
        request.check_version(expected_version)
        if request.state != RequestState.OPEN.value:
            raise ConflictError("La richiesta non è aperta.", code="request_not_open")
        patient = patient_get(user=actor, patient_id=request.patient_id)
        age = age_years(patient.date_of_birth, timezone.localdate())
        if policy is RhdPolicy.POSITIVE_ALLOWED and not rhd_positive_eligible(patient.sex, age):
            raise ValidationFailed(
                "Emazie O RhD positive non ammesse per questo paziente (solo maschio adulto o "
                "donna oltre l'età fertile, dai 50 anni): dichiarare solo O RhD negativo.",
                code="rhd_positive_not_eligible",
                field="rhd_policy",
            )
        try:
            with transaction.atomic():
                row = EmergencyRelease.objects.create(
                    patient_id=request.patient_id,
                    request=request,
                    reason=why,
                    rhd_policy=policy.value,
                    declared_by=actor,
                    workstation=label120(workstation),
                )
        except IntegrityError:
            raise ConflictError(
                "L'urgenza è già stata dichiarata per questa richiesta.",
                code="emergency_already_declared",
            ) from None
        request.save(update_fields=[*request.bump(by=actor)])
        audit_record(
            event=events.EMERGENCY_DECLARED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=request.patient_id,
            after={"request": request.pk, "rhd_policy": policy.value, "age": age},
            reason=why,
        )
    return row
