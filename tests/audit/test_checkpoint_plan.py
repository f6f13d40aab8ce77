"""The checkpoints read each shard's last id by the (shard, id) index, whatever the history.

``checkpoint_take`` read it with ``Max("id")`` filtered by ``shard = n``: PostgreSQL answers
that by walking the primary key backwards and filtering on the shard, so a shard with few
or no rows costs a scan of the whole log — the trap migration 0006 fixed in the chain heads
(issue 27). Here a log of 20,000 rows all in shard 5, every other shard empty, analysed:
the plan of each segment's query reads one index by a condition, filtering no row, and the
checkpoints taken name the right last ids.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

from corsia.accounts.domain.roles import Role
from corsia.audit.checkpoints import checkpoint_take, last_id_query
from corsia.audit.domain.chain import SHARDS
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.testing.accounts import MakeUser
from corsia.testing.audit import fill_one_shard

pytestmark = pytest.mark.django_db


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += _nodes(child)
    return found


def _plan(query: Any) -> list[dict[str, Any]]:
    sql, params = query[:1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (document,) = cursor.fetchone()
    loaded = json.loads(document) if isinstance(document, str) else document
    return _nodes(loaded[0]["Plan"])


@pytest.mark.parametrize("model", [AccessLogEntry, AuditEvent], ids=["access_log", "events"])
def test_each_segments_last_id_is_one_index_descent(model: Any, make_user: MakeUser) -> None:
    table = model._meta.db_table
    fill_one_shard(table, make_user(Role.PHARMACIST).pk, shard=5)
    for shard in [*range(SHARDS), None]:
        scans = [n for n in _plan(last_id_query(model, shard)) if n.get("Relation Name") == table]
        assert len(scans) == 1, (shard, scans)
        (scan,) = scans
        assert scan["Node Type"] in {"Index Scan", "Index Only Scan"}, (shard, scan)
        wanted = "_legacy_id" if shard is None else "_shard_id"
        assert scan["Index Name"].endswith(wanted), (shard, scan)
        if shard is not None:
            assert "shard" in scan.get("Index Cond", ""), (shard, scan)
        assert "Filter" not in scan, (shard, scan)  # no row read and thrown away


def test_the_checkpoints_name_each_segments_last_row(
    make_user: MakeUser, settings: Any, tmp_path: Any
) -> None:
    settings.CORSIA_AUDIT_CHECKPOINT_DIR = str(tmp_path)
    table = AccessLogEntry._meta.db_table
    user = make_user(Role.PHARMACIST)
    fill_one_shard(table, user.pk, shard=5, rows=30)
    fill_one_shard(table, user.pk, shard=2, rows=4)
    last = {shard: AccessLogEntry.objects.filter(shard=shard).latest("id") for shard in (2, 5)}
    points = {(p.table, p.shard): p for p in checkpoint_take()}
    for shard, entries in ((2, 4), (5, 30)):
        point = points[(table, shard)]
        assert point.last_id == last[shard].pk
        assert point.head_hash == last[shard].hash
        assert point.entries == entries
    # shards with no row have no line; the empty legacy segment has one, at id 0
    assert {s for (t, s) in points if t == table} == {None, 2, 5}
    assert points[(table, None)].last_id == 0
