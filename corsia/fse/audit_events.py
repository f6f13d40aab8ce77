"""Audit events of the FSE 2.0 gateway flow (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

DOCUMENT_QUEUED = register(
    "fse.document_queued", "Documento validato offline e messo in coda per il FSE"
)
DOCUMENT_VALIDATED = register("fse.document_validated", "Documento validato dal gateway FSE")
DOCUMENT_SIGNED = register("fse.document_signed", "PDF con CDA firmato PAdES per il FSE")
DOCUMENT_PUBLISHED = register("fse.document_published", "Documento pubblicato sul FSE")
DOCUMENT_FAILED = register(
    "fse.document_failed", "Documento rifiutato dal gateway FSE o tentativi esauriti"
)
DOCUMENT_RETRIED = register(
    "fse.document_retried",
    "Invio al FSE ritentato su richiesta dei sistemi informativi",
    reason_required=True,
)
DOCUMENT_OBSCURED = register(
    "fse.document_obscured",
    "Oscuramento sul FSE chiesto o revocato dal paziente",
    reason_required=True,
)
DOCUMENT_DELETED = register(
    "fse.document_deleted", "Eliminazione dal FSE chiesta", reason_required=True
)
DOCUMENT_REPLACED = register("fse.document_replaced", "Documento sostituito sul FSE")
LETTER_NOT_SENT = register(
    "fse.letter_not_sent",
    "Lettera firmata non inviata al FSE (consenso, regole del gateway o dati mancanti)",
)
LETTER_RESENT = register(
    "fse.letter_resent",
    "Lettera firmata inviata di nuovo al FSE dai sistemi informativi, corretta la causa",
    reason_required=True,
)
TELEVISIT_NOT_SENT = register(
    "fse.televisit_not_sent",
    "Referto di televisita firmato non inviato al FSE (consenso, regole del gateway o dati "
    "mancanti)",
)
