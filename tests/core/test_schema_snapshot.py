"""The committed test database snapshot is exactly what the migrations build.

The test databases are cloned from a template restored from
``corsia/testing/schema/test_database.sql`` (corsia/testing/dbtemplate.py). This test
migrates a database from nothing with the real ``manage.py migrate`` and compares its
dump with the snapshot, line by line: a snapshot edited by hand, or left behind by a
change of a migration or of a library, fails here. Minutes (the whole migrate): it runs
with the outside probes (``make test-outside``), which CI runs after ``make test``.
"""

from __future__ import annotations

import difflib
import os

import pytest

from corsia.testing import dbtemplate

pytestmark = pytest.mark.outside


def test_the_snapshot_is_the_current_migrations_key() -> None:
    assert dbtemplate.snapshot_key() == dbtemplate.migration_key(), (
        "run `make test-schema` and commit the snapshot"
    )


def test_the_snapshot_is_what_the_migrations_build() -> None:
    scratch = "corsia_schema_check_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
    try:
        fresh = dbtemplate.build_fresh(scratch, dbtemplate.migration_key())
    finally:
        dbtemplate.drop(scratch)
    committed = dbtemplate.SNAPSHOT.read_text(encoding="utf-8")
    difference = list(
        difflib.unified_diff(
            committed.splitlines(), fresh.splitlines(), "snapshot", "migrated", lineterm="", n=2
        )
    )
    assert not difference, "\n".join(difference[:80])
