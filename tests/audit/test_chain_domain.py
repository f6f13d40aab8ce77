"""The hash chain, without the database: any edit, insertion or removal is detected."""

from __future__ import annotations

import hashlib
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from corsia.audit.domain.chain import GENESIS, canonical, link_hash, verify


def _chain(payloads: list[dict[str, Any]]) -> list[tuple[int, str, str, dict[str, Any]]]:
    rows, prev = [], GENESIS
    for i, payload in enumerate(payloads, start=1):
        h = link_hash(prev, payload, None)
        rows.append((i, prev, h, payload))
        prev = h
    return rows


def test_link_hash_is_sha256_of_previous_hash_and_canonical_json() -> None:
    # canonical JSON sorts keys and has no spaces: {"a":1,"b":"x"}
    payload = {"b": "x", "a": 1}
    assert canonical(payload) == '{"a":1,"b":"x"}'
    expected = hashlib.sha256((GENESIS + '{"a":1,"b":"x"}').encode()).hexdigest()
    assert link_hash(GENESIS, payload, None) == expected


def test_intact_chain_verifies() -> None:
    assert verify(_chain([{"n": i} for i in range(5)])) is None


def test_edited_content_is_reported_at_its_entry() -> None:
    rows = _chain([{"n": i} for i in range(5)])
    i, prev, h, _ = rows[2]
    rows[2] = (i, prev, h, {"n": 99})
    broken = verify(rows)
    assert broken is not None and broken.entry_id == 3
    assert broken.reason == "content does not match its hash"


def test_removed_entry_is_reported_at_the_next_one() -> None:
    rows = _chain([{"n": i} for i in range(5)])
    del rows[1]
    broken = verify(rows)
    assert broken is not None and broken.entry_id == 3
    assert broken.reason == "previous hash does not match the preceding entry"


@given(
    st.lists(
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3), min_size=1, max_size=8
    ),
    st.data(),
)
def test_any_single_edit_breaks_the_chain(
    payloads: list[dict[str, Any]], data: st.DataObject
) -> None:
    rows = _chain(payloads)
    index = data.draw(st.integers(0, len(rows) - 1))
    i, prev, h, payload = rows[index]
    rows[index] = (i, prev, h, {**payload, "__tampered__": True})
    broken = verify(rows)
    assert broken is not None and broken.entry_id == index + 1


def test_keyed_link_is_hmac_sha256_of_previous_hash_and_canonical_json() -> None:
    import hmac

    key = b"k" * 32
    expected = hmac.new(key, (GENESIS + '{"a":1}').encode(), hashlib.sha256).hexdigest()
    assert link_hash(GENESIS, {"a": 1}, key) == expected
    assert link_hash(GENESIS, {"a": 1}, key) != link_hash(GENESIS, {"a": 1}, None)


def test_chain_rewritten_without_the_key_does_not_verify_with_it() -> None:
    """A rewrite recomputed with plain SHA-256 (or another key) fails at its first entry."""
    key = b"the hospital's key"
    rows = _chain([{"n": i} for i in range(4)])  # recomputed by someone without the key
    assert verify(rows) is None
    broken = verify(rows, key)
    assert broken is not None and broken.entry_id == 1
    assert broken.reason == "content does not match its hash"
