"""What the nursing API's operations share: the permissions, and one way to answer an act
(the request's user at its workstation, 201 with what it wrote)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Status

from corsia.core.web import acting

VIEW = "nursing.view_nursing"
RECORD = "nursing.record_nursing"
_T = TypeVar("_T")
_O = TypeVar("_O")


def created(
    request: HttpRequest, act: Callable[..., _T], out: Callable[[_T], _O], /, **arguments: Any
) -> Status[_O]:
    """One act by the request's user at its workstation (the same service as the page),
    answered 201 with what it wrote."""
    return Status(201, out(act(**acting(request), **arguments)))
