"""Audit events of the reports (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

RUN_QUEUED = register("reports.run_queued", "Report messo in coda (esecuzione in background)")
PSEUDONYMISED_EXTRACTED = register(
    "reports.pseudonymised_extracted", "Estrazione pseudonimizzata per la ricerca"
)
