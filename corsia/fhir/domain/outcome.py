"""The refusals of the FHIR server, each with its OperationOutcome issue code and status."""

from __future__ import annotations

from typing import Any

Resource = dict[str, Any]  # a FHIR resource as JSON


class FhirError(Exception):
    """A request the server answers with an OperationOutcome instead of a resource."""

    status = 400
    issue_code = "invalid"

    def __init__(self, diagnostics: str) -> None:
        super().__init__(diagnostics)
        self.diagnostics = diagnostics


class InvalidSearch(FhirError):
    """A search parameter the server does not support, or a value it cannot read."""


class ResourceNotFound(FhirError):
    status = 404
    issue_code = "not-found"


# The issue code of an answer by its HTTP status (refusals met before the FHIR views run:
# authentication, the bad-input checks, Django's own 404/405/500).
ISSUE_CODE_BY_STATUS = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    413: "too-costly",
    422: "invalid",
    429: "throttled",
}


def operation_outcome(*, issue_code: str, diagnostics: str, severity: str = "error") -> Resource:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": issue_code, "diagnostics": diagnostics}],
    }


def issue_code_for(status: int) -> str:
    return ISSUE_CODE_BY_STATUS.get(status, "exception")
