"""Test-database flushes may empty the audit tables.

The audit tables refuse TRUNCATE (a statement trigger, corsia.audit.models). Django's
TransactionTestCase (``transaction=True`` tests, live-server browser tests) empties the
database after each test with ``flush``, a TRUNCATE of every table: only that command,
only in tests, runs with the two triggers ignored (pgtrigger's per-connection ignore).
"""

from __future__ import annotations

from typing import Any

import pgtrigger
from django.core.management.commands import flush

AUDIT_TRUNCATE_TRIGGERS = ("audit.AuditEvent:no_truncate", "audit.AccessLogEntry:no_truncate")


def allow_test_flush_of_audit_tables() -> None:
    original = flush.Command.handle
    if getattr(original, "_corsia_audit_flush", False):
        return

    def handle(self: flush.Command, *args: Any, **options: Any) -> None:
        with pgtrigger.ignore(*AUDIT_TRUNCATE_TRIGGERS):
            original(self, *args, **options)

    handle._corsia_audit_flush = True  # type: ignore[attr-defined]
    flush.Command.handle = handle  # type: ignore[method-assign]
