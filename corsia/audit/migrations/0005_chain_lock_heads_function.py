# Issue 27: the shard's lock and the heads of every shard in one round trip (ADR 0012).
# A VOLATILE PL/pgSQL function: under READ COMMITTED each statement inside it takes a new
# snapshot, so the heads are read after the lock is granted and see every append
# committed before it, exactly as the two statements did. No row is written or changed.

from django.db import migrations

LOCK_AND_HEADS = """
CREATE OR REPLACE FUNCTION audit_chain_lock_heads(lock_key bigint, chain_table regclass, shards integer)
RETURNS TABLE (n integer, id bigint, hash text) LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    -- a statement of its own: its snapshot is taken once the lock is held
    RETURN QUERY EXECUTE format(
        'SELECT s.n::integer, h.id::bigint, h.hash::text FROM generate_series(0, $1 - 1) AS s(n)
           CROSS JOIN LATERAL (
             SELECT t.id, t.hash FROM %1$s t WHERE t.shard = s.n ORDER BY t.id DESC LIMIT 1
           ) AS h
         UNION ALL
         SELECT -1, l.id::bigint, l.hash::text FROM (
           SELECT t.id, t.hash FROM %1$s t WHERE t.shard IS NULL ORDER BY t.id DESC LIMIT 1
         ) AS l',
        chain_table
    ) USING shards;
END
$fn$
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_sharded_chains")]

    operations = [
        migrations.RunSQL(
            LOCK_AND_HEADS,
            reverse_sql="DROP FUNCTION IF EXISTS audit_chain_lock_heads(bigint, regclass, integer)",
        )
    ]
