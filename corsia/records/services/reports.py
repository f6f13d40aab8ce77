"""Pathology, imaging and consultation reports: recorded and signed at once by the
recording physician, never changed; a correction is a new report that supersedes the old
one (which stays readable, shown as superseded)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients.selectors import patient_get, visible_encounters
from corsia.records import audit_events as events
from corsia.records.domain import reports
from corsia.records.domain.reports import ReportSource, ReportText
from corsia.records.domain.text import one_line
from corsia.records.models import ClinicalReport
from corsia.records.services._common import stamp

if TYPE_CHECKING:
    from corsia.patients.models import Patient

WRITE = "records.write_diary"


@dataclass(frozen=True)
class ReportInput:
    report: ReportText
    encounter_id: int | None = None  # a recording: the patient's encounter it belongs to
    source: str = ReportSource.MANUAL.value
    message_id: str = ""  # the sender's message id (interface only)


def snapshot(report: ClinicalReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "kind": report.kind,
        "loinc": report.loinc,
        "performed_on": report.performed_on.isoformat(),
        "encounter": report.encounter_id,
        "issuer": report.issuer,
        "reporting_clinician": report.reporting_clinician,
        "accession": report.accession,
        "examination": report.examination,
        "findings": report.findings,
        "conclusion": report.conclusion,
        "histotype": report.histotype,
        "morphology_icdo3": report.morphology_icdo3,
        "grade": report.grade,
        "modality": report.modality,
        "source": report.source,
        "message_id": report.message_id,
        "supersedes": report.supersedes_id,
    }


def _source(raw: str) -> ReportSource:
    try:
        return ReportSource(raw)
    except ValueError:
        raise ValidationFailed(
            "Origine del referto non valida.", code="report_source_invalid", field="source"
        ) from None


def _ensure_accession_free(clean: reports.CleanReport, *, patient_id: int, chain: Any) -> None:
    if not clean.accession:
        return
    taken = ClinicalReport.objects.filter(
        patient_id=patient_id, kind=clean.kind.value, accession=clean.accession
    )
    if chain is not None:
        taken = taken.exclude(chain=chain)
    if taken.exists():
        raise reports.accession_taken(clean.accession)


def _insert(
    clean: reports.CleanReport,
    *,
    patient_id: int,
    encounter_id: int | None,
    source: ReportSource,
    message_id: str,
    actor: User,
    workstation: Workstation,
    supersedes: ClinicalReport | None = None,
    reason: str = "",
) -> ClinicalReport:
    """Insert the signed report (inside the caller's transaction); a duplicate accession
    number or message id that slipped past the checks: refused by the database, turned
    into the same refusal."""
    fields: dict[str, Any] = {
        "patient_id": patient_id,
        "encounter_id": encounter_id,
        "kind": clean.kind.value,
        "loinc": clean.loinc,
        "performed_on": clean.performed_on,
        "issuer": clean.issuer,
        "reporting_clinician": clean.reporting_clinician,
        "accession": clean.accession,
        "examination": clean.examination,
        "findings": clean.findings,
        "conclusion": clean.conclusion,
        "histotype": clean.histotype,
        "morphology_icdo3": clean.morphology_icdo3,
        "grade": clean.grade,
        "modality": clean.modality,
        "source": source.value,
        "message_id": message_id,
        "supersedes": supersedes,
        "correction_reason": reason,
        "recorded_by": actor,
        "workstation": stamp(workstation),
        "recorded_at": timezone.now(),
    }
    if supersedes is not None:
        fields["chain"] = supersedes.chain
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            return ClinicalReport.objects.create(**fields)
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "")
        if constraint == "report_message_once":
            raise ValidationFailed(
                "Questo messaggio del sistema di laboratorio è già stato registrato.",
                code="report_message_duplicate",
                field="message_id",
            ) from None
        if constraint == "report_accession_unique":
            raise reports.accession_taken(clean.accession) from None
        raise


def _encounter(patient: Patient, encounter_id: int | None) -> int | None:
    if encounter_id is None:
        return None
    found = (
        visible_encounters(patient)
        .exclude(state="cancelled")
        .filter(pk=encounter_id)
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise ValidationFailed(
            "Il ricovero o accesso scelto non è di questo paziente.",
            code="encounter_not_found",
            field="encounter_id",
        )
    return found


def clinical_report_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: ReportInput
) -> ClinicalReport:
    """Record and sign a report; read-only from now on. Bad input (unknown kind, a date in
    the future or before birth, a NUL, an over-long text, a malformed ICD-O-3 code, no
    conclusion, an accession number already used): refused, nothing saved."""
    require_permission(actor, WRITE)
    patient = patient_get(user=actor, patient_id=patient_id)
    clean = reports.checked(data.report, today=timezone.localdate(), born=patient.date_of_birth)
    source = _source(data.source)
    message_id = reports.message_id(data.message_id, source=source)
    encounter_id = _encounter(patient, data.encounter_id)
    with transaction.atomic():
        _ensure_accession_free(clean, patient_id=patient.pk, chain=None)
        report = _insert(
            clean,
            patient_id=patient.pk,
            encounter_id=encounter_id,
            source=source,
            message_id=message_id,
            actor=actor,
            workstation=workstation,
        )
        audit_record(
            event=events.CLINICAL_REPORT_RECORDED,
            actor=actor,
            workstation=workstation,
            target=report,
            patient_id=patient.pk,
            after=snapshot(report),
        )
    return report


def clinical_report_correct(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    report_id: int,
    data: ReportText,
    reason: str,
) -> ClinicalReport:
    """A correction: a new signed report superseding ``report_id`` (same encounter), never
    an edit. Only the newest version may be corrected; a report of another
    patient or about a masked encounter is not found."""
    require_permission(actor, WRITE)
    why = one_line(reason, field="reason")
    patient = patient_get(user=actor, patient_id=patient_id)
    clean = reports.checked(data, today=timezone.localdate(), born=patient.date_of_birth)
    missing = NotFound("Referto non trovato.", code="report_not_found")
    with transaction.atomic():
        # the row is locked so that two corrections of one report cannot both pass
        old = ClinicalReport.objects.select_for_update().filter(pk=report_id).first()
        if old is None or old.patient_id != patient.pk:
            raise missing
        if (
            old.encounter_id is not None
            and not visible_encounters(patient).filter(pk=old.encounter_id).exists()
        ):
            raise missing
        reports.ensure_correctable(
            superseded=ClinicalReport.objects.filter(supersedes=old).exists()
        )
        _ensure_accession_free(clean, patient_id=patient.pk, chain=old.chain)
        # a correction is the physician's own (manual); the message id of a report the
        # interface delivered stays with the received row
        new = _insert(
            clean,
            patient_id=patient.pk,
            encounter_id=old.encounter_id,
            source=ReportSource.MANUAL,
            message_id="",
            actor=actor,
            workstation=workstation,
            supersedes=old,
            reason=why,
        )
        audit_record(
            event=events.CLINICAL_REPORT_CORRECTED,
            actor=actor,
            workstation=workstation,
            target=new,
            patient_id=patient.pk,
            before=snapshot(old),
            after=snapshot(new),
            reason=why,
        )
    return new
