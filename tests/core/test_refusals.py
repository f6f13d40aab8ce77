"""Page-side refusals: one handler turns a CorsiaError into what a person sees."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from corsia.core.domain.errors import (
    ConflictError,
    CorsiaError,
    NotFound,
    PermissionRefused,
    ValidationFailed,
)
from corsia.core.refusals import (
    PageRefusalMiddleware,
    attach_refusal,
    form_refusals,
    refusal_kept,
    refusals_as_messages,
)


class DoseForm(forms.Form):
    dose = forms.CharField()
    suspected = forms.CharField(required=False)


def _request(method: str = "post", **headers: str) -> HttpRequest:
    request: HttpRequest = getattr(RequestFactory(), method)("/patients/1/", headers=headers)
    request.session = SessionStore()
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]  # what MessageMiddleware sets
    return request


def _texts(request: HttpRequest) -> list[str]:
    return [str(m) for m in get_messages(request)]


def _refuse(error: Exception) -> None:
    raise error


def _bound() -> DoseForm:
    form = DoseForm({"dose": "10"})
    assert form.is_valid()
    return form


def test_a_refusal_naming_a_form_field_lands_on_that_field() -> None:
    form = _bound()
    with form_refusals(form):
        raise ValidationFailed("Dose fuori intervallo.", field="dose")
    assert form.errors == {"dose": ["Dose fuori intervallo."]}


def test_a_refusal_naming_no_field_of_the_form_lands_on_the_whole_form() -> None:
    form = _bound()
    with form_refusals(form):
        raise ConflictError("Modificato da un altro utente.", field="version")
    assert form.non_field_errors() == ["Modificato da un altro utente."]


def test_a_service_field_name_can_be_renamed_to_the_forms() -> None:
    form = _bound()
    attach_refusal(
        form,
        ValidationFailed("Principio attivo sconosciuto.", field="suspected_ingredient_ids"),
        rename={"suspected_ingredient_ids": "suspected"},
    )
    assert form.errors == {"suspected": ["Principio attivo sconosciuto."]}


def test_code_after_the_refused_service_call_does_not_run() -> None:
    form = _bound()
    ran: list[str] = []
    with form_refusals(form):
        _refuse(ValidationFailed("No."))
        ran.append("success")
    assert ran == []


def test_without_a_refusal_the_block_runs_through_and_the_form_stays_clean() -> None:
    form = _bound()
    with form_refusals(form):
        pass
    assert form.errors == {}


def test_a_missing_record_is_the_404_page_not_a_form_error() -> None:
    form = _bound()
    with pytest.raises(Http404), form_refusals(form):
        raise NotFound("Paziente non trovato.")
    assert form.errors == {}


def test_a_missing_record_can_be_a_form_error_on_the_field_that_named_it() -> None:
    form = _bound()
    with form_refusals(form, not_found_is_404=False, not_found_field="dose"):
        raise NotFound("Paziente non trovato.")
    assert form.errors == {"dose": ["Paziente non trovato."]}


def test_whole_form_refusals_ignore_the_field_and_the_refusal_is_kept() -> None:
    form = _bound()
    refused = form_refusals(form, whole_form=True)
    with refused:
        raise ValidationFailed("Dose fuori intervallo.", field="dose")
    assert form.non_field_errors() == ["Dose fuori intervallo."]
    assert isinstance(refused.error, ValidationFailed)


def test_a_button_refusal_becomes_the_italian_message() -> None:
    request = _request()
    with refusals_as_messages(request):
        raise ConflictError("Il documento è già oscurato.")
    assert _texts(request) == ["Il documento è già oscurato."]


def test_a_button_without_refusal_keeps_its_own_success_message() -> None:
    request = _request()
    with refusals_as_messages(request):
        from django.contrib import messages

        messages.success(request, "Fatto.")
    assert _texts(request) == ["Fatto."]


def test_a_button_on_a_missing_record_is_the_404_page_or_a_message() -> None:
    with pytest.raises(Http404), refusals_as_messages(_request()):
        raise NotFound("Non trovato.")
    request = _request()
    with refusals_as_messages(request, not_found_is_404=False):
        raise NotFound("Non trovato.")
    assert _texts(request) == ["Non trovato."]


def test_other_exceptions_are_not_swallowed() -> None:
    with pytest.raises(ZeroDivisionError), refusals_as_messages(_request()):
        _ = 1 / 0


# --- the middleware: a refusal nobody caught -------------------------------------------------


def _middleware() -> PageRefusalMiddleware:
    return PageRefusalMiddleware(lambda request: HttpResponse("ok"))


def test_middleware_sends_a_posted_refusal_back_to_the_page_it_came_from() -> None:
    request = _request(Referer="http://testserver/patients/1/")
    response = _middleware().process_exception(request, ConflictError("Già validato."))
    assert response is not None
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/patients/1/"
    assert _texts(request) == ["Già validato."]


@pytest.mark.django_db
def test_middleware_never_redirects_to_another_site() -> None:
    request = _request(Referer="https://evil.example/")
    response = _middleware().process_exception(request, ConflictError("Già validato."))
    assert response is not None
    assert response.status_code == 409
    assert "Già validato." in response.content.decode()


@pytest.mark.django_db
def test_middleware_renders_the_refusal_page_with_the_errors_status_on_a_get() -> None:
    request = _request("get")
    response = _middleware().process_exception(request, ValidationFailed("Data non valida."))
    assert response is not None
    assert response.status_code == 422
    assert "Data non valida." in response.content.decode()
    assert _texts(request) == []  # shown once, on the page, not again as a message


def test_middleware_asks_htmx_to_reload_the_page_showing_the_message() -> None:
    request = _request(**{"HX-Request": "true", "Referer": "http://testserver/patients/1/"})
    response = _middleware().process_exception(request, ConflictError("Già validato."))
    assert response is not None
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    assert _texts(request) == ["Già validato."]


def test_middleware_maps_not_found_and_permission_to_the_404_and_403_pages() -> None:
    with pytest.raises(Http404):
        _middleware().process_exception(_request(), NotFound("Non trovato."))
    with pytest.raises(PermissionDenied):
        _middleware().process_exception(_request(), PermissionRefused("No."))


def test_middleware_leaves_the_api_and_other_exceptions_alone() -> None:
    api_request = RequestFactory().post("/api/v1/orders/")
    assert _middleware().process_exception(api_request, CorsiaError("x")) is None
    assert _middleware().process_exception(_request(), ValueError("x")) is None


def test_a_kept_refusal_is_there_for_the_page_to_show_and_nothing_else_is_swallowed() -> None:
    with refusal_kept() as kept:
        raise NotFound("File vuoto.")
    assert isinstance(kept.error, NotFound)
    with refusal_kept() as clean:
        pass
    assert clean.error is None
    with pytest.raises(KeyError), refusal_kept():
        raise KeyError("x")
