"""Audit events of the transplant pathway's case (declared once). The other parts of the
pathway declare theirs in their own ``audit_events_<part>.py``, imported by their
services."""

from __future__ import annotations

from corsia.audit.domain.events import register

CASE_OPENED = register("transplant.case_opened", "Paziente preso in carico per trapianto")
CASE_UPDATED = register("transplant.case_updated", "Dati del trapianto modificati")
CASE_CANCELLED = register(
    "transplant.case_cancelled", "Percorso di trapianto annullato", reason_required=True
)
