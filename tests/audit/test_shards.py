"""The audit chains per shard (ADR 0012): tamper evidence of each case, the legacy segment,
the verify command's output.

Every tampering below is what a database role could do without the audit key (triggers
ignored); each must be named by ``audit_verify``.
"""

from __future__ import annotations

from pathlib import Path

import pgtrigger
import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.test import override_settings

from corsia.accounts.models import User
from corsia.audit.checkpoints import checkpoint_problems, checkpoint_take
from corsia.audit.domain.chain import GENESIS, LEGACY, SHARDS, link_hash, shard_of
from corsia.audit.domain.events import EventType
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.audit.selectors import ChainReport, chain_reports
from corsia.audit.services import access_log_record, access_log_record_many, audit_record
from corsia.testing.audit import audit_verify_report, legacy_access_rows, shard_usernames

pytestmark = pytest.mark.django_db

ACCESS = AccessLogEntry._meta.db_table
EVENTS = AuditEvent._meta.db_table
TEST_EVENT = EventType("test.shards", "Evento di prova")
IGNORE = "audit.AccessLogEntry:append_only"


@pytest.fixture
def checkpoint_dir(tmp_path: Path):  # type: ignore[no-untyped-def]
    with override_settings(CORSIA_AUDIT_CHECKPOINT_DIR=tmp_path):
        yield tmp_path


def _users(count: int, *, same_shard: bool) -> list[User]:
    return [
        User.objects.create_user(username=name, password="Pw-test-12345")
        for name in shard_usernames(count, same_shard=same_shard)
    ]


def _access() -> ChainReport:
    return next(r for r in chain_reports() if r.table == ACCESS)


class _Row:
    """An access-log row as the tests read it: its shard is always set (ADR 0012)."""

    def __init__(self, row: AccessLogEntry) -> None:
        assert row.shard is not None
        self.pk, self.shard, self.hash, self.prev_hash = row.pk, row.shard, row.hash, row.prev_hash
        self.anchors = row.anchors


def _read(user: User, patient_id: int) -> _Row:
    return _Row(
        access_log_record(user=user, patient_id=patient_id, what="scheda", workstation=None)
    )


def test_each_actor_writes_its_own_shard_chained_and_anchored() -> None:
    a, b = _users(2, same_shard=False)
    a1, a2 = _read(a, 1), _read(a, 2)
    b1 = _read(b, 3)
    sa, sb = shard_of(a.username), shard_of(b.username)
    assert (a1.shard, a2.shard, b1.shard) == (sa, sa, sb)
    # a's chain: genesis (no legacy rows), then a1; b's first row follows genesis too
    assert (a1.prev_hash, a2.prev_hash, b1.prev_hash) == (GENESIS, a1.hash, GENESIS)
    # b's row names a's last row as the head of a's shard; a1 saw no other shard
    assert b1.anchors == [a2.pk if t == sa else 0 for t in range(SHARDS)]
    assert a1.anchors == [0] * SHARDS
    report = _access()
    assert (report.entries, report.legacy_entries, report.shard_entries) == (
        3,
        0,
        dict(sorted({sa: 2, sb: 1}.items())),
    )
    assert report.broken is None and report.breaks == {}


def test_a_search_logs_every_patient_in_the_readers_shard_in_one_chain() -> None:
    (a,) = _users(1, same_shard=True)
    rows = access_log_record_many(user=a, patient_ids=[4, 5, 6], what="ricerca", workstation=None)
    assert [r.prev_hash for r in rows] == [GENESIS, rows[0].hash, rows[1].hash]
    assert {r.shard for r in rows} == {shard_of(a.username)}
    assert _access().breaks == {}


def test_an_altered_row_is_named() -> None:
    a, b = _users(2, same_shard=False)
    _read(a, 1)
    victim = _read(a, 2)
    _read(b, 3)
    with pgtrigger.ignore(IGNORE):
        AccessLogEntry.objects.filter(pk=victim.pk).update(patient_id=99)
    report = _access()
    assert report.breaks[victim.shard].entry_id == victim.pk
    assert report.breaks[victim.shard].reason == "content does not match its hash"
    assert f"BROKEN {ACCESS} shard {victim.shard}: entry {victim.pk}: content" in (
        audit_verify_report()
    )


@pytest.mark.parametrize("column", ["shard", "anchors"])
def test_a_row_moved_to_another_shard_or_with_other_witnesses_is_named(column: str) -> None:
    a, b = _users(2, same_shard=False)
    _read(a, 1)
    victim = _read(b, 2)
    value = shard_of(a.username) if column == "shard" else [0] * SHARDS
    with pgtrigger.ignore(IGNORE):
        AccessLogEntry.objects.filter(pk=victim.pk).update(**{column: value})
    assert _access().broken is not None
    assert _access().broken.entry_id == victim.pk  # type: ignore[union-attr]


