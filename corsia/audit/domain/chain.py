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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
