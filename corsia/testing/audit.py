"""Test helpers for the audit trail."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import CommandError, call_command


def audit_verify_report() -> str:
    """What ``manage.py audit_verify`` prints, led by ``BROKEN`` when it fails."""
    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError:
        return "BROKEN\n" + out.getvalue()
    return out.getvalue()


def shard_usernames(count: int, *, same_shard: bool, prefix: str = "user") -> list[str]:
    """``count`` usernames whose rows go to one shard (``same_shard``) or to ``count``
    different shards (ADR 0012), found deterministically from ``prefix``."""
    from corsia.audit.domain.chain import shard_of

    found: list[str] = []
    for number in range(10_000):
        name = f"{prefix}{number}"
        shards = [shard_of(n) for n in found]
        fits = (
            (not found or shard_of(name) == shards[0])
            if same_shard
            else (shard_of(name) not in shards)
        )
        if fits:
            found.append(name)
            if len(found) == count:
                return found
    raise AssertionError("no such usernames")  # pragma: no cover - 16 shards, 10,000 names


def legacy_access_rows(*, user: Any, patient_ids: list[int]) -> list[Any]:
    """Access-log rows as the single chain of ADR 0006 wrote them (``shard`` NULL), after the
    legacy segment's last row: the history an installation had before ADR 0012."""
    from corsia.audit.domain.chain import GENESIS, link_hash
    from corsia.audit.keys import audit_key
    from corsia.audit.models import AccessLogEntry

    last = (
        AccessLogEntry.objects.filter(shard__isnull=True)
        .order_by("-id")
        .values_list("hash", flat=True)
        .first()
    )
    previous, rows = last or GENESIS, []
    for patient_id in patient_ids:
        row = AccessLogEntry(
            user=user, username=user.username, patient_id=patient_id, what="scheda", channel="web"
        )
        row.prev_hash, row.hash = previous, link_hash(previous, row.payload(), audit_key())
        row.save(force_insert=True)
        previous = row.hash
        rows.append(row)
    return rows


def fill_one_shard(table: str, user_id: int, *, shard: int = 5, rows: int = 20_000) -> None:
    """``rows`` rows of the chain ``table`` (the access log's or the events') all in one
    ``shard``, every other shard empty — the worst case for a head read by the primary
    key — then ``ANALYZE`` so the planner knows it (hashes made up, unique per shard: plans,
    not chains)."""
    from django.db import connection

    from corsia.audit.models import AccessLogEntry

    with connection.cursor() as cursor:
        if table == AccessLogEntry._meta.db_table:
            cursor.execute(
                f"INSERT INTO {table} (accessed_at, user_id, username, patient_id, what,"  # noqa: S608 - the model's own table
                " workstation, channel, prev_hash, hash, shard, anchors)"
                " SELECT now(), %s, 'x', 1, 'x', '', 'web', '',"
                " md5(%s || ':' || g::text) || md5((-g)::text), %s, NULL"
                " FROM generate_series(1, %s) AS g",
                [user_id, str(shard), shard, rows],
            )
        else:
            cursor.execute(
                f"INSERT INTO {table} (event_type, occurred_at, actor_id, actor_username,"  # noqa: S608 - the model's own table
                " workstation, target_type, target_id, reason, prev_hash, hash, shard)"
                " SELECT 'test.plan', now(), %s, 'x', '', '', '', '', '',"
                " md5(%s || ':' || g::text) || md5((-g)::text), %s FROM generate_series(1, %s) AS g",
                [user_id, str(shard), shard, rows],
            )
        cursor.execute(f"ANALYZE {table}")