def test_an_inserted_row_is_named() -> None:
    (a,) = _users(1, same_shard=True)
    first = _read(a, 1)
    forged = AccessLogEntry(
        user=a, username=a.username, patient_id=7, what="scheda", shard=first.shard
    )
    forged.anchors = [0] * SHARDS
    forged.prev_hash = first.hash
    forged.hash = link_hash(first.hash, forged.payload(), None)  # no key: the best guess
    AccessLogEntry.objects.bulk_create([forged])
    after = _read(a, 2)  # chains after the forged row, which it took for the head
    report = _access()
    assert report.breaks[first.shard].entry_id == forged.pk
    assert report.breaks[first.shard].reason == "content does not match its hash"
    assert after.prev_hash == forged.hash


def test_a_row_removed_in_the_middle_of_a_shard_breaks_the_next() -> None:
    a, b = _users(2, same_shard=False)
    _read(a, 1)
    middle = _read(a, 2)
    _read(b, 9)  # another shard between them: the shard's chain is still a1 → a2 → a3
    third = _read(a, 3)
    with pgtrigger.ignore(IGNORE):
        AccessLogEntry.objects.filter(pk=middle.pk).delete()
    found = _access().breaks[third.shard]
    assert (found.entry_id, found.reason) == (
        third.pk,
        "previous hash does not match the preceding entry of its shard",
    )


def test_the_newest_rows_of_a_shard_removed_are_named_by_the_shard_that_anchored_them() -> None:
    a, b = _users(2, same_shard=False)
    _read(a, 1)
    newest = _read(a, 2)
    witness = _read(b, 3)  # seals newest as the head of a's shard
    with pgtrigger.ignore(IGNORE):
        AccessLogEntry.objects.filter(pk=newest.pk).delete()
    report = _access()
    assert shard_of(a.username) not in report.breaks  # a's shorter chain is still a chain
    found = report.breaks[witness.shard]
    assert (found.entry_id, found.reason) == (
        witness.pk,
        f"anchored entry {newest.pk} of shard {newest.shard} is missing",
    )
    assert "is missing" in audit_verify_report().splitlines()[3]  # after "BROKEN", 2 lines


def test_a_whole_shard_removed_is_named() -> None:
    a, b = _users(2, same_shard=False)
    gone = [_read(a, 1), _read(a, 2)]
    witness = _read(b, 3)
    with pgtrigger.ignore(IGNORE):
        AccessLogEntry.objects.filter(shard=gone[0].shard).delete()
    report = _access()
    assert report.shard_entries == {witness.shard: 1}
    assert report.breaks[witness.shard].reason == (
        f"anchored entry {gone[1].pk} of shard {gone[1].shard} is missing"
    )


def test_a_shards_tail_no_other_shard_saw_is_caught_by_the_checkpoint(
    checkpoint_dir: Path,
) -> None:
    a, b = _users(2, same_shard=False)
    _read(b, 9)
    _read(a, 1)
    newest = _read(a, 2)  # the hospital's very latest row: no other shard anchors it
    checkpoint_take()
    with pgtrigger.ignore(IGNORE):
        AccessLogEntry.objects.filter(pk=newest.pk).delete()
    assert _access().breaks == {}  # the bound of ADR 0012: only the checkpoint sees it
    assert [(p.segment, p.last_id, p.reason) for p in checkpoint_problems()] == [
        (f"{ACCESS} shard {newest.shard}", newest.pk, "checkpointed entry is missing")
    ]
    report = audit_verify_report()
    assert f"BROKEN {ACCESS} shard {newest.shard}: checkpoint at id {newest.pk}" in report


def test_a_whole_shard_removed_after_a_checkpoint_is_caught_by_it(checkpoint_dir: Path) -> None:
    (a,) = _users(1, same_shard=True)
    rows = [_read(a, 1), _read(a, 2)]
    checkpoint_take()
    with pgtrigger.ignore(IGNORE):
        AccessLogEntry.objects.all().delete()
    assert [p.reason for p in checkpoint_problems()] == ["checkpointed entry is missing"]
    assert checkpoint_problems()[0].last_id == rows[1].pk


def test_audit_events_are_sharded_by_actor_and_jobs_write_as_system() -> None:
    (a,) = _users(1, same_shard=True)
    mine = audit_record(event=TEST_EVENT, actor=a, workstation=None, reason="r")
    job = audit_record(event=TEST_EVENT, actor=None, workstation=None, reason="r")
    assert (mine.shard, job.shard) == (shard_of(a.username), shard_of("system"))
    events = next(r for r in chain_reports() if r.table == EVENTS)
    assert events.entries == 2 and events.breaks == {}


