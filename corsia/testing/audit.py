"""Test helpers for the audit trail."""

from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command


def audit_verify_report() -> str:
    """What ``manage.py audit_verify`` prints, led by ``BROKEN`` when it fails."""
    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError:
        return "BROKEN\n" + out.getvalue()
    return out.getvalue()
