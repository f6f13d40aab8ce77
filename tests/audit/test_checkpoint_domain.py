"""Signed checkpoints of the chain heads, without the database."""

from __future__ import annotations

import hashlib
import hmac
import json

from corsia.audit.domain.checkpoint import Checkpoint, SealedCheckpoint, check

KEY = b"k" * 32
POINT = Checkpoint(table="t", last_id=10, entries=10, head_hash="ab" * 32, at="2026-12-02T10:00")


def _sealed(point: Checkpoint = POINT, key: bytes = KEY) -> SealedCheckpoint:
    return SealedCheckpoint(point, point.seal(key))


def test_seal_is_hmac_of_the_canonical_checkpoint() -> None:
    text = json.dumps(
        {"at": POINT.at, "entries": 10, "head_hash": POINT.head_hash, "last_id": 10, "table": "t"},
        separators=(",", ":"),
    )
    assert POINT.seal(KEY) == hmac.new(KEY, text.encode(), hashlib.sha256).hexdigest()


def test_intact_checkpoint_has_no_problem() -> None:
    assert check([_sealed()], KEY, lambda table, shard, last: (POINT.head_hash, 10)) == []


def test_each_kind_of_tampering_is_named() -> None:
    def reasons(found: tuple[str, int] | None, sealed: SealedCheckpoint | None = None) -> list[str]:
        return [p.reason for p in check([sealed or _sealed()], KEY, lambda t, s, i: found)]

    assert reasons(None) == ["checkpointed entry is missing"]
    assert reasons(("cd" * 32, 10)) == ["checkpointed entry was rewritten"]
    assert reasons((POINT.head_hash, 9)) == ["entries before the checkpoint were removed"]
    forged = SealedCheckpoint(
        Checkpoint("t", 10, 10, POINT.head_hash, POINT.at), _sealed(key=b"other").mac
    )
    assert reasons((POINT.head_hash, 10), forged) == ["checkpoint seal invalid"]


def test_checkpoint_of_an_empty_chain_asks_nothing_of_the_table() -> None:
    empty = Checkpoint(table="t", last_id=0, entries=0, head_hash="", at="x")
    assert check([_sealed(empty)], KEY, lambda t, s, i: None) == []


def test_a_shards_checkpoint_seals_its_shard_and_is_checked_in_it() -> None:
    """ADR 0012: the legacy segment's line is sealed as before; a shard's seals its number."""
    point = Checkpoint("t", 10, 10, POINT.head_hash, POINT.at, shard=3)
    assert point.seal(KEY) != POINT.seal(KEY)
    moved = SealedCheckpoint(Checkpoint("t", 10, 10, POINT.head_hash, POINT.at, shard=4), "")
    asked: list[tuple[str, int | None, int]] = []

    def head_at(table: str, shard: int | None, last_id: int) -> tuple[str, int]:
        asked.append((table, shard, last_id))
        return POINT.head_hash, 10

    sealed = SealedCheckpoint(point, point.seal(KEY))
    assert check([sealed], KEY, head_at) == []
    assert asked == [("t", 3, 10)]
    moved = SealedCheckpoint(moved.checkpoint, point.seal(KEY))  # the seal of shard 3
    assert [(p.segment, p.reason) for p in check([moved], KEY, head_at)] == [
        ("t shard 4", "checkpoint seal invalid")
    ]
