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
MESSAGE_SENT = register("interop.message_sent", "Messaggio HL7 inviato e accettato (AA)")
MESSAGE_NOT_DELIVERED = register(
    "interop.message_not_delivered",
    "Messaggio HL7 inviato rifiutato dal destinatario o rimasto senza risposta",
)
MESSAGE_RESENT = register(
    "interop.message_resent",
    "Messaggio HL7 reinviato su richiesta dei sistemi informativi",
    reason_required=True,
)
SUBSCRIBER_SAVED = register(
    "interop.subscriber_saved", "Destinatario dei messaggi HL7 creato o modificato"
)
