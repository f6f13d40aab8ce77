"""JSON API of the pharmacogenomic results: /api/v1/patients/{id}/pgx-results (the list,
a result recorded, one marked entered in error)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from corsia.core.access import api_perm
from corsia.core.schemas import IsoDate, IsoDatetime, Reason
from corsia.core.web import acting, reading
from corsia.patients import selectors_pgx, services
from corsia.patients.models_pgx import PgxResult

router = Router(tags=["patients"])

VIEW = "patients.view_patient"
RECORD_PGX = "patients.record_pgx_result"


class PgxResultIn(Schema):
    gene: str = Field(max_length=10)  # DPYD, TPMT, NUDT15, UGT1A1
    phenotype: str = Field(max_length=40)  # normal_metabolizer, intermediate_metabolizer …
    activity_score: Decimal | None = None  # DPYD only: 0, 0.5, 1, 1.5, 2
    diplotype: str = Field("", max_length=120)
    report_date: IsoDate | None = None
    laboratory: str = Field("", max_length=200)
    notes: Reason = ""


class PgxResultOut(Schema):
    id: int
    gene: str
    phenotype: str
    phenotype_label: str
    activity_score: Decimal | None
    diplotype: str
    report_date: IsoDate
    laboratory: str
    notes: str
    status: str  # valid | entered_in_error
    status_reason: str
    current: bool  # the result that applies for its gene (the latest valid report)
    recorded_at: IsoDatetime


class PgxResultListOut(Schema):
    patient_id: int
    results: list[PgxResultOut]


class EnteredInErrorIn(Schema):
    reason: Reason


def _out(result: PgxResult, *, current: bool) -> PgxResultOut:
    return PgxResultOut(
        id=result.pk,
        gene=result.gene,
        phenotype=result.phenotype,
        phenotype_label=result.get_phenotype_display(),
        activity_score=result.activity_score,
        diplotype=result.diplotype,
        report_date=result.report_date,
        laboratory=result.laboratory,
        notes=result.notes,
        status=result.status,
        status_reason=result.status_reason,
        current=current,
        recorded_at=result.recorded_at,
    )


def _is_current(result: PgxResult) -> bool:
    return any(f.id == result.pk for f in selectors_pgx.pgx_current(patient_id=result.patient_id))


@router.get("/{patient_id}/pgx-results", response=PgxResultListOut)
@api_perm(VIEW)
def pgx_result_list(request: HttpRequest, patient_id: int) -> PgxResultListOut:
    """Every pharmacogenomic result of the patient (superseded and entered-in-error ones
    too); ``current`` marks the one that applies for each gene."""
    overview = selectors_pgx.pgx_overview(**reading(request), patient_id=patient_id)
    return PgxResultListOut(
        patient_id=overview.patient.pk,
        results=[_out(row.result, current=row.current) for row in overview.rows],
    )


@router.post("/{patient_id}/pgx-results", response={201: PgxResultOut})
@api_perm(RECORD_PGX)
def pgx_result_record(
    request: HttpRequest, patient_id: int, payload: PgxResultIn
) -> Status[PgxResultOut]:
    """Record one gene's result as the laboratory reported it (written once; a newer
    report for the same gene supersedes it)."""
    result = services.pgx_result_record(
        **acting(request),
        patient_id=patient_id,
        data=services.PgxInput(**payload.model_dump()),
    )
    return Status(201, _out(result, current=_is_current(result)))


@router.post("/{patient_id}/pgx-results/{result_id}/entered-in-error", response=PgxResultOut)
@api_perm(RECORD_PGX)
def pgx_result_entered_in_error(
    request: HttpRequest, patient_id: int, result_id: int, payload: EnteredInErrorIn
) -> PgxResultOut:
    """The result was entered in error: kept, with the reason; it counts for nothing."""
    result = services.pgx_result_enter_in_error(
        **acting(request), patient_id=patient_id, result_id=result_id, reason=payload.reason
    )
    return _out(result, current=False)
