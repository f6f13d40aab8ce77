"""Italian first: the interface language is Italian unless the user chooses English.

A ward PC's browser often says English (an English OS image); following it would
show an Italian hospital's users a half-translated interface they did not ask for.
The user's explicit choice (the language switcher's cookie) still wins.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ItalianFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
