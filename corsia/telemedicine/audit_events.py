"""Audit events of telemedicine (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

SCHEDULED = register("telemedicine.scheduled", "Televisita programmata")
CONSULTATION_REQUESTED = register("telemedicine.consultation_requested", "Teleconsulto richiesto")
CONSENT_RECORDED = register("telemedicine.consent_recorded", "Consenso alla televisita registrato")
ROOM_OPENED = register("telemedicine.room_opened", "Stanza della televisita aperta")
ROOM_CLOSED = register("telemedicine.room_closed", "Stanza della televisita chiusa")
CANCELLED = register("telemedicine.cancelled", "Televisita annullata", reason_required=True)
REPORT_SIGNED = register("telemedicine.report_signed", "Referto di televisita firmato")
CONSULTATION_ANSWERED = register(
    "telemedicine.consultation_answered", "Risposta al teleconsulto registrata"
)
