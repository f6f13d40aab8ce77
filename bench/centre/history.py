"""The access log hash chain and the pghistory rows written in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg

from bench.centre.days import ACCESS_COLUMNS
from bench.records import (
    _copy,
)
from corsia.audit.domain.chain import GENESIS, link_hash
from corsia.audit.keys import audit_key


class AccessChain:
    """Appends reads to the access log, hash-chained exactly as ``access_log_record``."""

    def __init__(self, cur: psycopg.Cursor[Any], names: dict[int, str]) -> None:
        self.cur, self.names = cur, names
        self.next_id = _next_id(cur, "audit_accesslogentry")
        row = cur.execute(
            "SELECT hash FROM audit_accesslogentry ORDER BY id DESC LIMIT 1"
        ).fetchone()
        self.last_hash: str = row[0] if row else GENESIS
        self.key = audit_key()

    def append(self, reads: Sequence[tuple[datetime, int, int, str, str]]) -> int:
        chained = []
        for at, user, patient, what, channel in sorted(reads):
            payload = {
                "accessed_at": at.isoformat(),
                "username": self.names[user],
                "patient_id": patient,
                "what": what,
                "workstation": "",
                "channel": channel,
            }
            digest = link_hash(self.last_hash, payload, self.key)
            chained.append(
                (
                    self.next_id,
                    at,
                    user,
                    self.names[user],
                    patient,
                    what,
                    "",
                    channel,
                    self.last_hash,
                    digest,
                )
            )
            self.last_hash, self.next_id = digest, self.next_id + 1
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
