"""Pages of the medical record: the patient's chart (header and timeline)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from corsia.core.access import require_perm
from corsia.core.web import request_actor
from corsia.core.web import request_workstation as _ws
from corsia.records import selectors

VIEW = "records.view_chart"


def _chart_page(
    request: HttpRequest, patient_id: int, *, extra: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    chart = selectors.chart_view(
        user=request_actor(request), patient_id=patient_id, workstation=_ws(request)
    )
    if chart.header.patient.pk != patient_id:  # a merged duplicate: its survivor's chart
        return redirect("records:chart", patient_id=chart.header.patient.pk)
    context: dict[str, Any] = {"chart": chart, "h": chart.header, "patient": chart.header.patient}
    context.update(extra or {})
    return render(request, "records/chart.html", context, status=status)


@require_perm(VIEW)
def chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _chart_page(request, patient_id)
