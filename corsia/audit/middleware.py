"""Every read-only request runs in one transaction with its access-log rows (issue 27,
ADR 0012).

:class:`ReadTransactionMiddleware` (the innermost middleware) wraps a GET or HEAD — a page,
an API or FHIR read, an export — in one transaction on the primary database:

- The view's reads, then the access-log rows they call for, then the COMMIT: the rows are
  queued while the view runs (``corsia.audit.services.access_log_deferred``) and appended
  just before the commit (``access_log_flush``), so the shard's lock is held for the
  append and the commit only, not while the page renders. Every row's ``xmin`` is the
  transaction id the reads ran under.
- **The answer leaves only once that transaction has committed.** If the access log
  cannot be written, the commit fails, or anything left the transaction unable to commit,
  everything is rolled back and the answer is replaced by a 503: problem+json with code
  ``access_log_unavailable`` on the API (``/api/``, ``/fhir/``: an OperationOutcome
  there), the Italian error page elsewhere. Never the data.
- A view's exception (a refusal, a 404, a bug) ends the transaction before the error page
  is rendered: a refusal (``CorsiaError``, ``Http404``, ``PermissionDenied``) commits
  what was recorded before it, as a request outside a transaction did; anything else
  rolls back, as does an answer 500 (the API's refusals — an unreachable device's 502
  included — are answers, not failures: committed like the pages').
- A **streamed** answer (``StreamingHttpResponse``): the queued rows are appended before
  its first byte, the transaction stays open while the stream is read (the generator's
  reads are in it) and commits at its end; rows queued during the stream are appended
  before that commit. If the stream fails midway, part of the data has already left: the
  transaction is rolled back and its access-log rows written again in a transaction of
  their own (``access_log_rewrite``). A stream holds its reader's shard lock until it
  ends: long exports are report runs in the background instead.
- Not wrapped: writes (POST, PUT, PATCH, DELETE: their services hold their own
  transactions), OPTIONS, and the paths of ``CORSIA_READ_TRANSACTION_EXEMPT`` (the health
  probe, static files).

Reads routed to a read-only replica (the reports, ``corsia.core.dbrouter``) are another
database: they cannot share a transaction with rows written on the primary. There "the
same transaction" means the transaction on the primary that writes the rows for what the
replica returned, committed before the answer leaves (ADR 0012).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop

from corsia.audit.services import (
    RequestReads,
    access_log_deferred,
    access_log_flush,
    access_log_rewrite,
)
from corsia.core.domain.errors import CorsiaError
from corsia.core.problems import is_api_path, problem_response

log = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD"})
UNRECORDED_CODE = "access_log_unavailable"
UNRECORDED_MESSAGE = gettext_noop(
    "Il registro degli accessi non è disponibile: per la tutela dei pazienti i dati "
    "richiesti non vengono mostrati. Riprova tra qualche istante; se si ripete, avvisa "
    "i sistemi informativi."
)
# a view's exception that is a refusal, not a failure: what it recorded before is kept
_REFUSALS = (CorsiaError, Http404, PermissionDenied)


class ReadTransaction:
    """One read-only request's transaction: opened, then committed with its access-log
    rows (``commit``) or rolled back (``rollback``), once."""

    def __init__(self) -> None:
        self.block = transaction.atomic(using=DEFAULT_DB_ALIAS, savepoint=False)
        self.reads = RequestReads()
        self.open = False

    def begin(self) -> None:
        self.block.__enter__()
        self.open = True

    def flush(self) -> bool:
        """Append the queued rows inside the transaction; False: it cannot commit now."""
        connection = transaction.get_connection(DEFAULT_DB_ALIAS)
        if connection.needs_rollback:
            return False
        try:
            access_log_flush(self.reads)
        except Exception:
            log.exception("access log not written: the read is answered with an error")
            return False
        return not connection.needs_rollback

    def commit(self) -> bool:
        """Append the queued rows and commit. False: nothing was committed."""
        if not self.open:
            return True
        if not self.flush():
            self.rollback()
            return False
        self.open = False
        try:
            self.block.__exit__(None, None, None)  # COMMIT (a ROLLBACK if it must)
        except Exception:
            log.exception("read transaction not committed: the read is answered with an error")
            return False
        return True

    def rollback(self) -> None:
        if not self.open:
            return
        self.open = False
        transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
        self.block.__exit__(None, None, None)


def unrecorded_response(request: HttpRequest) -> HttpResponse:
    """The answer to a read whose access log could not be written: 503, no data."""
    message = gettext(UNRECORDED_MESSAGE)
    if is_api_path(request.path):
        response = problem_response(request, status=503, code=UNRECORDED_CODE, detail=message)
    else:
        try:
            response = render(
                request,
                "refusal.html",
                {"status": 503, "message": message, "code": UNRECORDED_CODE},
                status=503,
            )
        except Exception:  # the database gone with the log: a page without the layout
            log.exception("error page not rendered")
            response = HttpResponse(message, status=503, content_type="text/plain")
    response["Retry-After"] = "5"
    return response


class _Stream:
    """A streamed answer's content inside its request's transaction (see the module)."""

    def __init__(self, content: Iterable[Any], read: ReadTransaction) -> None:
        self.content: Iterator[Any] = iter(content)
        self.read = read
        self.started = False

    def __iter__(self) -> _Stream:
        return self

    def __next__(self) -> Any:
        self.started = True
        try:
            with access_log_deferred(self.read.reads):
                chunk = next(self.content)
                if self.read.reads.queued and not self.read.flush():
                    raise RuntimeError("access log not written during a streamed answer")
        except StopIteration:
            self._end()
            raise
        except BaseException:
            self._lost()
            raise
        return chunk

    def _end(self) -> None:
        if self.read.open and not self.read.commit():
            self._rewrite()

    def _lost(self) -> None:
        if self.read.open:
            self.read.rollback()
            self._rewrite()

    def _rewrite(self) -> None:
        """Part of the data has left: its reads are recorded whatever happened."""
        try:
            access_log_rewrite(self.read.reads)
        except Exception:
            log.exception("access log of a streamed answer not written again")

    def close(self) -> None:
        """The server is done with the answer: read to its end or abandoned (the client
        went away) — what left is recorded; never begun — nothing left, commit anyway."""
        closer = getattr(self.content, "close", None)
        if callable(closer):
            closer()
        self._end()


class ReadTransactionMiddleware:
    """GET and HEAD in one transaction with their access-log rows (the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.exempt = tuple(settings.CORSIA_READ_TRANSACTION_EXEMPT)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in READ_METHODS or request.path.startswith(self.exempt):
            return self.get_response(request)
        read = ReadTransaction()
        request.corsia_read_transaction = read  # type: ignore[attr-defined]  # for process_exception
        read.begin()
        try:
            with access_log_deferred(read.reads):
                response = self.get_response(request)
        except BaseException:  # the handler converts exceptions into answers; a safeguard
            read.rollback()
            raise
        if not read.open:  # ended by process_exception
            return response
        if response.status_code == 500:  # a failure; a refusal's 502/503/504 is an answer
            read.rollback()
            return response
        if response.streaming and getattr(response, "is_async", False):
            # an asynchronous stream is read in another context: what it reads is not in
            # the transaction, which commits (with the rows) before its first byte
            return response if read.commit() else unrecorded_response(request)
        if response.streaming:
            if not read.flush():
                read.rollback()
                return unrecorded_response(request)
            response.streaming_content = _Stream(response.streaming_content, read)  # type: ignore[attr-defined]
            return response
        if not read.commit():
            return unrecorded_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view's exception: the transaction ends before any error page is rendered."""
        read: ReadTransaction | None = getattr(request, "corsia_read_transaction", None)
        if read is None or not read.open:
            return None
        if not isinstance(exception, _REFUSALS):
            read.rollback()
            return None
        if not read.commit():
            return unrecorded_response(request)
        return None  # the refusal's own page (corsia.core.refusals, Django's 404/403)
