"""Audit events of the portal (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

ACCOUNT_OPENED = register("portal.account_opened", "Account del portale paziente aperto")
ACCOUNT_SUSPENDED = register(
    "portal.account_suspended", "Account del portale paziente sospeso", reason_required=True
)
ACCOUNT_REACTIVATED = register(
    "portal.account_reactivated", "Account del portale paziente riattivato", reason_required=True
)
DOCUMENT_RELEASED = register("portal.document_released", "Documento reso visibile al paziente")
