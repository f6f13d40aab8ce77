"""JSON API of the reports: /api/v1/reports/... — the same services as the pages, with the
same permissions. ``GET /reports`` the reports the caller may run; ``GET /reports/{code}``
runs one with the filters of the query string (``format=json`` the typed result, ``csv``,
``xlsx``, ``pdf`` a file; a long run answers 202 with its run to poll);
``GET /reports/runs/{id}`` a kept run's state and progress, ``/download`` its file.
Bad filters: problem+json 422 with a stable ``code``.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from corsia.core.access import api_perm
from corsia.core.web import request_actor, request_workstation
from corsia.reports import selectors, services
from corsia.reports.domain.definition import Params
from corsia.reports.domain.registry import definition_get
from corsia.reports.domain.serial import result_json
from corsia.reports.models import ReportRun
from corsia.reports.permissions import VIEW

router = Router(tags=["reports"])


class ReportOut(Schema):
    code: str
    title: str
    description: str
    area: str
    filters: list[str]
    holds_patient_data: bool


class RunOut(Schema):
    id: int
    code: str
    state: str
    progress: int
    params: dict[str, Any]
    pseudonymised: bool
    error_code: str
    error_message: str


class ResultOut(Schema):
    code: str
    title: str
    params: dict[str, Any]
    pseudonymised: bool
    columns: list[dict[str, str]]
    rows: list[list[Any]]
    chart: dict[str, Any] | None
    notes: list[str]


def _run_out(run: ReportRun) -> RunOut:
    return RunOut(
        id=run.pk,
        code=run.code,
        state=run.state,
        progress=run.progress,
        params=run.params,
        pseudonymised=run.pseudonymised,
        error_code=run.error_code,
        error_message=run.error_message,
    )


def _file(export: services.ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    if export.document_id is not None:  # the archived print (a PDF of patient data)
        response["X-Corsia-Document"] = str(export.document_id)
    return response


@router.get("", response=list[ReportOut])
@api_perm(VIEW)
def reports(request: HttpRequest) -> list[ReportOut]:
    """The reports the caller may run."""
    return [
        ReportOut(
            code=d.code,
            title=d.title,
            description=d.description,
            area=d.area,
            filters=sorted(f.value for f in d.filters),
            holds_patient_data=d.holds_patient_data,
        )
        for d in selectors.definitions_for(request_actor(request))
    ]


@router.get("/runs/{run_id}", response=RunOut)
@api_perm(VIEW)
def run_state(request: HttpRequest, run_id: int) -> RunOut:
    """A kept run (the caller's own): state and progress (percent)."""
    return _run_out(services.run_get(user=request_actor(request), run_id=run_id))


@router.get("/runs/{run_id}/download", response={200: ResultOut})
@api_perm(VIEW)
def run_download(request: HttpRequest, run_id: int, format: str = "json") -> Any:
    """A finished run's result: JSON or a file (csv, xlsx, pdf)."""
    run, result = services.run_result(user=request_actor(request), run_id=run_id)
    definition = definition_get(run.code)
    params = Params.from_json(run.params)
    if format == "json":
        return ResultOut(
            code=definition.code,
            title=definition.title,
            params=params.as_json(),
            pseudonymised=run.pseudonymised,
            **result_json(result),
        )
    return _file(
        services.export_file(
            definition,
            params,
            result,
            format,
            actor=request_actor(request),
            workstation=request_workstation(request),
            pseudonymised=run.pseudonymised,
        )
    )


@router.get("/{code}", response={200: ResultOut, 202: RunOut})
@api_perm(VIEW)
def report_run(request: HttpRequest, code: str) -> Any:
    """Run a report: filters ``period_from``, ``period_to`` (AAAA-MM-GG), ``unit``,
    ``regimen``, ``drug``, ``operator`` (ids) — those the report takes; ``format`` json
    (default), csv, xlsx, pdf; ``background=1`` to run it as a job; ``pseudonymised=1`` a
    research extract (its own permission)."""
    pairs = ((k, request.GET.get(k, "")) for k in request.GET)
    raw = {k[:40]: v[:40] for k, v in pairs if v.strip()}
    fmt = raw.pop("format", "json")
    outcome = services.report_run(
        actor=request_actor(request),
        workstation=request_workstation(request),
        code=code[:64],
        raw={k: v for k, v in raw.items() if k not in ("background", "pseudonymised")},
        channel="api",
        background=raw.get("background") == "1",
        pseudonymise=raw.get("pseudonymised") == "1",
    )
    if outcome.run is not None:
        return Status(202, _run_out(outcome.run))
    assert outcome.result is not None
    if fmt == "json":
        return Status(
            200,
            ResultOut(
                code=outcome.definition.code,
                title=outcome.definition.title,
                params=outcome.params.as_json(),
                pseudonymised=outcome.pseudonymised,
                **result_json(outcome.result),
            ),
        )
    return _file(
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
