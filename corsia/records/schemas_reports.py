"""Request and answer bodies of the reports API (api_reports.py). The schema's length
bounds are twice the domain's, so a text a little too long gets the domain's own refusal
(``text_too_long``, Italian message) and a megabyte never reaches it."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field

from corsia.core.schemas import IsoDate, IsoDatetime, Reason, RecordId
from corsia.records.domain import reports as rules
from corsia.records.domain.reports import ReportText
from corsia.records.models import ClinicalReport

Issuer = Annotated[str, Field(max_length=2 * rules.ISSUER_MAX)]
Conclusion = Annotated[str, Field(max_length=2 * rules.CONCLUSION_MAX)]
Findings = Annotated[str, Field(max_length=2 * rules.FINDINGS_MAX)]
Clinician = Annotated[str, Field(max_length=2 * rules.CLINICIAN_MAX)]
Accession = Annotated[str, Field(max_length=2 * rules.ACCESSION_MAX)]
Examination = Annotated[str, Field(max_length=2 * rules.EXAMINATION_MAX)]
Histotype = Annotated[str, Field(max_length=2 * rules.HISTOTYPE_MAX)]
Code = Annotated[str, Field(max_length=40)]


class ReportIn(Schema):
    kind: Code  # pathology, imaging, consultation, other
    performed_on: IsoDate
    issuer: Issuer  # the service or department that issued the report
    conclusion: Conclusion
    findings: Findings = ""
    reporting_clinician: Clinician = ""
    accession: Accession = ""  # unique per patient and kind when given
    examination: Examination = ""  # body site / examination: "TC torace-addome con mdc"
    histotype: Histotype = ""  # pathology only
    morphology_icdo3: Code = ""  # pathology only: 8140/3
    grade: Code = ""  # pathology only: G1, G2, G3, G4, GX
    modality: Code = ""  # imaging only (required): ct, mr, pet_ct, us, xr, nm, other


class ReportCreateIn(ReportIn):
    encounter_id: RecordId | None = None  # the patient's encounter the report belongs to


class ReportCorrectionIn(ReportIn):
    reason: Reason


class ReportOut(Schema):
    id: int
    patient_id: int
    encounter_id: int | None
    kind: str
    kind_label: str
    loinc: str
    performed_on: IsoDate
    issuer: str
    reporting_clinician: str
    accession: str
    examination: str
    findings: str
    conclusion: str
    histotype: str
    morphology_icdo3: str
    grade: str
    modality: str
    source: str  # manual or interface
    message_id: str
    supersedes_id: int | None
    correction_reason: str
    superseded: bool  # a correction replaced it
    recorded_by: str
    recorded_at: IsoDatetime


def report_text(payload: ReportIn) -> ReportText:
    return ReportText(
        kind=payload.kind,
        performed_on=payload.performed_on,
        issuer=payload.issuer,
        conclusion=payload.conclusion,
        findings=payload.findings,
        reporting_clinician=payload.reporting_clinician,
        accession=payload.accession,
        examination=payload.examination,
        histotype=payload.histotype,
        morphology_icdo3=payload.morphology_icdo3,
        grade=payload.grade,
        modality=payload.modality,
    )


def report_out(r: ClinicalReport, *, superseded: bool = False) -> ReportOut:
    return ReportOut(
        id=r.pk,
        patient_id=r.patient_id,
        encounter_id=r.encounter_id,
        kind=r.kind,
        kind_label=rules.KIND_LABELS_IT[rules.ReportKind(r.kind)],
        loinc=r.loinc,
        performed_on=r.performed_on,
        issuer=r.issuer,
        reporting_clinician=r.reporting_clinician,
        accession=r.accession,
        examination=r.examination,
        findings=r.findings,
        conclusion=r.conclusion,
        histotype=r.histotype,
        morphology_icdo3=r.morphology_icdo3,
        grade=r.grade,
        modality=r.modality,
        source=r.source,
        message_id=r.message_id,
        supersedes_id=r.supersedes_id,
        correction_reason=r.correction_reason,
        superseded=superseded,
        recorded_by=r.recorded_by.username,
        recorded_at=r.recorded_at,
    )
