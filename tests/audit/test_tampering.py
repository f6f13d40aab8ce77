"""Tampering with the audit trail as the database role could: refused or detected.

Regression tests for issue 26 ("audit integrity rests on a superuser role"): TRUNCATE is
refused; a chain rewritten with recomputed hashes, a deleted newest entry and a forged
checkpoint are all reported by ``audit_verify``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pgtrigger
import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from corsia.accounts.models import User
from corsia.audit.checkpoints import checkpoint_problems, checkpoint_take
from corsia.audit.domain.chain import GENESIS, link_hash, shard_of
from corsia.audit.domain.events import EventType
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.audit.selectors import chain_reports
from corsia.audit.services import access_log_record, audit_record
from corsia.testing.audit import audit_verify_report

TEST_EVENT = EventType("test.tampering", "Evento di prova")
ACCESS = AccessLogEntry._meta.db_table
EVENTS = AuditEvent._meta.db_table


@pytest.fixture
def checkpoint_dir(tmp_path: Path):  # type: ignore[no-untyped-def]
    with override_settings(CORSIA_AUDIT_CHECKPOINT_DIR=tmp_path):
        yield tmp_path


def _reads(n: int) -> User:
    user = User.objects.create_user(username="reader", password="Pw-test-12345")
    for i in range(n):
        access_log_record(user=user, patient_id=i + 1, what="summary", workstation=None)
    return user


_verify = audit_verify_report


@pytest.mark.django_db
@pytest.mark.parametrize("table", [ACCESS, EVENTS])
def test_truncate_of_the_audit_tables_is_refused(table: str) -> None:
    _reads(2)
    audit_record(event=TEST_EVENT, actor=None, workstation=None, reason="r")
    with (
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own pending FK checks
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AccessLogEntry.objects.count() == 2 and AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_chain_rewritten_with_recomputed_hashes_is_detected(checkpoint_dir: Path) -> None:
    """Without the audit key a rewrite can only be re-hashed with plain SHA-256 (or a guess)."""
    _reads(3)
    rows = list(AccessLogEntry.objects.order_by("id"))
    prev = GENESIS
    with pgtrigger.ignore("audit.AccessLogEntry:append_only"):
        for row in rows:
            row.what = "nothing to see"
            digest = link_hash(prev, row.payload(), None)  # the attacker's best effort: no key
            AccessLogEntry.objects.filter(pk=row.pk).update(
                what=row.what, prev_hash=prev, hash=digest
            )
            prev = digest
    access = next(r for r in chain_reports() if r.table == ACCESS)
    assert access.broken is not None and access.broken.entry_id == rows[0].pk
    assert access.broken.reason == "content does not match its hash"
    assert _verify().startswith("BROKEN")


@pytest.mark.django_db
def test_deleting_the_newest_access_log_entry_is_detected_by_the_checkpoint(
    checkpoint_dir: Path,
) -> None:
    _reads(3)
    checkpoint_take()
    assert "BROKEN" not in _verify()
    newest = AccessLogEntry.objects.order_by("-id").first()
    assert newest is not None
    with pgtrigger.ignore("audit.AccessLogEntry:append_only"):
        AccessLogEntry.objects.filter(pk=newest.pk).delete()
    # the chain alone still verifies: a shorter chain is still a chain
    assert next(r for r in chain_reports() if r.table == ACCESS).broken is None
    problems = checkpoint_problems()
    assert [(p.table, p.last_id, p.reason) for p in problems] == [
        (ACCESS, newest.pk, "checkpointed entry is missing")
    ]
    report = _verify()
    assert report.startswith("BROKEN") and "checkpointed entry is missing" in report


@pytest.mark.django_db
def test_forged_checkpoint_is_detected(checkpoint_dir: Path) -> None:
    _reads(2)
    checkpoint_take()
    path = checkpoint_dir / "checkpoints.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    lines[1]["checkpoint"]["entries"] = 1  # pretend the chain was shorter, keep the old seal
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert [p.reason for p in checkpoint_problems()] == ["checkpoint seal invalid"]


@pytest.mark.django_db
def test_unreadable_checkpoint_line_is_reported(checkpoint_dir: Path) -> None:
    _reads(1)
    checkpoint_take()
    with (checkpoint_dir / "checkpoints.jsonl").open("a") as handle:
        handle.write("{not json\n")
    assert [p.reason for p in checkpoint_problems()] == ["checkpoint seal invalid"]


@pytest.mark.django_db
def test_checkpoints_accumulate_and_verify(checkpoint_dir: Path) -> None:
    _reads(1)
    checkpoint_take()
    _reads_more = User.objects.get(username="reader")
    access_log_record(user=_reads_more, patient_id=9, what="summary", workstation=None)
    points = checkpoint_take()
    # one line per segment: each table's legacy segment (empty here) and the reader's shard
    assert {(p.table, p.shard): p.entries for p in points} == {
        (EVENTS, None): 0,
        (ACCESS, None): 0,
        (ACCESS, shard_of("reader")): 2,
    }
    assert checkpoint_problems() == []
    assert "OK checkpoints: 6 verified" in _verify()


def test_the_worker_takes_a_checkpoint_every_quarter_hour() -> None:
    from procrastinate.contrib.django import app

    from corsia.audit import tasks

    assert tasks.audit_checkpoint_task.name == "corsia.audit.checkpoint"
    periodic = [
        p
        for p in app.periodic_registry.periodic_tasks.values()
        if p.periodic_id == "audit_checkpoint"
    ]
    assert [p.cron for p in periodic] == ["*/15 * * * *"]


@pytest.mark.django_db
def test_every_access_log_writer_seals_with_the_key() -> None:
    """One read and a search's batch of reads, interleaved: the keyed chain verifies."""
    from corsia.audit.services import access_log_record_many

    user = _reads(1)
    access_log_record_many(user=user, patient_ids=[5, 6, 7], what="ricerca", workstation=None)
    access_log_record(user=user, patient_id=8, what="summary", workstation=None)
    audit_record(event=TEST_EVENT, actor=user, workstation=None, reason="r")
    assert [(r.entries, r.broken) for r in chain_reports()] == [(1, None), (5, None)]
