"""What the pathway's pages share: a refusal re-rendered beside its form (422, or 409 for
a stale version or a closed case; 404 raised), the links to the parts a case page shows."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from corsia.core.domain.errors import CorsiaError


def render_refused(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    error: CorsiaError,
    form: str,
) -> HttpResponse:
    if error.status == 404:
        raise Http404
    context["refused"] = {"form": form, "message": error.message, "code": error.code}
    context["values"] = {k: v[:2000] for k, v in request.POST.items()}
    return render(request, template, context, status=error.status)


def optional_url(name: str, *args: Any) -> str:
    """The address of a page that a part of the pathway may not provide yet ("")."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
