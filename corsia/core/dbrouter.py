"""Read-only replicas for long reads (reports): a database router and the context that
turns it on.

- ``replica_reads()``: inside it, the ORM's **reads** go to the database alias named by
  ``settings.CORSIA_READ_REPLICA`` (``"replica"`` when ``DATABASE_REPLICA_URL`` is set;
  empty: the router says nothing and everything stays on ``default``). The reports module
  wraps a definition's computation in it, and nothing else.
- **Writes never go to the replica**: ``db_for_write`` is always ``default``, inside the
  context too (a replica is read-only; a write there would fail or, worse, be lost).
- **The audit module always reads and writes ``default``**: the access log and the audit
  trail are hash chains whose append reads the heads of the shards (ADR 0012); a head read
  from a lagging replica would fork the chain. (The append reads them with raw SQL on the
  default connection anyway; the router keeps an ORM read of theirs on it too.)
- Migrations run on ``default`` only (a replica follows by replication).

The context is a ``ContextVar``: one request's report does not move another thread's or
task's reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

PRIMARY = "default"
PINNED_APPS = frozenset({"audit"})  # the hash chains: read and written on the primary only

_replica_reads: ContextVar[bool] = ContextVar("corsia_replica_reads", default=False)


def replica_alias() -> str:
    """The alias the reads of ``replica_reads()`` go to ('' when none is configured)."""
    alias = str(getattr(settings, "CORSIA_READ_REPLICA", "") or "")
    return alias if alias and alias in settings.DATABASES else ""


@contextmanager
def replica_reads() -> Iterator[str]:
    """The ORM's reads inside go to the replica, when one is configured; yields the alias
    they go to (``default`` without a replica)."""
    token = _replica_reads.set(True)
    try:
        yield replica_alias() or PRIMARY
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads inside ``replica_reads()`` to the replica, all else to
    ``default`` (returns None, Django's own choice, outside the context)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _replica_reads.get():
            return None
        if model._meta.app_label in PINNED_APPS:
            return PRIMARY
        return replica_alias() or None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # the replica holds the same rows as the primary: an object read there may be
        # related to one read here
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == PRIMARY
