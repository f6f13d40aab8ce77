"""The nursing discharge: for the next setting (home, another ward, a hospice), what is
still open of the plan — problems with their goals and interventions — the devices the
patient leaves with and the scales' latest values, written once as it was at discharge.
The problems handed on are closed on this plan with the discharge as the reason."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.nursing import audit_events as events
from corsia.nursing.domain.care_plans import wording
from corsia.nursing.models import (
    CareProblem,
    NursingDischarge,
    ProblemStatus,
)
from corsia.nursing.selectors_care import discharge_summary
from corsia.nursing.services.care_common import RECORD, audit
from corsia.patients.selectors import patient_active_encounter_id, patient_get


def _text(value: str, label: str, field: str, limit: int) -> str:
    return wording(value, label=label, field=field, limit=limit) if (value or "").strip() else ""


def nursing_discharge_write(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    destination: str,
    devices: str = "",
    notes: str = "",
) -> NursingDischarge:
    require_permission(actor, RECORD)
    patient = patient_get(user=actor, patient_id=patient_id)
    where = wording(destination, label="Destinazione", field="destination", limit=300)
    devices_clean = _text(devices, "Dispositivi", "devices", 4000)
    notes_clean = _text(notes, "Indicazioni per la continuità", "notes", 8000)
    with transaction.atomic():
        open_rows = CareProblem.objects.select_for_update().filter(
            patient_id=patient.pk, status=ProblemStatus.OPEN
        )
        list(open_rows)  # locked before the summary is read
        summary = discharge_summary(patient.pk)
        row = NursingDischarge.objects.create(
            patient_id=patient.pk,
            encounter_id=patient_active_encounter_id(patient_id=patient.pk),
            destination=where,
            devices=devices_clean,
            notes=notes_clean,
            summary=summary,
            author=actor,
            workstation=workstation_label(workstation)[:120],
        )
        open_rows.update(
            status=ProblemStatus.CLOSED,
            status_reason=f"Trasmesso con la dimissione infermieristica ({where})",
            closed_at=timezone.now(),
            version=F("version") + 1,
        )
        audit(
            events.NURSING_DISCHARGE_WRITTEN,
            row,
            actor=actor,
            workstation=workstation,
            patient_id=patient.pk,
            after={"destination": where, "open_problems": len(summary["problems"])},
        )
    return row
