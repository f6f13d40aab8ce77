"""JSON API of the pathology, imaging and consultation reports, beside the chart's:
/api/v1/patients/{id}/reports. Same permissions as the page: the chart's readers read,
physicians (``records.write_diary``) record and correct."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from corsia.core.access import api_perm
from corsia.core.web import acting, reading
from corsia.records import selectors_reports as selectors
from corsia.records import services
from corsia.records.domain.reports import report_kind
from corsia.records.schemas_reports import (
    ReportCorrectionIn,
    ReportCreateIn,
    ReportOut,
    report_out,
    report_text,
)

router = Router(tags=["records"])
VIEW = "records.view_chart"
WRITE = "records.write_diary"


@router.get("/{patient_id}/reports", response=list[ReportOut])
@api_perm(VIEW)
def reports(request: HttpRequest, patient_id: int, kind: str | None = None) -> list[ReportOut]:
    """The reports, newest examination first, corrected versions included (``superseded``);
    ``kind`` (pathology, imaging, consultation, other) keeps one kind. Those about a masked
    encounter are left out."""
    found = selectors.patient_reports(
        **reading(request),
        patient_id=patient_id,
        kind=report_kind(kind[:40]) if kind else None,
    )
    return [report_out(row.report, superseded=row.superseded) for row in found.rows]


@router.post("/{patient_id}/reports", response={201: ReportOut})
@api_perm(WRITE)
def report_record(
    request: HttpRequest, patient_id: int, payload: ReportCreateIn
) -> Status[ReportOut]:
    """Record and sign a report (read-only from then on)."""
    created = services.clinical_report_record(
        **acting(request),
        patient_id=patient_id,
        data=services.ReportInput(report=report_text(payload), encounter_id=payload.encounter_id),
    )
    return Status(201, report_out(created))


@router.post("/{patient_id}/reports/{report_id}/correction", response={201: ReportOut})
@api_perm(WRITE)
def report_correct(
    request: HttpRequest, patient_id: int, report_id: int, payload: ReportCorrectionIn
) -> Status[ReportOut]:
    """A correction: a new signed report that supersedes the report (never an edit); only
    the newest version may be corrected (409 ``report_superseded``)."""
    created = services.clinical_report_correct(
        **acting(request),
        patient_id=patient_id,
        report_id=report_id,
        data=report_text(payload),
        reason=payload.reason,
    )
    return Status(201, report_out(created))
