"""Every answer of ``/fhir/`` that is not already FHIR becomes an OperationOutcome.

The refusals met before a FHIR operation runs are answered by the project's middleware as
problem+json (``corsia.core.problems.is_api_path`` counts ``/fhir/`` as a machine
interface): a NUL byte in the query (``BadInputMiddleware``), an expired password or
session, Django's own 404/405/500 (``ApiProblemMiddleware``). Placed outside them, this
middleware turns each into an OperationOutcome with the issue code of its status and the
problem's Italian detail as diagnostics; a FHIR client never sees HTML or problem+json.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from corsia.fhir.api import FHIR_JSON, outcome_response

PREFIX = "/fhir/"


class OperationOutcomeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith(FHIR_JSON):
            return response
        detail = "Request refused"
        if "json" in response.get("Content-Type", ""):
            with contextlib.suppress(ValueError, AttributeError):
                detail = str(json.loads(response.content).get("detail") or detail)
        # a search value refused at the door (a date and time without its zone: 422 on the
        # JSON API) is a bad search request in FHIR: 400
        status = 400 if response.status_code == 422 else response.status_code
        outcome = outcome_response(status, detail)
        for header in ("Allow", "WWW-Authenticate"):
            if response.has_header(header):
                outcome[header] = response[header]
        return outcome
