"""The FHIR R4 server at ``/fhir/``: a NinjaAPI of its own (its refusals are
OperationOutcomes, not the JSON API's problem+json), authenticated as the API is (a bearer
token, else the session of a request without an Authorization header), read-only.

The operations are thin: check the parameters, call the selector, answer
``application/fhir+json``. Permissions are checked in the selectors (each resource needs the
permission of the page that shows the same data) and answered 403 ``forbidden``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from corsia.accounts.domain.scopes import scopes_allow
from corsia.accounts.tokens import BearerTokenAuth, SessionOnlyAuth, token_scopes
from corsia.core.access import AUTHENTICATED, api_perm, public
from corsia.core.domain.errors import CorsiaError, NotFound, PermissionRefused
from corsia.fhir import catalog
from corsia.fhir.domain.bundle import searchset
from corsia.fhir.domain.capability import (
    PATIENT_COMPARTMENT,
    READABLE,
    SEARCH_PARAMS,
    capability_statement,
)
from corsia.fhir.domain.orders import with_base
from corsia.fhir.domain.outcome import FhirError, Resource, issue_code_for, operation_outcome
from corsia.fhir.domain.search import checked_params, lenient_handling, page_of, params_of
from corsia.fhir.selectors import SEARCHES, Found, document_pdf, resource_read

logger = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
CAPABILITIES_CHANGED_ON = "2026-12-03"  # the CapabilityStatement's date: change with it

fhir_api = NinjaAPI(
    title="Corsia FHIR R4",
    version="fhir-r4",
    urls_namespace="fhir",
    auth=[BearerTokenAuth(scoped=True), SessionOnlyAuth()],
    docs_url=None,
    openapi_url=None,
)


def fhir_response(resource: Resource, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(resource, ensure_ascii=False), status=status, content_type=FHIR_JSON
    )


def outcome_response(status: int, diagnostics: str, issue_code: str | None = None) -> HttpResponse:
    return fhir_response(
        operation_outcome(issue_code=issue_code or issue_code_for(status), diagnostics=diagnostics),
        status=status,
    )


@fhir_api.exception_handler(FhirError)
def _fhir_error(request: HttpRequest, exc: FhirError) -> HttpResponse:
    return outcome_response(exc.status, exc.diagnostics, exc.issue_code)


@fhir_api.exception_handler(CorsiaError)
def _corsia_error(request: HttpRequest, exc: CorsiaError) -> HttpResponse:
    if isinstance(exc, PermissionRefused):
        return outcome_response(403, exc.message, "forbidden")
    if isinstance(exc, NotFound):
        return outcome_response(404, exc.message, "not-found")
    return outcome_response(exc.status, exc.message)


@fhir_api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = outcome_response(401, "Authentication required (bearer token or session)", "login")
    response["WWW-Authenticate"] = 'Bearer realm="corsia-fhir"'
    return response


@fhir_api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return outcome_response(404, "Not found", "not-found")


@fhir_api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return outcome_response(400, "Invalid request", "invalid")


@fhir_api.exception_handler(DataError)
@fhir_api.exception_handler(OverflowError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.warning("value out of range on %s", request.path, exc_info=exc)
    return outcome_response(400, "A value is out of the range the server can hold", "invalid")


@fhir_api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return outcome_response(exc.status_code, str(exc))


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir").rstrip("/")


@fhir_api.get("/metadata", auth=None, url_name="metadata")
@public
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement (public, as FHIR clients expect before they authenticate)."""
    return fhir_response(
        capability_statement(base=_base(request), published=CAPABILITIES_CHANGED_ON)
    )


CATALOG_READS: dict[str, Callable[..., Resource]] = {
    "Practitioner": catalog.practitioner_read,
    "Medication": catalog.medication_read,
    "PlanDefinition": catalog.plan_definition_read,
}
CATALOG_SEARCHES: dict[str, Callable[..., Found]] = {
    "Practitioner": catalog.practitioner_search,
    "Medication": catalog.medication_search,
    "PlanDefinition": catalog.plan_definition_search,
    "AuditEvent": catalog.audit_event_search,
}


def _require_scope(request: HttpRequest, resource_type: str) -> None:
    """A token with scopes reads only the resource types they name (403 ``forbidden``
    before anything is read or logged); without scopes, the user's permissions alone."""
    scopes = token_scopes(request)
    if scopes is not None and not scopes_allow(
        scopes, resource_type, patient_data=resource_type in PATIENT_COMPARTMENT
    ):
        raise PermissionRefused(
            f"The token's scopes do not allow reading {resource_type}",
            code="token_scope_insufficient",
        )


def _read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    _require_scope(request, resource_type)
    checked_params(request.GET.lists(), ())
    user = request.user
    if resource_type in CATALOG_READS:
        return fhir_response(CATALOG_READS[resource_type](user=user, raw_id=resource_id))
    found = resource_read(
        user=user,  # type: ignore[arg-type]  # authenticated by the API's auth
        resource_type=resource_type,
        raw_id=resource_id,
        workstation=request.workstation,  # type: ignore[attr-defined]  # WorkstationMiddleware
    )
    return fhir_response(with_base(found, _base(request)))


def _search(request: HttpRequest, resource_type: str) -> HttpResponse:
    _require_scope(request, resource_type)
    params, ignored = params_of(
        request.GET.lists(),
        SEARCH_PARAMS[resource_type],
        lenient=lenient_handling(request.headers.get("Prefer")),
    )
    page = page_of(params)
    found = (SEARCHES | CATALOG_SEARCHES)[resource_type](
        user=request.user,
        params=params,
        page=page,
        workstation=request.workstation,  # type: ignore[attr-defined]  # WorkstationMiddleware
    )
    base = _base(request)
    return fhir_response(
        searchset(
            base=f"{base}/{resource_type}",
            resource_base=base,
            params=params,
            page=page,
            total=found.total,
            resources=[with_base(r, base) for r in found.resources],
            ignored=ignored,
        )
    )


def _search_operation(resource_type: str) -> Any:
    def operation(request: HttpRequest) -> HttpResponse:
        return _search(request, resource_type)

    operation.__name__ = f"search_{resource_type.lower()}"
    operation.__doc__ = f"Search {resource_type} (Bundle searchset)."
    return api_perm(AUTHENTICATED)(operation)


def _read_operation(resource_type: str) -> Any:
    def operation(request: HttpRequest, resource_id: str) -> HttpResponse:
        return _read(request, resource_type, resource_id)

    operation.__name__ = f"read_{resource_type.lower()}"
    operation.__doc__ = f"Read one {resource_type} by its id."
    return api_perm(AUTHENTICATED)(operation)


@fhir_api.get("/Binary/{resource_id}", url_name="binary-read")
@api_perm(AUTHENTICATED)
def binary_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    """A signed document's PDF (a DocumentReference's attachment), as it was signed."""
    _require_scope(request, "DocumentReference")
    checked_params(request.GET.lists(), ())
    mime_type, content = document_pdf(
        user=request.user,  # type: ignore[arg-type]  # authenticated by the API's auth
        raw_id=resource_id,
        workstation=request.workstation,  # type: ignore[attr-defined]  # WorkstationMiddleware
    )
    response = HttpResponse(content, content_type=mime_type)
    response["Content-Disposition"] = f'inline; filename="documento-{resource_id}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


for _type in SEARCH_PARAMS:
    fhir_api.get(f"/{_type}", url_name=f"{_type.lower()}-search")(_search_operation(_type))
    if _type in READABLE:
        fhir_api.get(f"/{_type}/{{resource_id}}", url_name=f"{_type.lower()}-read")(
            _read_operation(_type)
        )
