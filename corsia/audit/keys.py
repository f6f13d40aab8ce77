"""The audit key: it seals the hash chains and their checkpoints (ADR 0006).

It comes from ``CORSIA_AUDIT_KEY`` (the environment, never the database), so a database
role that can rewrite the audit tables still cannot forge a chain that verifies.
"""

from __future__ import annotations

import hashlib

from django.conf import settings


def audit_key() -> bytes:
    """32 bytes derived from the configured key text (any length, any characters)."""
    return hashlib.sha256(str(settings.CORSIA_AUDIT_KEY).encode()).digest()
