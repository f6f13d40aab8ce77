"""A read-only request runs in one transaction with its access-log rows (issue 27, ADR 0012,
``corsia.audit.middleware``), and an answer leaves only once that transaction committed.

Transactional tests (``transaction=True``): each request is then a transaction of its own,
as in production. The proof is PostgreSQL's: the transaction id seen right after each of
the read's statements (``txid_current()``) is the access-log row's ``xmin`` — the id of
the transaction that inserted it. In autocommit every statement would show an id of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit import services as audit_services
from corsia.audit.middleware import ReadTransactionMiddleware
from corsia.audit.models import AccessLogEntry
from corsia.audit.selectors import chain_reports
from corsia.audit.services import access_log_record
from corsia.core.domain.errors import NotFound
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db(transaction=True)

XID = 2**32  # xmin is the 32-bit transaction id; txid_current() adds the epoch above it


def _txid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current() %% %s", [XID])
        return int(cursor.fetchone()[0])


class _Txids:
    """(statement, the transaction id right after it) for every statement of a request."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []
        self.busy = False

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        result = execute(sql, params, many, context)
        if not self.busy:
            self.busy = True
            try:
                self.seen.append((sql, _txid()))
            finally:
                self.busy = False
        return result

    def of(self, fragment: str) -> set[int]:
        return {txid for sql, txid in self.seen if fragment in sql}


