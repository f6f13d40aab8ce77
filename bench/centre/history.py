"""The access log hash chain and the pghistory rows written in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from bench.centre.days import ACCESS_COLUMNS
from bench.records import (
    _copy,
)
from corsia.audit.domain.chain import (
    ACCESS_CHAIN,
    GENESIS,
    anchor_triples,
    anchor_vector,
    shard_of,
    sharded_link_hash,
)
from corsia.audit.keys import audit_key


class AccessChain:
    """Appends reads to the access log, hash-chained exactly as ``access_log_record`` chains
    them (ADR 0012): each read in its reader's shard, after that shard's last row (the first
    after the legacy segment's last), sealing every other shard's last row as its anchor."""

    def __init__(self, cur: psycopg.Cursor[Any], names: dict[int, str]) -> None:
        self.cur, self.names = cur, names
        self.next_id = _next_id(cur, "audit_accesslogentry")
        row = cur.execute(
            "SELECT hash FROM audit_accesslogentry WHERE shard IS NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        self.legacy_hash: str = row[0] if row else GENESIS
        self.heads: dict[int, tuple[int, str]] = {
            int(shard): (int(entry_id), str(digest))
            for shard, entry_id, digest in cur.execute(
                "SELECT DISTINCT ON (shard) shard, id, hash FROM audit_accesslogentry "
                "WHERE shard IS NOT NULL ORDER BY shard, id DESC"
            )
        }
        self.key = audit_key()

    def append(self, reads: Sequence[tuple[datetime, int, int, str, str]]) -> int:
        chained = []
        for at, user, patient, what, channel in sorted(reads):
            username = self.names[user]
            payload = {
                "accessed_at": at.isoformat(),
                "username": username,
                "patient_id": patient,
                "what": what,
                "workstation": "",
                "channel": channel,
            }
            shard = shard_of(username)
            previous = self.heads[shard][1] if shard in self.heads else self.legacy_hash
            digest = sharded_link_hash(
                previous,
                payload,
                chain=ACCESS_CHAIN,
                shard=shard,
                anchors=anchor_triples(shard, self.heads),
                key=self.key,
            )
            anchors = Jsonb(anchor_vector(shard, self.heads))
            read = (self.next_id, at, user, username, patient, what, "", channel)
            chained.append((*read, previous, digest, shard, anchors))
            self.heads[shard] = (self.next_id, digest)
            self.next_id += 1
        _copy(self.cur, "audit_accesslogentry", ACCESS_COLUMNS, chained)
        return len(chained)


# Tables tracked by pghistory: their insert events are written with one INSERT ... SELECT.
TRACKED = ("prescribing_patientdiagnosis", "prescribing_therapyorder", "prescribing_orderitem")


def _history_in_bulk(cur: psycopg.Cursor[Any], table: str, *, first_id: int) -> None:
    """The 'insert' event rows pghistory's trigger would have written, for every new row."""
    columns = [
        row[0]
        for row in cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name NOT LIKE 'pgh\\_%%' ORDER BY ordinal_position",
            (table + "event",),
        )
    ]
    names = ", ".join(f'"{c}"' for c in columns)
    cur.execute(
        f"INSERT INTO {table}event ({names}, pgh_created_at, pgh_label, pgh_obj_id, "  # noqa: S608
        f"pgh_context_id) SELECT {names}, now(), 'insert', id, NULL FROM {table} "
        "WHERE id >= %s",
        (first_id,),
    )


def _next_id(cur: psycopg.Cursor[Any], table: str) -> int:
    row = cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()  # noqa: S608
    assert row is not None
    return int(row[0])


def _set_sequence(cur: psycopg.Cursor[Any], table: str) -> None:
    cur.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names
        f"(SELECT coalesce(max(id), 1) FROM {table}))"
    )
