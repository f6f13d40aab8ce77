"""The hash chain of the audit tables: canonical serialisation and verification."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(payload: Mapping[str, Any]) -> str:
    """Deterministic JSON: sorted keys, no spaces, ISO dates via ``str``."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def link_hash(previous_hash: str, payload: Mapping[str, Any]) -> str:
    return hashlib.sha256((previous_hash + canonical(payload)).encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def verify(entries: Iterable[tuple[int, str, str, Mapping[str, Any]]]) -> ChainBreak | None:
    """Entries as (id, prev_hash, hash, payload) in chain order; the first broken link, if any."""
    expected_prev = GENESIS
    for entry_id, prev_hash, entry_hash, payload in entries:
        if prev_hash != expected_prev:
            return ChainBreak(entry_id, "previous hash does not match the preceding entry")
        if link_hash(prev_hash, payload) != entry_hash:
            return ChainBreak(entry_id, "content does not match its hash")
        expected_prev = entry_hash
    return None
