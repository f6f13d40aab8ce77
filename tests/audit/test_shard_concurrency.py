"""Writers of different shards do not wait on each other; writers of one shard queue and
chain one after the other (ADR 0012). Proved with two connections and PostgreSQL's lock
table, never with timings: the first writer holds its transaction open while the second
runs on another connection (a thread).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from corsia.accounts.models import User
from corsia.audit.domain.chain import shard_of
from corsia.audit.domain.events import EventType
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.audit.selectors import chain_reports
from corsia.audit.services import access_log_record, audit_record, chain_lock_key
from corsia.testing.audit import shard_usernames

pytestmark = pytest.mark.django_db(transaction=True)

TEST_EVENT = EventType("test.concurrency", "Evento di prova")


def _user(name: str) -> User:
    return User.objects.create_user(username=name, password="Pw-test-12345")


def _in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``work`` in its own transaction on a second connection; its backend pid and its
    result (or error) in the dict."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                out["pid"] = cursor.fetchone()[0]
            with transaction.atomic():
                out["result"] = work()
        except Exception as error:  # handed to the test thread
            out["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def _advisory_locks(pid: int) -> list[tuple[int, bool]]:
    """The advisory locks of a backend: (bigint key, granted)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (classid::bigint << 32) | objid::bigint, granted FROM pg_locks "
            "WHERE locktype = 'advisory' AND pid = %s",
            [pid],
        )
        return [(int(key), bool(granted)) for key, granted in cursor.fetchall()]


def _my_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


@pytest.mark.parametrize("table", ["access", "events"])
def test_writers_of_different_shards_do_not_wait_on_each_other(table: str) -> None:
    first, second = (_user(n) for n in shard_usernames(2, same_shard=False, prefix="ward"))

    def write(user: User) -> AccessLogEntry | AuditEvent:
        if table == "access":
            return access_log_record(user=user, patient_id=1, what="scheda", workstation=None)
        return audit_record(event=TEST_EVENT, actor=user, workstation=None, reason="r")

    model = AccessLogEntry if table == "access" else AuditEvent
    with transaction.atomic():
        held = write(first)
        holder = _my_pid()
        thread, out = _in_thread(lambda: (write(second), _advisory_locks(holder)))
        # the second writer's whole transaction ends while the first still holds its lock:
        # had it waited on that lock it could only end after this block commits
        thread.join(timeout=120)
        assert not thread.is_alive(), "the second writer waited on the first's shard"
        assert "error" not in out, out.get("error")
        written, holder_locks = out["result"]
    # the first's shard lock was held (granted) while the second wrote and committed
    assert holder_locks == [(chain_lock_key(model, shard_of(first.username)), True)]
    assert written.shard != held.shard
    assert all(report.breaks == {} for report in chain_reports())


def test_writers_of_one_shard_queue_and_chain_one_after_the_other() -> None:
    first, second = (_user(n) for n in shard_usernames(2, same_shard=True, prefix="ward"))
    shard = shard_of(first.username)
    key = chain_lock_key(AccessLogEntry, shard)
    with transaction.atomic():
        held = access_log_record(user=first, patient_id=1, what="scheda", workstation=None)
        thread, out = _in_thread(
            lambda: access_log_record(user=second, patient_id=2, what="scheda", workstation=None)
        )
        waiting: list[tuple[int, bool]] = []
        for _ in range(1200):  # until the second writer is seen waiting (or fails)
            if "pid" in out:
                waiting = _advisory_locks(out["pid"])
                if waiting or not thread.is_alive():
                    break
            time.sleep(0.05)
        # it waits on this shard's lock, which the first holds, and has written nothing
        assert waiting == [(key, False)]
        assert thread.is_alive()
    thread.join(timeout=120)
    assert "error" not in out, out.get("error")
    after = out["result"]
    # it read the head after the first committed: chained after it, in the same shard
    assert (after.shard, after.prev_hash) == (shard, held.hash)
    assert all(report.breaks == {} for report in chain_reports())
