"""RFC 9457 problem details (application/problem+json) for the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from corsia.core.domain.errors import CorsiaError

PROBLEM_CONTENT_TYPE = "application/problem+json"

# The machine interfaces: the JSON API and the FHIR server (whose refusals
# corsia.fhir.middleware turns into OperationOutcomes). A request to them is never sent to
# the login page or shown an HTML error, and with an Authorization header it is never
# authenticated by its session.
API_PREFIXES = ("/api/", "/fhir/")


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES)


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Content Too Large",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    detail: str,
    field: str | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"https://corsia.example/problems/{code}",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "code": code,
        "detail": detail,
        "instance": request.path,
    }
    if field is not None:
        body["field"] = field
    if extra:
        body.update(extra)
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


def problem_from_error(request: HttpRequest, error: CorsiaError) -> HttpResponse:
    extra = {"details": error.details} if error.details else None
    return problem_response(
        request,
        status=error.status,
        code=error.code,
        detail=error.message,
        field=error.field,
        extra=extra,
    )
