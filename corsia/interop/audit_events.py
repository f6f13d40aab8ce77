"""Audit events of the HL7 interface (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

MESSAGE_RECEIVED = register(
    "interop.message_received", "Messaggio HL7 ricevuto ed elaborato (o rifiutato)"
)
MESSAGE_RETRIED = register(
    "interop.message_retried", "Messaggio HL7 in attesa rielaborato automaticamente"
)
MESSAGE_REPLAYED = register(
    "interop.message_replayed",
    "Messaggio HL7 rielaborato su richiesta dei sistemi informativi",
    reason_required=True,
)
