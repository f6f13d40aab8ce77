"""Audit events of the toxicity module (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

TOXICITY_RECORDED = register("toxicity.toxicity_recorded", "Tossicità registrata (CTCAE)")
TOXICITY_CORRECTED = register(
    "toxicity.toxicity_corrected",
    "Tossicità corretta (nuova versione)",
    reason_required=True,
)
TOXICITY_ENTERED_IN_ERROR = register(
    "toxicity.toxicity_entered_in_error",
    "Tossicità annullata perché inserita per errore",
    reason_required=True,
)
EXTRAVASATION_RECORDED = register("toxicity.extravasation_recorded", "Stravaso registrato")
CTCAE_LOADED = register("toxicity.ctcae_loaded", "Terminologia CTCAE caricata o aggiornata")
