"""Audit events of the portal (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

ACCOUNT_OPENED = register("portal.account_opened", "Account del portale paziente aperto")
ACCOUNT_SUSPENDED = register(
    "portal.account_suspended", "Account del portale paziente sospeso", reason_required=True
)
