"""The pharmacogenomic results on the patient's page: the list (superseded and
entered-in-error ones too), a result recorded, one marked entered in error."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.refusals import refusals_as_messages
from corsia.core.web import acting, posted_date
from corsia.patients import selectors_pgx, services
from corsia.patients.models import Patient
from corsia.patients.models_pgx import PgxResult


def pgx_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    """The results part of the patient's page (its read is already logged)."""
    return {
        "pgx": selectors_pgx.pgx_records(patient),
        "may_record_pgx": request.user.has_perm(services.RECORD_PGX)
        and patient.merged_into_id is None,
        "pgx_genes": PgxResult._meta.get_field("gene").choices,
        "pgx_phenotypes": PgxResult._meta.get_field("phenotype").choices,
    }


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    with refusals_as_messages(request):
        action()
        messages.success(request, done)
    return redirect("patients:detail", pk=pk)


@require_perm(services.RECORD_PGX)
@require_POST
def pgx_add(request: HttpRequest, pk: int) -> HttpResponse:
    def record() -> None:
        services.pgx_result_record(
            **acting(request),
            patient_id=pk,
            data=services.PgxInput(
                gene=request.POST.get("gene", ""),
                phenotype=request.POST.get("phenotype", ""),
                activity_score=request.POST.get("activity_score", "").replace(",", ".") or None,
                diplotype=request.POST.get("diplotype", ""),
                report_date=posted_date(request.POST.get("report_date"), "report_date"),
                laboratory=request.POST.get("laboratory", ""),
                notes=request.POST.get("notes", ""),
            ),
        )

    return _act(request, pk, record, _("Risultato farmacogenomico registrato."))


@require_perm(services.RECORD_PGX)
@require_POST
def pgx_in_error(request: HttpRequest, pk: int, result_id: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: services.pgx_result_enter_in_error(
            **acting(request),
            patient_id=pk,
            result_id=result_id,
            reason=request.POST.get("reason", ""),
        ),
        _("Risultato segnato come registrato per errore."),
    )
