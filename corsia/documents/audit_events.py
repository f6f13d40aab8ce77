"""Audit events of the clinical document archive (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

DOCUMENT_CREATED = register("documents.document_created", "Documento archiviato")
DOCUMENT_SIGNED = register("documents.document_signed", "Documento firmato digitalmente")
DOCUMENT_CORRECTED = register(
    "documents.document_corrected",
    "Documento corretto con una nuova versione",
    reason_required=True,
)
TEMPLATE_VERSION_CREATED = register(
    "documents.template_version_created", "Nuova versione di un modello di documento"
)
TEMPLATE_ACTIVATION_CHANGED = register(
    "documents.template_activation_changed",
    "Versione di un modello di documento attivata o disattivata",
    reason_required=True,
)
TEMPLATE_SHIPPED_STORED = register(
    "documents.template_shipped_stored",
    "Modello di serie di Corsia registrato come versione",
)
