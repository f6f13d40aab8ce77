"""Request plumbing every page and API call goes through.

Italian first (:class:`ItalianFirstMiddleware`), bad input refused at the door
(:class:`BadInputMiddleware`), every API error as problem+json
(:class:`ApiProblemMiddleware`), CSP and no-store (:class:`SecurityHeadersMiddleware`).

Italian first: the interface language is Italian unless the user chooses English.

A ward PC's browser often says English (an English OS image); following it would
show an Italian hospital's users a half-translated interface they did not ask for.
The user's explicit choice (the language switcher's cookie) still wins.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from corsia.core.domain.text import has_unsafe_characters, is_naive_datetime, strings_in
from corsia.core.problems import is_api_path, problem_response


class ItalianFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# --- Bad input: refused at the door with a clear answer, never a 500 later ----------------------

logger = logging.getLogger(__name__)

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _is_api(request: HttpRequest) -> bool:
    return is_api_path(request.path)


def _bad_request_page(request: HttpRequest, *, status: int, message: str) -> HttpResponse:
    return render(request, "refusal.html", {"status": status, "message": message}, status=status)


def _refuse(
    request: HttpRequest, *, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, status=status, code=code, detail=message, field=field)
    return _bad_request_page(request, status=status, message=message)


class BadInputMiddleware:
    """Input no part of Corsia can store or mean is refused before any view runs.

    - A NUL character or a lone surrogate in the path, a query parameter, a form field or
      a JSON string (keys included): 400, code ``invalid_characters`` (PostgreSQL refuses
      NUL in text; a lone surrogate cannot be written as UTF-8).
    - On the API, a date and time without its UTC offset in a JSON body or a query: 422,
      code ``naive_datetime`` (Corsia works in aware datetimes only); a JSON body that is
      not an object (a list, a number, a string, ``null``): 422, code ``body_not_object``;
      one nested deeper than the parser's recursion: 400, code ``body_too_deep``; one with
      an integer past 4300 digits (Python will not read it): 422, ``number_too_large``; one over
      ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413, code ``body_too_large``.
    - A number the database cannot hold, or a date out of range, that reached a page view
      (``DataError``/``OverflowError``): 400 with the Italian page. The API's own handlers
      answer 422 ``value_out_of_range`` (``config/api.py``).

    The API's parsed JSON body is kept on the request (``corsia_json``) so that the API's
    parser does not parse it twice.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        api = _is_api(request)
        fields: list[tuple[str, str]] = [("path", request.path)]
        fields.extend((key, key) for key in request.GET)
        fields.extend((key, value) for key, values in request.GET.lists() for value in values)
        content_type = request.content_type or ""
        if request.method == "POST" and content_type in _FORM_TYPES:
            fields.extend((key, key) for key in request.POST)
            fields.extend((key, value) for key, values in request.POST.lists() for value in values)
        body_fields: list[tuple[str, str]] = []
        raw = b""
        # the API parses any other body as JSON, whatever its declared type
        if api and content_type not in _FORM_TYPES:
            try:
                raw = request.body
            except RequestDataTooBig:
                return _refuse(
                    request,
                    status=413,
                    code="body_too_large",
                    message=_("Il corpo della richiesta supera la dimensione ammessa."),
                )
        if api and content_type not in _FORM_TYPES and raw:
            try:
                document = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                document = None  # not JSON: the API answers 400 itself
            except ValueError:
                # JSON, but with an integer past the 4300 digits Python reads as an int
                return _refuse(
                    request,
                    status=422,
                    code="number_too_large",
                    message=_("Il corpo della richiesta contiene un numero troppo lungo."),
                )
            except RecursionError:
                # nested deeper than the parser goes: nobody's input
                return _refuse(
                    request,
                    status=400,
                    code="body_too_deep",
                    message=_("Il corpo della richiesta è annidato troppo in profondità."),
                )
            else:
                if not isinstance(document, dict):
                    # every API body is an object: a list, a number, a string or null is
                    # nobody's input (and endpoints without a body must not ignore one)
                    return _refuse(
                        request,
                        status=422,
                        code="body_not_object",
                        message=_("Il corpo della richiesta deve essere un oggetto JSON."),
                    )
                request.corsia_json = document  # type: ignore[attr-defined]  # read by the API's parser
                body_fields = list(strings_in(document))
        for field, text in [*fields, *body_fields]:
            if has_unsafe_characters(text):
                return _refuse(
                    request,
                    status=400,
                    code="invalid_characters",
                    field=field,
                    message=_("Il testo inviato contiene caratteri non ammessi."),
                )
        if api:
            query = [(k, v) for k, vs in request.GET.lists() for v in vs]
            for field, text in [*query, *body_fields]:
                if is_naive_datetime(text):
                    return _refuse(
                        request,
                        status=422,
                        code="naive_datetime",
                        field=field,
                        message=_(
                            "Indica data e ora con il fuso orario (per esempio "
                            "2025-03-01T10:00:00+01:00)."
                        ),
                    )
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DataError | OverflowError):
            return None
        logger.warning("value out of range on %s", request.path, exc_info=exception)
        return _refuse(
            request,
            status=422 if _is_api(request) else 400,
            code="value_out_of_range",
            message=_("Un valore inviato è fuori dall'intervallo ammesso."),
        )


# --- The API answers every error as problem+json, including Django's own ------------------------

_API_ERRORS = {
    400: ("bad_request", "Richiesta non valida."),
    403: ("forbidden", "Operazione non consentita."),
    404: ("not_found", "Risorsa non trovata."),
    405: ("method_not_allowed", "Metodo HTTP non ammesso per questo indirizzo."),
    413: ("request_too_large", "La richiesta è troppo grande."),
    500: ("server_error", "Errore interno: l'operazione non è stata eseguita."),
}


class ApiProblemMiddleware:
    """An error answered on ``/api/`` by Django or ninja as HTML or plain text (an unknown
    address, a method not allowed, a server error) becomes problem+json with a stable code.
    Errors already in JSON are the API's own and pass through; in DEBUG a 500 keeps its
    traceback."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _is_api(request) or response.status_code < 400:
            return response
        content_type = response.get("Content-Type", "")
        if "json" in content_type or (settings.DEBUG and response.status_code >= 500):
            return response
        code, detail = _API_ERRORS.get(response.status_code, ("http_error", "Errore."))
        problem = problem_response(request, status=response.status_code, code=code, detail=detail)
        if response.has_header("Allow"):
            problem["Allow"] = response["Allow"]
        return problem


# --- Security headers: CSP on pages, nothing cached anywhere but static files -------------------


class SecurityHeadersMiddleware:
    """Every HTML answer carries ``settings.CORSIA_CONTENT_SECURITY_POLICY``; every answer
    but a static file carries ``Cache-Control: no-store`` (patient pages, PDFs and labels,
    API answers: nothing of a patient stays in a browser's or a proxy's cache) unless the
    view chose its own caching. Django's ``SecurityMiddleware`` adds HSTS, nosniff and the
    referrer policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CORSIA_CONTENT_SECURITY_POLICY
        self.static_url = settings.STATIC_URL or "/static/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.static_url):
            return response
        if self.policy and response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
