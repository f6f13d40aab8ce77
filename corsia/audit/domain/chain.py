"""The hash chain of the audit tables: canonical serialisation and verification.

Each link is ``HMAC-SHA256(key, previous_hash + canonical(payload))`` with a key kept
outside the database (``CORSIA_AUDIT_KEY``): whoever can write the tables but does not
hold the key cannot recompute a rewritten chain. Without a key (``key=None``) the link
is the plain SHA-256 of the same text, the scheme of the first releases.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64


def canonical(payload: Mapping[str, Any]) -> str:
    """Deterministic JSON: sorted keys, no spaces, ISO dates via ``str``."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def link_hash(previous_hash: str, payload: Mapping[str, Any], key: bytes | None) -> str:
    """The link of ``payload`` after ``previous_hash``; ``key`` always explicit (``None``:
    the keyless scheme, kept only to recognise it), so no writer forgets it."""
    text = (previous_hash + canonical(payload)).encode()
    if key is None:
        return hashlib.sha256(text).hexdigest()
    return hmac.new(key, text, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def verify(
    entries: Iterable[tuple[int, str, str, Mapping[str, Any]]], key: bytes | None = None
) -> ChainBreak | None:
    """Entries as (id, prev_hash, hash, payload) in chain order; the first broken link, if any."""
    expected_prev = GENESIS
    for entry_id, prev_hash, entry_hash, payload in entries:
        if prev_hash != expected_prev:
            return ChainBreak(entry_id, "previous hash does not match the preceding entry")
        if not hmac.compare_digest(link_hash(prev_hash, payload, key), entry_hash):
            return ChainBreak(entry_id, "content does not match its hash")
        expected_prev = entry_hash
    return None


# --- Sharded chains (ADR 0012) ---------------------------------------------------------
#
# Since ADR 0012 each table holds SHARDS chains, one per shard, each with its own advisory
# lock; a row's shard is a stable hash of its actor's username, so one person's (or one
# job's) writes stay in one chain and a transaction never takes two shard locks of a table.
# The rows written before (shard NULL) are the legacy segment: the single chain of ADR
# 0006, verified as it was. Each shard's first row links to the legacy segment's last hash
# (GENESIS if there was none), so removing legacy rows from its end breaks every shard.
# Each sharded row also names, in ``anchors``, the last row of every other shard it saw
# committed: its link seals their hashes, so removing the newest rows of one shard (or the
# whole shard) is reported as soon as a row of any other shard was written after them.

SHARDS = 16
EVENT_CHAIN, ACCESS_CHAIN = "audit_event", "access_log"  # sealed in each sharded link


def shard_of(actor: str) -> int:
    """The shard of an actor's rows: a stable hash of the username (never Python's hash())."""
    digest = hashlib.sha256(actor.encode()).digest()
    return int.from_bytes(digest[:8], "big") % SHARDS


def sharded_link_hash(
    previous_hash: str,
    payload: Mapping[str, Any],
    *,
    chain: str,
    shard: int,
    anchors: Sequence[tuple[int, int, str]],
    key: bytes,
) -> str:
    """The link of a sharded row: its chain's name, its shard and the (shard, id, hash) of
    every other shard's last row are sealed with the payload (a row cannot be moved to
    another table or shard, nor its witnesses changed, without the key)."""
    sealed = {
        **payload,
        "_chain": chain,
        "_shard": shard,
        "_anchors": [[t, i, h] for t, i, h in anchors],
    }
    return link_hash(previous_hash, sealed, key)


def anchor_vector(shard: int, heads: Mapping[int, tuple[int, str]]) -> list[int]:
    """The ``anchors`` column: for each shard the id of its last row (0: none, or own)."""
    return [heads[t][0] if t in heads and t != shard else 0 for t in range(SHARDS)]


def anchor_triples(shard: int, heads: Mapping[int, tuple[int, str]]) -> list[tuple[int, int, str]]:
    return [(t, heads[t][0], heads[t][1]) for t in range(SHARDS) if t in heads and t != shard]


@dataclass(frozen=True)
class Entry:
    """One row as the verifier reads it (``shard`` None: the legacy segment)."""

    entry_id: int
    shard: int | None
    prev_hash: str
    hash: str
    payload: Mapping[str, Any]
    anchors: Sequence[int] | None


LEGACY = -1  # the segment key of the legacy single chain in ``ShardedReport.breaks``


@dataclass
class ShardedReport:
    entries: int = 0
    legacy_entries: int = 0
    shard_entries: dict[int, int] = field(default_factory=dict)
    breaks: dict[int, ChainBreak] = field(default_factory=dict)  # segment → its first break

    @property
    def first_break(self) -> ChainBreak | None:
        if not self.breaks:
            return None
        return min(self.breaks.values(), key=lambda b: b.entry_id)


_RECENT = 512  # per shard, the newest (id → hash) kept in memory to resolve anchors


def verify_sharded(
    entries: Iterable[Entry],
    key: bytes,
    *,
    chain: str,
    lookup: Callable[[int, int], str | None],
) -> ShardedReport:
    """Entries in id order: the legacy segment (verified as ADR 0006's single chain), then
    the shards. The first break of each segment is reported; a broken segment is still
    counted but not checked further. ``lookup(shard, id)`` answers the hash of an anchored
    row older than the ones kept in memory (None: there is no such row)."""
    report = ShardedReport()
    legacy_head, legacy_final = GENESIS, None
    heads: dict[int, str] = {}
    recent: dict[int, OrderedDict[int, str]] = {}
    for entry in entries:
        report.entries += 1
        if entry.shard is None:
            report.legacy_entries += 1
            if LEGACY in report.breaks:
                legacy_head = entry.hash  # the shards follow the stored last hash
                continue
            if legacy_final is not None:
                reason = "legacy entry written after the sharded chains began"
            elif entry.prev_hash != legacy_head:
                reason = "previous hash does not match the preceding entry"
            elif not hmac.compare_digest(
                link_hash(entry.prev_hash, entry.payload, key), entry.hash
            ):
                reason = "content does not match its hash"
            else:
                legacy_head = entry.hash
                continue
            report.breaks[LEGACY] = ChainBreak(entry.entry_id, reason)
            if legacy_final is None:
                legacy_head = entry.hash
            continue
        if legacy_final is None:
            legacy_final = legacy_head
        shard = entry.shard
        report.shard_entries[shard] = report.shard_entries.get(shard, 0) + 1
        if shard in report.breaks:
            continue
        problem = _sharded_problem(
            entry, heads.get(shard, legacy_final), key, chain, recent, lookup
        )
        if problem is not None:
            report.breaks[shard] = ChainBreak(entry.entry_id, problem)
            continue
        heads[shard] = entry.hash
        kept = recent.setdefault(shard, OrderedDict())
        kept[entry.entry_id] = entry.hash
        if len(kept) > _RECENT:
            kept.popitem(last=False)
    return report


def _sharded_problem(  # noqa: PLR0917 - one private step of verify_sharded
    entry: Entry,
    expected_prev: str,
    key: bytes,
    chain: str,
    recent: Mapping[int, Mapping[int, str]],
    lookup: Callable[[int, int], str | None],
) -> str | None:
    shard = entry.shard
    assert shard is not None
    if not 0 <= shard < SHARDS:
        return f"shard {shard} out of range"
    if entry.prev_hash != expected_prev:
        return "previous hash does not match the preceding entry of its shard"
    anchors = list(entry.anchors or [])
    if len(anchors) != SHARDS:
        return "anchors missing or malformed"
    triples = []
    for other, anchored in enumerate(anchors):
        if not anchored or other == shard:
            continue
        if anchored >= entry.entry_id:
            return f"anchored entry {anchored} of shard {other} is not older than the entry"
        found = recent.get(other, {}).get(anchored)
        if found is None:
            found = lookup(other, anchored)
        if found is None:
            return f"anchored entry {anchored} of shard {other} is missing"
        triples.append((other, anchored, found))
    link = sharded_link_hash(
        entry.prev_hash, entry.payload, chain=chain, shard=shard, anchors=triples, key=key
    )
    if not hmac.compare_digest(link, entry.hash):
        return "content does not match its hash"
    return None
