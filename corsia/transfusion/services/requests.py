"""The patient's blood group on record and the request of blood components."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.patients.selectors import patient_get, patient_record
from corsia.transfusion import audit_events as events
from corsia.transfusion.domain.groups import (
    Determination,
    group_on_record,
    new_determination_problem,
)
from corsia.transfusion.domain.isbt128 import Abo, BloodGroup
from corsia.transfusion.domain.products import Component, Treatment
from corsia.transfusion.domain.states import RequestState
from corsia.transfusion.models import BloodGroupDetermination, TransfusionRequest
from corsia.transfusion.services._common import RECORD_GROUP, REQUEST, clean_text, label120

ABO_BY_TEXT = {a.value: a for a in Abo}
RHD_BY_TEXT = {"pos": True, "neg": False}


def determinations_of(patient_id: int) -> list[Determination]:
    return [
        Determination(row.group, row.sample, row.collected_at)
        for row in BloodGroupDetermination.objects.filter(patient_id=patient_id).order_by("pk")
    ]


def blood_group_record(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    abo: str,
    rhd: str,
    sample: str,
    collected_at: datetime | None,
) -> BloodGroupDetermination:
    """One ABO/RhD determination on one sample; the second concordant one, on another
    sample taken at another time, confirms the patient's group."""
    require_permission(actor, RECORD_GROUP)
    patient = patient_get(user=actor, patient_id=patient_id)
    if abo not in ABO_BY_TEXT:
        raise ValidationFailed("Gruppo ABO non valido.", code="abo_invalid", field="abo")
    if rhd not in RHD_BY_TEXT:
        raise ValidationFailed("RhD non valido.", code="rhd_invalid", field="rhd")
    tube = clean_text(sample, field="sample", label="Provetta")[:40]
    if collected_at is None or collected_at > timezone.now():
        raise ValidationFailed(
            "Indicare quando è stato eseguito il prelievo (non nel futuro).",
            code="collected_at_invalid",
            field="collected_at",
        )
    new = Determination(BloodGroup(ABO_BY_TEXT[abo], RHD_BY_TEXT[rhd]), tube, collected_at)
    with transaction.atomic():
        # one writer of a patient's determinations at a time (the patient's row, locked)
        patient_record(patient_id=patient.pk, lock=True)
        problem = new_determination_problem(determinations_of(patient.pk), new)
        if problem is not None:
            raise ValidationFailed(problem[1], code=problem[0], field="sample")
        row = BloodGroupDetermination.objects.create(
            patient_id=patient.pk,
            abo=new.group.abo.value,
            rhd_positive=new.group.rhd_positive,
            sample=tube,
            collected_at=collected_at,
            recorded_by=actor,
            workstation=label120(workstation),
        )
        status = group_on_record(determinations_of(patient.pk))
        audit_record(
            event=events.GROUP_DETERMINED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=patient.pk,
            after={"group": new.group.short(), "sample": tube, "status": status.status.value},
        )
    return row


@dataclass(frozen=True)
class RequestInput:
    component: str
    units: int
    indication: str
    planned_at: datetime | None
    treatments: tuple[str, ...] = field(default_factory=tuple)
    premedication: str = ""


def transfusion_request_create(
    *, actor: User, workstation: Workstation, patient_id: int, data: RequestInput
) -> TransfusionRequest:
    require_permission(actor, REQUEST)
    patient = patient_get(user=actor, patient_id=patient_id)
    try:
        component = Component(data.component)
    except ValueError:
        raise ValidationFailed(
            "Emocomponente non valido.", code="component_invalid", field="component"
        ) from None
    try:
        treatments = sorted({Treatment(t).value for t in data.treatments})
    except ValueError:
        raise ValidationFailed(
            "Trattamento non valido.", code="treatment_invalid", field="treatments"
        ) from None
    if not isinstance(data.units, int) or not 1 <= data.units <= 10:
        raise ValidationFailed("Le unità vanno da 1 a 10.", code="units_invalid", field="units")
    if data.planned_at is None:
        raise ValidationFailed(
            "Indicare data e ora programmate.", code="planned_at_required", field="planned_at"
        )
    indication = clean_text(data.indication, field="indication", label="Indicazione")
    premedication = clean_text(
        data.premedication, field="premedication", label="Premedicazione", required=False
    )
    with transaction.atomic():
        row = TransfusionRequest.objects.create(
            patient_id=patient.pk,
            component=component.value,
            units=data.units,
            indication=indication,
            treatments=treatments,
            premedication=premedication,
            planned_at=data.planned_at,
            requested_by=actor,
            updated_by=actor,
            workstation=label120(workstation),
        )
        audit_record(
            event=events.REQUEST_CREATED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=patient.pk,
            after={
                "component": component.value,
                "units": data.units,
                "treatments": treatments,
                "planned_at": data.planned_at.isoformat(),
            },
        )
    return row


def request_for_update(*, user: User, request_id: int) -> TransfusionRequest:
    row = TransfusionRequest.objects.select_for_update().filter(pk=request_id).first()
    if row is None:
        raise NotFound("Richiesta non trovata.", code="request_not_found")
    patient_get(user=user, patient_id=row.patient_id)  # scope: refused when out of it
    return row


def transfusion_request_cancel(
    *, actor: User, workstation: Workstation, request_id: int, expected_version: int, reason: str
) -> TransfusionRequest:
    require_permission(actor, REQUEST)
    why = clean_text(reason, field="reason", label="Motivo")
    with transaction.atomic():
        row = request_for_update(user=actor, request_id=request_id)
        row.check_version(expected_version)
        if row.state != RequestState.OPEN.value or row.transfusions.exists():
            raise ConflictError(
                "Si annulla solo una richiesta aperta e senza trasfusioni.",
                code="request_not_cancellable",
            )
        row.state = RequestState.CANCELLED.value
        row.cancel_reason = why
        row.save(update_fields=["state", "cancel_reason", *row.bump(by=actor)])
        audit_record(
            event=events.REQUEST_CANCELLED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=row.patient_id,
            before={"state": RequestState.OPEN.value},
            after={"state": row.state},
            reason=why,
        )
    return row
