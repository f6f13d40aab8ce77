"""What the nursing API's operations share: the permissions, and one way to answer an act
(the request's user at its workstation, 201 with what it wrote)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Router, Schema, Status

from corsia.core.access import api_perm
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


def act_operation(
    router: Router,
    path: str,
    *,
    name: str,
    payload: type[Schema],
    act: Callable[..., _T],
    answer: Callable[[_T], _O],
    answer_schema: type[Schema],
    doc: str,
    permission: str = RECORD,
) -> None:
    """A ``POST path`` operation that is one act: the id named in the path (if any) and
    the payload's fields are the service's keyword arguments, the answer is 201 with what
    it wrote; the permission is checked as ``api_perm`` does (before the input)."""
    ids = re.findall(r"\{(\w+)\}", path)

    def operation(request: HttpRequest, **arguments: Any) -> Status[_O]:
        body = arguments.pop("payload")
        return created(request, act, answer, **arguments, **body.model_dump())

    operation.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest
            ),
            *(inspect.Parameter(i, inspect.Parameter.KEYWORD_ONLY, annotation=int) for i in ids),
            inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=payload),
        ],
        return_annotation=Status[Any],
    )
    operation.__name__ = operation.__qualname__ = name
    operation.__doc__ = doc
    router.post(path, response={201: answer_schema})(api_perm(permission)(operation))


def act_operations(router: Router, acts: Iterable[tuple[Any, ...]]) -> None:
    """``act_operation`` for each (path, name, payload, act, answer, answer schema, doc[,
    permission]) of a module's table of acts."""
    for path, name, payload, act, answer, schema, doc, *permission in acts:
        act_operation(
            router,
            path,
            name=name,
            payload=payload,
            act=act,
            answer=answer,
            answer_schema=schema,
            doc=doc,
            permission=permission[0] if permission else RECORD,
        )
