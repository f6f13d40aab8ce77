# Issue 27, found by the benchmark at scale M (2026-12-05): the heads of the shards were
# read with ``WHERE t.shard = n ORDER BY t.id DESC LIMIT 1``. With the shard fixed by the
# equality, PostgreSQL's planner treats the order as "by id" and walks the primary key
# backwards, filtering on the shard: for a shard with few or no rows it reads the whole
# table (2.3 s for the 16 heads over 490,000 access-log rows; every read of a patient
# appends to that log). A range on the shard (``>= n AND <= n``) with the order on
# (shard, id) is answered by the (shard, id) index, one descent per shard (6 ms cold,
# well under 1 ms warm). Same rows, same lock, same snapshot rule as migration 0005.

from django.db import migrations

HEADS_QUERY = (
    "SELECT s.n::integer, h.id::bigint, h.hash::text FROM generate_series(0, $1 - 1) AS s(n)"
    " CROSS JOIN LATERAL ("
    " SELECT t.id, t.hash FROM %1$s t WHERE t.shard >= s.n AND t.shard <= s.n"
    " ORDER BY t.shard DESC, t.id DESC LIMIT 1"
    " ) AS h"
    " UNION ALL"
    " SELECT -1, l.id::bigint, l.hash::text FROM ("
    " SELECT t.id, t.hash FROM %1$s t WHERE t.shard IS NULL ORDER BY t.id DESC LIMIT 1"
    " ) AS l"
)

LOCK_AND_HEADS = f"""
CREATE OR REPLACE FUNCTION audit_chain_lock_heads(lock_key bigint, chain_table regclass, shards integer)
RETURNS TABLE (n integer, id bigint, hash text) LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    -- a statement of its own: its snapshot is taken once the lock is held
    RETURN QUERY EXECUTE format('{HEADS_QUERY}', chain_table) USING shards;
END
$fn$
"""

PREVIOUS = """
CREATE OR REPLACE FUNCTION audit_chain_lock_heads(lock_key bigint, chain_table regclass, shards integer)
RETURNS TABLE (n integer, id bigint, hash text) LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
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
    dependencies = [("audit", "0005_chain_lock_heads_function")]

    operations = [migrations.RunSQL(LOCK_AND_HEADS, reverse_sql=PREVIOUS)]
