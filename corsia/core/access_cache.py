"""What a user may read, computed once per request.

The care scope (``corsia.patients.scope``) and the masked stays a user may see cost a few
queries each, and one page asks them many times (the patient, the orders, the chart's
panels, the documents). Inside a read-only request (GET, HEAD) the answer cannot change:
the first computation is kept for the rest of the request, by user. A request that writes
(POST, PUT…) may change it midway — a break-the-glass grant, a ward assignment, a first
act of care — so it computes afresh each time, as does anything outside a request (the
services called by the tests, jobs, management commands).

The store lives in a context variable set by :class:`AccessCacheMiddleware`: nothing is
kept between requests, nothing is shared between threads or processes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_store: ContextVar[dict[Hashable, Any] | None] = ContextVar("corsia_access_cache", default=None)

READ_ONLY = frozenset({"GET", "HEAD"})


def per_request(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, kept under ``key`` for the rest of a read-only request (computed
    afresh outside one). Keep only immutable values: every caller gets the same object."""
    store = _store.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    value: T = store[key]
    return value


def per_request_known(keys: Iterable[Hashable]) -> dict[Hashable, Any] | None:
    """The values kept under every one of ``keys`` in this read-only request, ``None``
    when one is missing (or outside one): for a selector that answers a set of things from
    what a batched read kept for each."""
    store = _store.get()
    wanted = list(keys)
    if store is None or any(k not in store for k in wanted):
        return None
    return {k: store[k] for k in wanted}


@contextlib.contextmanager
def read_only_request() -> Iterator[None]:
    """Run the block as one read-only request (what the middleware does around a GET)."""
    token = _store.set({})
    try:
        yield
    finally:
        _store.reset(token)


class AccessCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in READ_ONLY:
            return self.get_response(request)
        with read_only_request():
            return self.get_response(request)
