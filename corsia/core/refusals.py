"""Page-side refusals: how a ``CorsiaError`` raised while serving a page reaches the user.

The API turns every ``CorsiaError`` into problem+json in one handler (``config/api.py``
with :mod:`corsia.core.problems`); pages do the same here, so no page view writes
``try/except CorsiaError`` by hand:

- :func:`form_refusals` — a service refused what a form submitted: the Italian message
  goes on the field the error names (or on the whole form) and the view re-renders it::

      with form_refusals(form):
          patient = services.patient_create(...)
          messages.success(request, ...)
          return redirect(...)
      return render(request, "patients/create.html", {"form": form}, status=422)

- :func:`refusals_as_messages` — a button (no form to re-render): the message becomes a
  django message and the view redirects back as it would on success::

      with refusals_as_messages(request):
          services.document_unmask(...)
          messages.success(request, _("Oscuramento revocato."))
      return redirect("patients:detail", pk=pk)

  ``NotFound`` becomes the 404 page in both (a missing record is not a form error).

- :func:`act_with_reason` — the commonest button: one act with the reason typed beside
  it, said with a success message or refused as above.

- :class:`refusal_kept` — a page that shows the refusal itself (an import's report) keeps
  it: ``with refusal_kept() as kept: ...`` then ``kept.error``.

- :class:`PageRefusalMiddleware` — the backstop for a refusal no view expected: 404/403
  pages for ``NotFound``/``PermissionRefused``; otherwise the message and a redirect back
  to the (same-site) page the request came from, an htmx refresh for htmx requests, or
  the error page with the error's status. ``/api/`` is left to the API's handler.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Protocol, Self

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from corsia.core.domain.errors import CorsiaError, NotFound, PermissionRefused
from corsia.core.problems import is_api_path
from corsia.core.web import acting


class _Form(Protocol):
    @property
    def fields(self) -> Mapping[str, object]: ...

    def add_error(self, field: str | None, error: str) -> None: ...


def refusal_field(
    form: _Form, error: CorsiaError, rename: Mapping[str, str] | None = None
) -> str | None:
    """The form field a refusal belongs on (``None``: the whole form)."""
    field = (rename or {}).get(error.field or "", error.field)
    return field if field in form.fields else None


def attach_refusal(
    form: _Form, error: CorsiaError, rename: Mapping[str, str] | None = None
) -> None:
    """Show a service's refusal on the field it names (or on the whole form)."""
    form.add_error(refusal_field(form, error, rename), error.message)


class _Catching:
    """A context manager that hands the exception leaving its block to :meth:`caught`,
    which swallows it by returning ``True``."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        return error is not None and self.caught(error)

    def caught(self, error: BaseException) -> bool:
        raise NotImplementedError


class form_refusals(_Catching):  # used as a context manager, named like one
    """Inside the block, a ``CorsiaError`` is attached to ``form`` and swallowed; the
    refusal stays on :attr:`error` (e.g. to answer 409 to a stale version, else 422).

    ``rename`` maps a service's field name to the form's (``{"suspected_ingredient_ids":
    "suspected"}``); ``whole_form`` puts every refusal on the whole form. ``NotFound``
    raises ``Http404`` unless ``not_found_is_404`` is false: then it is attached like the
    others, on ``not_found_field`` when given.
    """

    def __init__(
        self,
        form: _Form,
        *,
        rename: Mapping[str, str] | None = None,
        whole_form: bool = False,
        not_found_is_404: bool = True,
        not_found_field: str | None = None,
    ) -> None:
        self.form = form
        self.rename = rename
        self.whole_form = whole_form
        self.not_found_is_404 = not_found_is_404
        self.not_found_field = not_found_field
        self.error: CorsiaError | None = None

    def caught(self, error: BaseException) -> bool:
        if not isinstance(error, CorsiaError):
            return False
        if isinstance(error, NotFound) and self.not_found_is_404:
            raise Http404 from None
        self.error = error
        if self.whole_form:
            self.form.add_error(None, error.message)
        elif isinstance(error, NotFound) and self.not_found_field is not None:
            self.form.add_error(self.not_found_field, error.message)
        else:
            attach_refusal(self.form, error, self.rename)
        return True


class refusals_as_messages(_Catching):  # used as a context manager, named like one
    """Inside the block, a ``CorsiaError`` becomes an error message (django messages)."""

    def __init__(self, request: HttpRequest, *, not_found_is_404: bool = True) -> None:
        self.request = request
        self.not_found_is_404 = not_found_is_404

    def caught(self, error: BaseException) -> bool:
        if isinstance(error, NotFound) and self.not_found_is_404:
            raise Http404 from None
        if isinstance(error, CorsiaError):
            messages.error(self.request, error.message)
            return True
        return False


def act_with_reason(
    request: HttpRequest, act: Callable[..., object], *, done: str, **target: object
) -> None:
    """A button that does one act with the reason typed beside it (the form's ``reason``):
    ``act(actor=…, workstation=…, reason=…, **target)``, its success said with ``done``,
    its refusal (no reason, wrong state, …) as the error message; the view then redirects
    back, either way::

        act_with_reason(request, services.patient_unmerge, done=_("Unione annullata."),
                        merge_id=merge_id)
        return redirect("patients:merges")
    """
    with refusals_as_messages(request):
        act(**acting(request), reason=request.POST.get("reason", ""), **target)
        messages.success(request, done)


class refusal_kept(_Catching):  # used as a context manager, named like one
    """Inside the block, a ``CorsiaError`` (any, ``NotFound`` included) is swallowed and
    kept on :attr:`error`, for a page that shows the refusal itself (an import's report)."""

    def __init__(self) -> None:
        self.error: CorsiaError | None = None

    def caught(self, error: BaseException) -> bool:
        if isinstance(error, CorsiaError):
            self.error = error
            return True
        return False


def _safe_referrer(request: HttpRequest) -> str | None:
    referrer = request.headers.get("Referer")
    if referrer and url_has_allowed_host_and_scheme(
        referrer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referrer
    return None


def refusal_response(request: HttpRequest, error: CorsiaError) -> HttpResponse:
    """The page answer to a refusal nobody caught (see the module docstring)."""
    if isinstance(error, NotFound):
        raise Http404(error.message)
    if isinstance(error, PermissionRefused):
        raise PermissionDenied(error.message)
    if request.headers.get("HX-Request"):
        messages.error(request, error.message)
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"  # htmx reloads the page, which shows the message
        return response
    back = _safe_referrer(request)
    if back is not None and request.method != "GET":
        messages.error(request, error.message)
        return HttpResponseRedirect(back)
    return render(
        request,
        "refusal.html",
        {"status": error.status, "message": error.message, "code": error.code},
        status=error.status,
    )


class PageRefusalMiddleware:
    """``process_exception`` for page views: a ``CorsiaError`` → :func:`refusal_response`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, CorsiaError) or is_api_path(request.path):
            return None
        return refusal_response(request, exception)
