"""The JSON API at /api/v1/: one NinjaAPI, a router per module, problem+json errors."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from corsia.accounts.api import router as accounts_router
from corsia.accounts.tokens import BearerTokenAuth, SessionOnlyAuth, has_authorization_header
from corsia.administration.api import router as administration_router
from corsia.agenda.api import router as agenda_router
from corsia.audit.api import router as audit_router
from corsia.compounding.api import router as compounding_router
from corsia.compounding.requirements_api import router as requirements_router
from corsia.core.domain.errors import CorsiaError, PermissionRefused
from corsia.core.problems import PROBLEM_CONTENT_TYPE, problem_from_error, problem_response
from corsia.documents.api import router as documents_router
from corsia.drugs.api import router as drugs_router
from corsia.drugs.api_archive import router as drugs_archive_router
from corsia.fse.api import router as fse_router
from corsia.interop.api import router as interop_router
from corsia.inventory.api import router as inventory_router
from corsia.patients.api import router as patients_router
from corsia.patients.api_merge import router as patients_merge_router
from corsia.patients.api_pgx import router as patients_pgx_router
from corsia.patients.api_scope import router as patients_scope_router
from corsia.prescribing.api import router as dosing_router
from corsia.prescribing.api_cumulative import router as cumulative_router
from corsia.prescribing.api_interactions import orders_router as order_interactions_router
from corsia.prescribing.api_interactions import patients_router as patient_interactions_router
from corsia.prescribing.api_orders import measurements_router
from corsia.prescribing.api_orders import router as orders_router
from corsia.prescribing.api_pgx import router as order_pgx_router
from corsia.prescribing.api_regulatory import router as regulatory_router
from corsia.records.api import icd9_router
from corsia.records.api import router as records_router
from corsia.records.api_course import router as course_router
from corsia.records.api_letters import router as records_letters_router
from corsia.records.api_reports import router as records_reports_router
from corsia.records.api_staging import catalogue_router as records_catalogue_router
from corsia.records.api_staging import router as staging_router
from corsia.records.api_wristband import router as wristband_router
from corsia.regimens.api import router as regimens_router
from corsia.regimens.api import trials_router
from corsia.toxicity.api import ctcae_router
from corsia.toxicity.api import router as toxicity_router

# --- issue 16, transfusion therapy (s12/transfusion) ---
from corsia.transfusion.api import router as transfusion_router

# --- end of issue 16, transfusion therapy ---

logger = logging.getLogger(__name__)


class _CheckedJsonParser(Parser):
    """The JSON body as ``corsia.core.middleware.BadInputMiddleware`` already parsed and
    checked it (no NUL, no lone surrogate, no naive datetime): parsed once."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if hasattr(request, "corsia_json"):
            return cast(dict[str, Any], request.corsia_json)
        return super().parse_body(request)


def _signed_in_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI document and its docs page describe every operation: they are for
    signed-in users and valid tokens, like the operations themselves (anonymous: the docs
    page sends to the login page, the document answers 401 problem+json)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if has_authorization_header(request):
            try:
                signed_in = BearerTokenAuth()(request) is not None
            except PermissionRefused:  # a token with FHIR read scopes: not for this API
                signed_in = False
        else:
            signed_in = request.user.is_authenticated
        if signed_in:
            return view(request, *args, **kwargs)
        match = request.resolver_match
        if match is not None and match.url_name == "openapi-view":
            return redirect_to_login(request.get_full_path())
        return problem_response(
            request, status=401, code="not_authenticated", detail="Authentication required"
        )

    return wrapper


# The refusals every operation can answer, each as application/problem+json: the
# authentication and permission checks, the bad-input middleware and the validation of
# every body and query run before any operation, and a service may refuse with any of
# corsia.core.domain.errors' classes.
_PROBLEM_STATUSES: dict[int, str] = {
    400: "Richiesta non valida (bad_request, body_not_object, ...)",
    401: "Autenticazione mancante o scaduta (not_authenticated)",
    403: "Permesso negato (permission_denied, ...)",
    404: "Risorsa non trovata (not_found)",
    409: "In conflitto con lo stato attuale (stale_version, invalid_transition, ...)",
    422: "Dati non accettabili (validation_failed, value_out_of_range, ...)",
    429: "Troppi tentativi (account_locked, address_locked)",
}

_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string", "description": "stable English code"},
        "detail": {"type": "string", "description": "Italian message for people"},
        "instance": {"type": "string"},
        "field": {"type": "string"},
    },
}