def test_an_append_that_fails_dooms_the_callers_transaction() -> None:
    """No savepoint of its own: the caller cannot go on and commit as if the read were logged."""
    (a,) = _users(1, same_shard=True)
    with transaction.atomic():
        with pytest.raises(ValueError, match="expected a number"):
            access_log_record_many(
                user=a,
                patient_ids=[1, "not a number"],  # type: ignore[list-item]
                what="ricerca",
                workstation=None,
            )
        with pytest.raises(TransactionManagementError):
            AccessLogEntry.objects.count()
    assert AccessLogEntry.objects.count() == 0


# --- the legacy segment: rows written under the single chain of ADR 0006 -----------------


def test_legacy_rows_verify_and_each_shard_continues_from_their_last(
    checkpoint_dir: Path,
) -> None:
    a, b = _users(2, same_shard=False)
    legacy = legacy_access_rows(user=a, patient_ids=[1, 2, 3])
    checkpoint_take()  # with only legacy rows: the line of before ADR 0012
    line = (checkpoint_dir / "checkpoints.jsonl").read_text().splitlines()[1]
    assert '"shard"' not in line and '"entries": 3' in line
    first_a, first_b = _read(a, 4), _read(b, 5)
    assert first_a.prev_hash == first_b.prev_hash == legacy[-1].hash
    checkpoint_take()
    report = _access()
    assert (report.entries, report.legacy_entries, report.breaks) == (5, 3, {})
    assert checkpoint_problems() == []
    assert audit_verify_report().splitlines()[1:] == [
        f"OK {ACCESS}: 5 entries (legacy segment 3, 2 of {SHARDS} shards in use)",
        "OK checkpoints: 6 verified",  # 2 legacy lines, then 2 legacy + 2 shards,
    ]


def test_a_legacy_row_altered_is_named_in_the_legacy_segment() -> None:
    (a,) = _users(1, same_shard=True)
    legacy = legacy_access_rows(user=a, patient_ids=[1, 2, 3])
    _read(a, 4)
    with pgtrigger.ignore(IGNORE):
        AccessLogEntry.objects.filter(pk=legacy[1].pk).update(what="altro")
    report = _access()
    assert list(report.breaks) == [LEGACY]
    assert report.breaks[LEGACY].entry_id == legacy[1].pk
    assert f"BROKEN {ACCESS} legacy segment: entry {legacy[1].pk}: content" in (
        audit_verify_report()
    )


def test_the_legacy_tail_removed_breaks_every_shard_that_followed_it() -> None:
    a, b = _users(2, same_shard=False)
    legacy = legacy_access_rows(user=a, patient_ids=[1, 2])
    first_a, first_b = _read(a, 3), _read(b, 4)
    with pgtrigger.ignore(IGNORE):
        AccessLogEntry.objects.filter(pk=legacy[-1].pk).delete()
    report = _access()
    assert LEGACY not in report.breaks  # the shorter legacy chain is still a chain
    assert {s: f.entry_id for s, f in report.breaks.items()} == {
        first_a.shard: first_a.pk,
        first_b.shard: first_b.pk,
    }


def test_a_legacy_row_written_after_the_shards_began_is_named() -> None:
    (a,) = _users(1, same_shard=True)
    legacy_access_rows(user=a, patient_ids=[1])
    _read(a, 2)
    late = legacy_access_rows(user=a, patient_ids=[3])[0]  # keyed and linked, but too late
    found = _access().breaks[LEGACY]
    assert (found.entry_id, found.reason) == (
        late.pk,
        "legacy entry written after the sharded chains began",
    )


def test_verify_output_names_every_segment() -> None:
    a, b = _users(2, same_shard=False)
    audit_record(event=TEST_EVENT, actor=a, workstation=None, reason="r")
    _read(a, 1)
    assert audit_verify_report().splitlines() == [
        f"OK {EVENTS}: 1 entries (legacy segment 0, 1 of {SHARDS} shards in use)",
        f"OK {ACCESS}: 1 entries (legacy segment 0, 1 of {SHARDS} shards in use)",
        "OK checkpoints: 0 verified",
    ]
    doomed, witness = _read(a, 2), _read(b, 3)
    with pgtrigger.ignore(IGNORE):
        AccessLogEntry.objects.filter(pk=doomed.pk).delete()
    assert audit_verify_report().splitlines()[2:] == [
        f"BROKEN {ACCESS}: 2 entries (legacy segment 0, 2 of {SHARDS} shards in use)",
        f"BROKEN {ACCESS} shard {witness.shard}: entry {witness.pk}: "
        f"anchored entry {doomed.pk} of shard {doomed.shard} is missing",
        "OK checkpoints: 0 verified",
    ]
