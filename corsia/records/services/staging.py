"""The structured staging of a diagnosis: the physician chooses the system and enters its
inputs, the domain computes the stage (``domain/staging/catalogue.py``) and the service
signs it as the diagnosis's next staging version. A combination the published table does
not hold, a missing input, a system that does not apply to the diagnosis's site or a form
built from an older version: refused, nothing saved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.patients.selectors import patient_get
from corsia.records import audit_events as events
from corsia.records.domain.anamnesis import ensure_latest
from corsia.records.domain.moments import past_date
from corsia.records.domain.staging import catalogue
from corsia.records.models import Diagnosis, DiagnosisStaging
from corsia.records.services._common import row_record
from corsia.records.services.diary import WRITE


@dataclass(frozen=True)
class StagingInput:
    system: str
    criterion: str
    inputs: Mapping[str, object] = field(default_factory=dict)
    staged_on: date | None = None


def _diagnosis_of(actor: User, patient_id: int, diagnosis_id: int) -> Diagnosis:
    """The diagnosis, if it is the patient's (a merged duplicate's diagnosis counts)."""
    patient = patient_get(user=actor, patient_id=patient_id)
    found = (
        Diagnosis.objects.select_related("primary_site")
        .filter(pk=diagnosis_id, patient_id__in={patient_id, patient.pk})
        .first()
    )
    if found is None:
        raise NotFound("Diagnosi non trovata.", code="diagnosis_not_found")
    return found


def staging_sign(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    diagnosis_id: int,
    data: StagingInput,
    expected_version: int,
) -> DiagnosisStaging:
    """Compute and sign the stage of a diagnosis. ``expected_version`` is the staging
    number the form was built from (0: none yet); another staging signed since →
    ``stale_version``."""
    require_permission(actor, WRITE)
    system = catalogue.system_get(data.system)
    criterion = catalogue.criterion_get(data.criterion)
    today = timezone.localdate()
    staged_on = past_date(data.staged_on or today, today=today, field="staged_on") or today
    diagnosis = _diagnosis_of(actor, patient_id, diagnosis_id)
    catalogue.site_check(
        system,
        icd9_code=diagnosis.primary_site.code,
        icd9_label=diagnosis.primary_site.description_it,
    )
    staged = catalogue.stage_compute(system, criterion, data.inputs)
    with transaction.atomic():
        # the diagnosis row is the lock of its staging chain: two forms built from the
        # same version cannot both be signed
        Diagnosis.objects.select_for_update(of=("self",)).filter(pk=diagnosis.pk).first()
        current = (
            DiagnosisStaging.objects.filter(diagnosis_id=diagnosis.pk)
            .select_related("author")
            .order_by("-number")
            .first()
        )
        ensure_latest(
            expected_version=expected_version,
            current=current.number if current else 0,
            by=(current.author.get_full_name() or current.author.username) if current else "—",
            at=current.signed_at if current else None,
        )
        result = staged.result
        staging = row_record(
            DiagnosisStaging,
            event=events.STAGING_SIGNED,
            actor=actor,
            workstation=workstation,
            before={"number": current.number, "stage": current.stage} if current else None,
            after=lambda staging: {
                "diagnosis": diagnosis.pk,
                "number": staging.number,
                "system": staging.system,
                "criterion": staging.criterion,
                "inputs": staging.inputs,
                "stage": staging.stage,
                "categories": staging.categories,
                "reference": staging.reference,
                "staged_on": staged_on.isoformat(),
            },
            writer="author",
            diagnosis_id=diagnosis.pk,
            patient_id=diagnosis.patient_id,
            number=(current.number if current else 0) + 1,
            system=system.code,
            criterion=criterion.value,
            inputs=staged.inputs,
            stage=result.stage,
            stage_label=result.label[:200],
            categories=result.categories[:300],
            reference=result.reference.short[:120],
            staged_on=staged_on,
        )
    return staging