class CorsiaApi(NinjaAPI):
    """The API whose OpenAPI document names, for every operation, the problem+json
    answers it can give besides its own (an integrator's client must expect them)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        if path_prefix and not path_prefix.endswith("/"):
            # django-ninja joins a nested router's paths to the prefix without a slash
            # ("/api/v1" + "compounding/workplan"): the document would name addresses
            # that do not exist.
            path_prefix += "/"
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = _PROBLEM_SCHEMA
        problem = {
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in _PROBLEM_STATUSES.items():
                    responses.setdefault(str(status), {"description": description, **problem})
        return schema


api = CorsiaApi(
    title="Corsia API",
    version="1",
    urls_namespace="api-v1",
    # A token, or else the page session of a request without an Authorization header.
    auth=[BearerTokenAuth(), SessionOnlyAuth()],
    docs_url="/docs",
    docs_decorator=_signed_in_only,
    parser=_CheckedJsonParser(),
)


@api.exception_handler(CorsiaError)
def _corsia_error(request: HttpRequest, exc: CorsiaError) -> HttpResponse:
    return problem_from_error(request, exc)


# The optimistic-lock field of every edit and transition body (patients call it "version").
_VERSION_FIELDS = frozenset({"expected_version", "version"})


def _last(error: dict[str, Any]) -> str:
    location = error.get("loc") or ("",)
    return str(location[-1])


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = list(exc.errors)
    first = errors[0] if errors else {}
    location = [
        str(part)
        for part in first.get("loc", [])
        if part not in ("body", "query", "path", "payload")
    ]
    field = ".".join(location) or None
    missing_version = [
        e for e in errors if e.get("type") == "missing" and _last(e) in _VERSION_FIELDS
    ]
    if missing_version:
        # An edit without the version it was built from would overwrite blindly.
        return problem_response(
            request,
            status=422,
            code="expected_version_required",
            detail=(
                "Indica la versione del record su cui si basa la modifica "
                f"({_last(missing_version[0])}): senza, la modifica è rifiutata."
            ),
            field=_last(missing_version[0]),
        )
    return problem_response(
        request,
        status=422,
        code="validation_failed",
        detail=str(first.get("msg", "Invalid input")),
        field=field,
        extra={"errors": [{"loc": e.get("loc"), "msg": e.get("msg")} for e in errors]},
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request, status=401, code="not_authenticated", detail="Authentication required"
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, status=404, code="not_found", detail="Risorsa non trovata.")


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A number or date the database (or Python's date arithmetic) cannot hold: 1e308 as a
    # dose, days_ahead=1e9. Each module should bound its inputs (corsia.core.schemas);
    # this is the backstop that keeps such input from ever being a 500.
    logger.warning("value out of range on %s", request.path, exc_info=exc)
    return problem_response(
        request,
        status=422,
        code="value_out_of_range",
        detail="Un valore inviato è fuori dall'intervallo ammesso.",
    )


@api.exception_handler(RawPostDataException)
@api.exception_handler(MultiPartParserError)
def _unreadable_body(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The API reads JSON bodies only. A form or multipart body is parsed (and its stream
    # consumed) by the bad-input checks before the operation runs, so an operation that
    # reads the raw body (a regimen import) cannot; a multipart body without its boundary
    # cannot be parsed at all. Refused as bad input, never a 500.
    return problem_response(
        request,
        status=400,
        code="body_unreadable",
        detail="Corpo della richiesta non leggibile: invia JSON (application/json).",
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(request, status=exc.status_code, code="http_error", detail=str(exc))


api.add_router("/auth", accounts_router)
api.add_router("/regimens", regimens_router)
api.add_router("/trials", trials_router)
api.add_router("/drugs", drugs_router)
api.add_router("/drugs", drugs_archive_router)
api.add_router("/dosing", dosing_router)
api.add_router("/orders", orders_router)
api.add_router("/orders", order_interactions_router)  # /orders/{id}/interactions/acknowledge
api.add_router("/orders", order_pgx_router)  # /orders/{id}/pgx/thrice-weekly
api.add_router("/measurements", measurements_router)
api.add_router("/regulatory", regulatory_router)
api.add_router("/cumulative", cumulative_router)
api.add_router("/administration", administration_router)
api.add_router("/agenda", agenda_router)
# before the registry's /patients/{patient_id}, which would take "ward-staff" for an id
api.add_router("/patients", patients_scope_router)  # ward staff, break-the-glass
api.add_router("/patients", patients_merge_router)  # merges and their undoing
api.add_router("/patients", patients_pgx_router)  # /patients/{id}/pgx-results
api.add_router("/patients", patient_interactions_router)  # /patients/{id}/interactions
api.add_router("/patients", patients_router)
api.add_router("/patients", records_router)  # the medical record: /patients/{id}/chart...
api.add_router("/patients", staging_router)  # /patients/{id}/stagings, prognostic-scores
api.add_router("/records", records_catalogue_router)  # staging systems, prognostic scores
api.add_router(
    "/patients", course_router
)  # its treatment course: /patients/{id}/treatment-lines...
api.add_router("/patients", records_letters_router)  # /patients/{id}/letters, tumour-boards
api.add_router("/patients", records_reports_router)  # /patients/{id}/reports (+ correction)
api.add_router("/patients", wristband_router)  # /patients/{id}/wristband.pdf|zpl (archived)
api.add_router("/icd9cm", icd9_router)
api.add_router("/audit", audit_router)
api.add_router("/documents", documents_router)
api.add_router("/toxicities", toxicity_router)
# --- issue 16, transfusion therapy (s12/transfusion) ---
api.add_router("/transfusion", transfusion_router)
api.add_router("/ctcae", ctcae_router)
api.add_router("/interop", interop_router)
api.add_router("/fse", fse_router)
api.add_router("/compounding", compounding_router)
api.add_router("/inventory", inventory_router)
api.add_router("/inventory", requirements_router)  # compounding's, at its old address

# Ward and clinic requests to the pharmacy (corsia.inventory, issue 19).
from corsia.inventory.api_requests import router as ward_requests_router  # noqa: E402

api.add_router("/requests", ward_requests_router)

# Nursing record (issue 16, §20): scales and assessments.
from corsia.nursing.api import router as nursing_router  # noqa: E402

api.add_router("/nursing", nursing_router)

# Ward therapy (corsia.therapy, issue 16 §13).
from corsia.therapy.api import router as therapy_router  # noqa: E402
from corsia.therapy.api_prints import router as therapy_prints_router  # noqa: E402

api.add_router("/therapy", therapy_router)
api.add_router("/therapy", therapy_prints_router)  # the archived prints (…/print.pdf, round.pdf)

# Venous access register (corsia.vascular, issues 16 and 17).
from corsia.vascular.api import router as vascular_router  # noqa: E402

api.add_router("/vascular", vascular_router)

# Parenteral nutrition (corsia.nutrition, issue 18).
from corsia.nutrition.api import router as nutrition_router  # noqa: E402

api.add_router("/nutrition", nutrition_router)
# Stem-cell transplant pathway (corsia.transplant, issue 17).
from corsia.transplant.api import router as transplant_router  # noqa: E402

api.add_router("/transplant", transplant_router)

# Galenic preparations (corsia.galenics, issue 18).
from corsia.galenics.api import router as galenics_router  # noqa: E402

api.add_router("/galenics", galenics_router)

# Direct distribution (corsia.dispensing, issue 19).
from corsia.dispensing.api import router as dispensing_router  # noqa: E402

api.add_router("/dispensing", dispensing_router)
from corsia.dispensing.api_delivery import router as delivery_router  # noqa: E402

api.add_router("/requests", delivery_router)  # /requests/{id}/delivery-document.pdf (archived)

# Reports and statistics (corsia.reports, issue 23).
from corsia.reports.api import router as reports_router  # noqa: E402

api.add_router("/reports", reports_router)

# Telemedicine: televisits and teleconsultations (corsia.telemedicine, issue 25).
from corsia.telemedicine.api import router as telemedicine_router  # noqa: E402

api.add_router("/telemedicine", telemedicine_router)
# The patient portal's staff side (corsia.portal, issue 25).
from corsia.portal.api import router as portal_router  # noqa: E402

api.add_router("/portal", portal_router)
from corsia.portal.api_patient import router as portal_patient_router  # noqa: E402

api.add_router("/portal", portal_patient_router)  # the patient's own: /portal/me/...

# Telemonitoring (corsia.telemonitoring, issue 25).
from corsia.telemonitoring.api import router as telemonitoring_router  # noqa: E402

api.add_router("/telemonitoring", telemonitoring_router)
from corsia.telemonitoring.api_portal import router as telemonitoring_patient_router  # noqa: E402

api.add_router("/portal", telemonitoring_patient_router)  # /portal/me/telemonitoring/...
