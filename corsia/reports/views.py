"""Pages of the reports: the index of those the user may run, a report's page (filter form,
table, chart, export buttons), its exports, and a kept run (progress bar, download).
Thin: parse, call the service, render; a refusal of the filters comes back on the form."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.web import request_actor, request_workstation
from corsia.reports import selectors, services
from corsia.reports.domain.chart import chart_svg
from corsia.reports.domain.definition import Filter, Params, ReportDefinition
from corsia.reports.domain.params import default_period
from corsia.reports.domain.registry import definition_get
from corsia.reports.models import RunState
from corsia.reports.permissions import PSEUDONYMISED, VIEW
from corsia.reports.services.exports import cell_text
from corsia.reports.services.runs import RunOutcome, run_get


def _raw(request: HttpRequest) -> dict[str, str]:
    pairs = ((k, request.GET.get(k, "")) for k in request.GET)
    return {k[:40]: v[:40] for k, v in pairs if v.strip() and k != "format"}


def _outcome(request: HttpRequest, code: str) -> RunOutcome:
    raw = _raw(request)
    return services.report_run(
        actor=request_actor(request),
        workstation=request_workstation(request),
        code=code,
        raw={k: v for k, v in raw.items() if k not in ("run", "background", "pseudonymised")},
        background=raw.get("background") == "1",
        pseudonymise=raw.get("pseudonymised") == "1",
    )


def _download(export: services.ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    if export.document_id is not None:  # the archived print (a PDF of patient data)
        response["X-Corsia-Document"] = str(export.document_id)
    return response


@require_perm(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/index.html",
        {"definitions": selectors.definitions_for(request_actor(request))},
    )


def _table(result: services.RunOutcome) -> dict[str, object]:
    assert result.result is not None
    data = result.result
    return {
        "headers": [(c, c.type in _NUMERIC) for c in data.columns],
        "rows": [
            [(cell_text(v), c.type in _NUMERIC) for v, c in zip(row, data.columns, strict=True)]
            for row in data.rows
        ],
        "notes": data.notes,
        "chart": chart_svg(data),
    }


_NUMERIC = {"integer", "decimal", "money", "percent"}


_FILTER_LABELS = {
    "unit": _("Reparto"),
    "regimen": _("Schema di terapia"),
    "drug": _("Principio attivo"),
    "operator": _("Operatore"),
}


def _fields(definition: ReportDefinition, raw: dict[str, str]) -> list[dict[str, object]]:
    return [
        {
            "name": name,
            "label": _FILTER_LABELS[name],
            "options": [(o.value, o.label, raw.get(name) == str(o.value)) for o in options],
        }
        for name, options in selectors.filter_choices(definition).items()
    ]


@require_perm(VIEW)
def report(request: HttpRequest, code: str) -> HttpResponse:
    user = request_actor(request)
    definition = definition_get(code)
    if not user.has_perm(definition.permission):
        raise PermissionDenied(definition.permission)
    start, end = default_period(timezone.localdate())
    raw = _raw(request)
    context: dict[str, object] = {
        "definition": definition,
        "fields": _fields(definition, raw),
        "takes_period": definition.accepts(Filter.PERIOD),
        "values": {"period_from": start.isoformat(), "period_to": end.isoformat(), **raw},
        "may_pseudonymise": user.has_perm(PSEUDONYMISED) and definition.holds_patient_data,
        "runs": selectors.recent_runs(user=user, code=code),
        "query": request.GET.urlencode(),
    }
    wants_run = "run" in request.GET or not definition.holds_patient_data
    status = 200
    if wants_run:
        try:
            outcome = _outcome(request, code)
        except ValidationFailed as refused:
            context["error"], status = refused, 422
        else:
            if outcome.run is not None:
                return redirect("reports:run", run_id=outcome.run.pk)
            context.update(_table(outcome))
            context["ran"] = True
    return render(request, "reports/report.html", context, status=status)


@require_perm(VIEW)
def export(request: HttpRequest, code: str) -> HttpResponse:
    fmt = request.GET.get("format", "")[:10]
    outcome = _outcome(request, code)
    if outcome.run is not None:
        return redirect("reports:run", run_id=outcome.run.pk)
    assert outcome.result is not None
    return _download(
        services.export_file(
            outcome.definition,
            outcome.params,
            outcome.result,
            fmt,
            actor=request_actor(request),
            workstation=request_workstation(request),
            pseudonymised=outcome.pseudonymised,
        )
    )


@require_perm(VIEW)
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    kept = run_get(user=request_actor(request), run_id=run_id)
    definition = definition_get(kept.code)
    context: dict[str, object] = {
        "run": kept,
        "definition": definition,
        "done": kept.state == RunState.DONE,
    }
    if kept.state == RunState.DONE:
        _run, result = services.run_result(user=request_actor(request), run_id=run_id)
        params = Params.from_json(kept.params)
        context.update(_table(RunOutcome(definition, params, result, None)))
    return render(request, "reports/run.html", context)


@require_perm(VIEW)
def run_status(request: HttpRequest, run_id: int) -> HttpResponse:
    kept = run_get(user=request_actor(request), run_id=run_id)
    return JsonResponse(
        {
            "state": kept.state,
            "progress": kept.progress,
            "error": kept.error_message,
            "url": reverse("reports:run", args=[kept.pk]),
        }
    )


@require_perm(VIEW)
def run_download(request: HttpRequest, run_id: int) -> HttpResponse:
    kept, result = services.run_result(user=request_actor(request), run_id=run_id)
    definition = definition_get(kept.code)
    return _download(
        services.export_file(
            definition,
            Params.from_json(kept.params),
            result,
            request.GET.get("format", "")[:10],
            actor=request_actor(request),
            workstation=request_workstation(request),
            pseudonymised=kept.pseudonymised,
        )
    )
