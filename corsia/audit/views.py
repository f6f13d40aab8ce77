from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from corsia.audit import audit_events
from corsia.audit.fhir import access_bundle
from corsia.audit.forms import AccessFilterForm
from corsia.audit.history import patient_id_of, record_history
from corsia.audit.selectors import AccessQuery, access_log_search
from corsia.audit.services import access_log_record, audit_record
from corsia.core.access import require_perm
from corsia.core.web import request_actor

PAGE_SIZE = 50


def _query(request: HttpRequest) -> tuple[AccessFilterForm, AccessQuery | None]:
    form = AccessFilterForm(request.GET or None)
    if not request.GET:
        return form, AccessQuery()
    return form, form.query() if form.is_valid() else None


@require_perm("audit.view_accesslog")
def access_log(request: HttpRequest) -> HttpResponse:
    form, query = _query(request)
    page = None
    if query is not None:
        page = Paginator(access_log_search(query), PAGE_SIZE).get_page(request.GET.get("page"))
        audit_record(
            event=audit_events.ACCESS_LOG_VIEWED,
            actor=request_actor(request),
            workstation=request.workstation,  # type: ignore[attr-defined]  # set by WorkstationMiddleware
            after={"filters": request.GET.dict()},
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "audit/access_log.html",
        {"form": form, "page": page, "querystring": params.urlencode()},
    )


@require_perm("audit.view_accesslog")
def access_log_export(request: HttpRequest) -> HttpResponse:
    form, query = _query(request)
    if query is None:
        return render(request, "audit/access_log.html", {"form": form, "page": None}, status=422)
    document = access_bundle(access_log_search(query)[:10_000])
    audit_record(
        event=audit_events.ACCESS_LOG_EXPORTED,
        actor=request_actor(request),
        workstation=request.workstation,  # type: ignore[attr-defined]  # set by WorkstationMiddleware
        after={"filters": request.GET.dict(), "entries": document["total"]},
    )
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/fhir+json"
    )
    response["Content-Disposition"] = 'attachment; filename="registro-accessi.fhir.json"'
    return response


@require_perm("audit.view_history")
def history(request: HttpRequest, app_label: str, model_name: str, pk: str) -> HttpResponse:
    # NotFound (an unknown or untracked model, a missing record) is the 404 page
    record, entries = record_history(app_label=app_label, model_name=model_name, pk=pk)
    patient_id = patient_id_of(record)
    if patient_id is not None:
        access_log_record(
            user=request_actor(request),
            patient_id=patient_id,
            what=f"storia di {record._meta.verbose_name}",
            workstation=request.workstation,  # type: ignore[attr-defined]  # set by WorkstationMiddleware
        )
    return render(request, "audit/history.html", {"record": record, "entries": entries})
