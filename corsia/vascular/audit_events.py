"""Audit events of the venous access register (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

DEVICE_REQUESTED = register("vascular.device_requested", "Impianto di accesso vascolare richiesto")
DEVICE_REQUEST_CANCELLED = register(
    "vascular.device_request_cancelled",
    "Richiesta di accesso vascolare annullata",
    reason_required=True,
)
DEVICE_INSERTED = register("vascular.device_inserted", "Accesso vascolare inserito")
DEVICE_REMOVED = register("vascular.device_removed", "Accesso vascolare rimosso")
CARE_RECORDED = register("vascular.care_recorded", "Gestione dell'accesso vascolare registrata")
COMPLICATION_RECORDED = register(
    "vascular.complication_recorded", "Complicanza dell'accesso vascolare registrata"
)
EVENT_CORRECTED = register(
    "vascular.event_corrected",
    "Evento dell'accesso vascolare corretto (nuova versione)",
    reason_required=True,
)
