"""Liveness and database check for load balancers and monitoring."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from corsia.core.access import public


@public
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure is reported, not raised
        return JsonResponse(
            {
                "status": "error",
                "database": "unreachable",
                "reason": type(exc).__name__ + ": " + str(exc)[:200],
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})
