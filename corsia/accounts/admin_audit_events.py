"""Audit event types of the administration pages (users and workstations), declared once.

Kept apart from ``audit_events.py`` so that the administration pages and the core
account services can change independently.
"""

from __future__ import annotations

from corsia.audit.domain.events import register

USER_REACTIVATED = register("accounts.user_reactivated", "Utente riattivato", reason_required=True)
WORKSTATION_CREATED = register("accounts.workstation_created", "Postazione creata")
WORKSTATION_CHANGED = register("accounts.workstation_changed", "Postazione modificata")
