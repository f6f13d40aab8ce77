"""Signed checkpoints of the audit chains' heads, kept where the database cannot reach.

The hash chain finds an edited or removed row in the middle; it cannot find rows removed
from the end (the shorter chain is still a chain), and a keyless chain can be rewritten
whole. A checkpoint records, at a moment, each chain's last id, its number of entries and
its head hash, sealed with the audit key (HMAC-SHA256) and appended to a file outside the
database. Verification then asks of every checkpoint: is its seal intact, does the row it
names still exist with that hash, and are there still that many rows up to it. Rows
removed from the tail since the last checkpoint are the only ones it cannot see, so the
checkpoint interval bounds what an attacker can remove unseen.

Since ADR 0012 a checkpoint names the legacy segment (``shard`` None: the single chain of
before, whose checkpoints taken then still verify with the same seal) or one shard, whose
last id, number of rows and head hash it seals.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from corsia.audit.domain.chain import canonical


@dataclass(frozen=True)
class Checkpoint:
    table: str
    last_id: int
    entries: int
    head_hash: str
    at: str  # ISO 8601, when it was taken
    shard: int | None = None  # None: the legacy segment (the whole chain before ADR 0012)

    def seal(self, key: bytes) -> str:
        fields = asdict(self)
        if self.shard is None:
            del fields["shard"]  # sealed as before ADR 0012: the old checkpoints still verify
        return hmac.new(key, canonical(fields).encode(), hashlib.sha256).hexdigest()

    @property
    def segment(self) -> str:
        return self.table if self.shard is None else f"{self.table} shard {self.shard}"


@dataclass(frozen=True)
class SealedCheckpoint:
    checkpoint: Checkpoint
    mac: str


@dataclass(frozen=True)
class CheckpointProblem:
    table: str
    last_id: int
    reason: str
    shard: int | None = None

    @property
    def segment(self) -> str:
        return self.table if self.shard is None else f"{self.table} shard {self.shard}"


# (hash of the row with that id in that segment, rows of the segment with id <= it), or None
Head = tuple[str, int] | None


def check(
    sealed: Iterable[SealedCheckpoint],
    key: bytes,
    head_at: Callable[[str, int | None, int], Head],
) -> list[CheckpointProblem]:
    """Every checkpoint against the tables as they are now (``head_at(table, shard, id)``)."""
    problems: list[CheckpointProblem] = []
    for item in sealed:
        point = item.checkpoint
        if not hmac.compare_digest(point.seal(key), item.mac):
            problems.append(
                CheckpointProblem(
                    point.table, point.last_id, "checkpoint seal invalid", point.shard
                )
            )
            continue
        if point.last_id == 0:
            continue  # taken on an empty chain: nothing to find
        found = head_at(point.table, point.shard, point.last_id)
        if found is None:
            problems.append(
                CheckpointProblem(
                    point.table, point.last_id, "checkpointed entry is missing", point.shard
                )
            )
        elif found[0] != point.head_hash:
            problems.append(
                CheckpointProblem(
                    point.table, point.last_id, "checkpointed entry was rewritten", point.shard
                )
            )
        elif found[1] != point.entries:
            problems.append(
                CheckpointProblem(
                    point.table,
                    point.last_id,
                    "entries before the checkpoint were removed",
                    point.shard,
                )
            )
    return problems
