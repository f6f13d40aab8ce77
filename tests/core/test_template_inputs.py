"""When a stale test-database snapshot may be brought up to date by applying only the added
migrations (corsia/testing/dbtemplate.py): never when an input it was built from changed."""

from __future__ import annotations

import pytest

from corsia.testing import dbtemplate

BUILT_FROM = {
    "prescribing/0015_a.py": "aaaa",
    "prescribing/0016_b.py": "bbbb",
    "django": "dddd",
    "+corsia/core/dbroles.py": "eeee",
}


def test_a_migration_added_is_applied_on_the_snapshot() -> None:
    current = {**BUILT_FROM, "prescribing/0017_c.py": "cccc", "nutrition/0005_d.py": "ffff"}
    assert dbtemplate.only_added(BUILT_FROM, current)


def test_the_same_inputs_are_only_added_nothing() -> None:
    assert dbtemplate.only_added(BUILT_FROM, dict(BUILT_FROM))


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"prescribing/0016_b.py": "b2"}, "a migration the snapshot applied was edited"),
        ({"django": "d2"}, "another Django writes other SQL"),
        ({"+corsia/core/dbroles.py": "e2"}, "migrate's own additions changed"),
        ({"+corsia/core/new.py": "n"}, "a new addition to migrate"),
        ({"pghistory-like": "x"}, "a new library, not a migration file"),
    ],
)
def test_any_other_change_is_a_migrate_from_nothing(change: dict[str, str], why: str) -> None:
    assert not dbtemplate.only_added(BUILT_FROM, {**BUILT_FROM, **change}), why


def test_a_removed_migration_is_a_migrate_from_nothing() -> None:
    current = {k: v for k, v in BUILT_FROM.items() if k != "prescribing/0016_b.py"}
    assert not dbtemplate.only_added(BUILT_FROM, current)


def test_a_snapshot_listing_no_inputs_is_never_extended() -> None:
    assert not dbtemplate.only_added({}, BUILT_FROM)


def test_the_committed_snapshot_lists_the_inputs_of_its_key() -> None:
    # the key is the digest of the inputs; the snapshot lists each one's own digest
    assert dbtemplate.snapshot_key() == dbtemplate.migration_key()
    assert dbtemplate.snapshot_inputs() == dbtemplate.migration_inputs()
