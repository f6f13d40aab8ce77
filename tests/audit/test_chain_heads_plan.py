"""The heads of the shards are found by the (shard, id) index, whatever the history.

The benchmark at scale M found every read of a patient 2–6 s slow: the query of the heads
(``audit_chain_lock_heads``) walked the primary key backwards filtering on the shard, so a
shard with few or no rows cost a scan of the whole log (issue 27, migration 0006). Here a
log of 20,000 rows all in one shard — every other shard empty, the worst case — analysed,
and the plan of the very statement the installed function runs: each shard's head by an
index condition on the shard, no row filtered.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from django.db import connection

from corsia.accounts.domain.roles import Role
from corsia.audit.domain.chain import SHARDS
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.testing.accounts import MakeUser
from corsia.testing.audit import fill_one_shard

pytestmark = pytest.mark.django_db

HEADS_QUERY: str = importlib.import_module(
    "corsia.audit.migrations.0006_chain_heads_by_shard_index"
).HEADS_QUERY


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += _nodes(child)
    return found


def _plan(table: str) -> list[dict[str, Any]]:
    statement = HEADS_QUERY.replace("%1$s", table).replace("$1", str(SHARDS))
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {statement}")
        (document,) = cursor.fetchone()
    loaded = json.loads(document) if isinstance(document, str) else document
    return _nodes(loaded[0]["Plan"])


@pytest.mark.parametrize("model", [AccessLogEntry, AuditEvent], ids=["access_log", "events"])
def test_each_shard_head_is_one_index_descent(model: Any, make_user: MakeUser) -> None:
    table = model._meta.db_table
    fill_one_shard(table, make_user(Role.PHARMACIST).pk)
    lateral = [
        node
        for node in _plan(table)
        if node.get("Relation Name") == table
        and not node.get("Index Name", "").endswith("_legacy_id")  # the legacy segment's head
    ]
    assert lateral, "the plan reads the table"
    for node in lateral:
        assert node["Node Type"] in {"Index Scan", "Index Only Scan"}, node
        assert node["Index Name"].endswith("_shard_id"), node
        assert "shard" in node.get("Index Cond", ""), node
        assert "Filter" not in node, node  # no row read and thrown away


def test_the_installed_function_runs_this_statement() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_functiondef('audit_chain_lock_heads(bigint, regclass, integer)'"
            "::regprocedure)"
        )
        (definition,) = cursor.fetchone()
    assert HEADS_QUERY in definition
    assert "pg_advisory_xact_lock(lock_key)" in definition