def _xmin(entry_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM audit_accesslogentry WHERE id = %s", [entry_id])
        return int(cursor.fetchone()[0])


def _read(client: Client, url: str) -> tuple[Any, _Txids]:
    txids = _Txids()
    with connection.execute_wrapper(txids):
        response = client.get(url)
    return response, txids


@pytest.mark.parametrize("channel", ["api", "page"])
def test_a_read_and_its_access_log_row_are_one_transaction(
    make_user: MakeUser, channel: str
) -> None:
    # given a physician and a patient of hers, committed
    physician = make_user(Role.PHYSICIAN)
    patient = patient_registered(physician)
    client, url = (
        (api_client(physician), f"/api/v1/patients/{patient.pk}")
        if channel == "api"
        else (logged_in(physician), f"/patients/{patient.pk}/")
    )
    before = AccessLogEntry.objects.count()
    # when she reads the patient
    response, txids = _read(client, url)
    # then she is shown the patient
    assert response.status_code == 200
    assert "Rossi" in response.content.decode()
    # and the read's statements, the access-log append and the row are one transaction
    reads = txids.of('FROM "patients_patient"')
    appended = txids.of('INSERT INTO "audit_accesslogentry"')
    assert len(reads) == 1 and reads == appended, txids.seen
    entry = AccessLogEntry.objects.order_by("-pk").first()
    assert AccessLogEntry.objects.count() == before + 1
    assert entry is not None and entry.patient_id == patient.pk
    assert {_xmin(entry.pk)} == reads
    # (which is not the id of a transaction of its own: a second read is another one)
    _, again = _read(client, url)
    assert again.of('FROM "patients_patient"').isdisjoint(reads)
    assert all(report.breaks == {} for report in chain_reports())


def _failing_append(*args: Any, **kwargs: Any) -> Any:
    # the database refuses the append (a full disk, a lost lock, a revoked grant): the
    # statement fails and the transaction is aborted, as PostgreSQL does it
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")
    raise AssertionError("unreachable")


@pytest.mark.parametrize("channel", ["api", "page"])
def test_a_read_whose_access_log_fails_shows_no_patient_data(
    make_user: MakeUser, monkeypatch: pytest.MonkeyPatch, channel: str
) -> None:
    physician = make_user(Role.PHYSICIAN)
    patient = patient_registered(physician)
    client, url = (
        (api_client(physician), f"/api/v1/patients/{patient.pk}")
        if channel == "api"
        else (logged_in(physician), f"/patients/{patient.pk}/")
    )
    before = AccessLogEntry.objects.count()
    monkeypatch.setattr(audit_services, "_lock_and_heads", _failing_append)
    # when the access log cannot be written
    response = client.get(url)
    # then the answer is a clear 503, without the patient
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    for shown in ("Rossi", "Mario", "RSSMRA85T10A562S"):
        assert shown not in body
    if channel == "api":
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "access_log_unavailable"
    else:
        assert response["Content-Type"].startswith("text/html")
        assert "Il registro degli accessi non è disponibile" in body
        assert "Errore 503" in body  # the Italian error page, in the layout
    # and nothing of the read was committed
    assert AccessLogEntry.objects.count() == before
    monkeypatch.undo()
    # and the next read, the log working again, is answered and logged
    assert client.get(url).status_code == 200
    assert AccessLogEntry.objects.count() == before + 1


# --- The middleware alone: streams, refusals, what it leaves alone ------------------------------


def _middleware(view: Callable[[HttpRequest], HttpResponse]) -> ReadTransactionMiddleware:
    return ReadTransactionMiddleware(view)


def _get(path: str = "/patients/1/", method: str = "get") -> HttpRequest:
    request: HttpRequest = getattr(RequestFactory(), method)(path)
    return request


def _streamed(
    reader: User, patient: Patient, seen: list[int], *, fail_at: int | None
) -> Iterator[bytes]:
    for n in range(3):
        if n == fail_at:
            raise DatabaseError("the connection was lost midway")
        seen.append(_txid())
        if n == 1:  # a row read while streaming: logged in the same transaction
            access_log_record(
                user=reader, patient_id=patient.pk, what="export (riga)", workstation=None
            )
        yield f"{patient.surname};{n}\n".encode()


def test_a_streamed_export_is_one_transaction_to_its_end(make_user: MakeUser) -> None:
    reader = make_user(Role.PHYSICIAN)
    patient = patient_registered(reader)
    seen: list[int] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(_txid())
        access_log_record(user=reader, patient_id=patient.pk, what="export", workstation=None)
        return StreamingHttpResponse(_streamed(reader, patient, seen, fail_at=None))  # type: ignore[return-value]

    before = AccessLogEntry.objects.count()
    response = _middleware(view)(_get())
    # the view's row is appended before the first byte, in the transaction still open
    assert connection.in_atomic_block
    assert AccessLogEntry.objects.count() == before + 1
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    response.close()
    assert body.decode().count("Rossi") == 3
    rows = list(AccessLogEntry.objects.order_by("pk"))[before:]
    assert [r.what for r in rows] == ["export", "export (riga)"]
    assert len(set(seen)) == 1
    assert {_xmin(r.pk) for r in rows} == set(seen)
    assert not connection.in_atomic_block


def test_a_stream_lost_midway_still_records_what_left(make_user: MakeUser) -> None:
    reader = make_user(Role.PHYSICIAN)
    patient = patient_registered(reader)
    seen: list[int] = []

    def view(request: HttpRequest) -> HttpResponse:
        access_log_record(user=reader, patient_id=patient.pk, what="export", workstation=None)
        return StreamingHttpResponse(_streamed(reader, patient, seen, fail_at=2))  # type: ignore[return-value]

    before = AccessLogEntry.objects.count()
    response = _middleware(view)(_get())
    chunks = iter(response.streaming_content)  # type: ignore[attr-defined]
    assert b"Rossi" in next(chunks) and b"Rossi" in next(chunks)  # part of the data left
    with pytest.raises(DatabaseError):
        next(chunks)
    response.close()
    # the transaction was rolled back, and its rows written again in one of their own
    rows = list(AccessLogEntry.objects.order_by("pk"))[before:]
    assert [r.what for r in rows] == ["export", "export (riga)"]
    assert {_xmin(r.pk) for r in rows}.isdisjoint(seen)
    assert not connection.in_atomic_block
    assert all(report.breaks == {} for report in chain_reports())


def test_a_refusal_keeps_what_was_read_before_it(make_user: MakeUser) -> None:
    reader = make_user(Role.PHYSICIAN)
    before = AccessLogEntry.objects.count()
    middleware: ReadTransactionMiddleware

    def view(request: HttpRequest) -> HttpResponse:
        # what Django's handler does with a view's exception: process_exception, then the page
        access_log_record(user=reader, patient_id=7, what="scheda", workstation=None)
        refusal = NotFound("Prescrizione non trovata.", code="order_not_found")
        assert middleware.process_exception(request, refusal) is None
        assert not connection.in_atomic_block  # ended before the error page is rendered
        return HttpResponse("Prescrizione non trovata.", status=404)

    middleware = _middleware(view)
    assert middleware(_get()).status_code == 404
    assert AccessLogEntry.objects.count() == before + 1


@pytest.mark.parametrize(
    ("status", "kept"),
    [
        (500, 0),  # a failure: rolled back
        (503, 1),  # an API refusal answered 503 (a signing service unreachable): an answer
        (404, 1),
    ],
)
def test_a_failure_rolls_back_what_was_read(make_user: MakeUser, status: int, kept: int) -> None:
    reader = make_user(Role.PHYSICIAN)
    before = AccessLogEntry.objects.count()

    def view(request: HttpRequest) -> HttpResponse:
        access_log_record(user=reader, patient_id=7, what="scheda", workstation=None)
        return HttpResponse("Errore", status=status)

    assert _middleware(view)(_get()).status_code == status
    assert AccessLogEntry.objects.count() == before + kept
    assert not connection.in_atomic_block


@pytest.mark.parametrize(
    ("path", "method", "wrapped"),
    [
        ("/patients/1/", "get", True),
        ("/api/v1/orders/1", "head", True),
        ("/healthz", "get", False),
        ("/static/corsia.css", "get", False),
        ("/patients/1/", "post", False),
        ("/patients/1/", "options", False),
    ],
)
def test_what_runs_in_a_read_transaction(path: str, method: str, wrapped: bool) -> None:
    inside: list[bool] = []

    def view(request: HttpRequest) -> HttpResponse:
        inside.append(connection.in_atomic_block)
        return HttpResponse("ok")

    assert _middleware(view)(_get(path, method)).status_code == 200
    assert inside == [wrapped]
