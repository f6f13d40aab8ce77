"""Audit events of the transfusion module (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

GROUP_DETERMINED = register(
    "transfusion.group_determined", "Determinazione del gruppo sanguigno registrata"
)
REQUEST_CREATED = register("transfusion.request_created", "Emocomponenti richiesti")
REQUEST_CANCELLED = register(
    "transfusion.request_cancelled", "Richiesta di emocomponenti annullata", reason_required=True
)
BAG_ISSUED = register("transfusion.bag_issued", "Sacca assegnata alla richiesta")
BAG_CHECKED = register(
    "transfusion.bag_checked", "Controllo pre-trasfusionale superato (due operatori)"
)
BAG_REFUSED = register("transfusion.bag_refused", "Sacca rifiutata al controllo pre-trasfusionale")
TRANSFUSION_STARTED = register("transfusion.started", "Trasfusione iniziata")
TRANSFUSION_ENDED = register("transfusion.ended", "Trasfusione conclusa")
TRANSFUSION_STOPPED = register(
    "transfusion.stopped", "Trasfusione interrotta", reason_required=True
)
VITALS_RECORDED = register("transfusion.vitals_recorded", "Parametri vitali della trasfusione")
REACTION_RECORDED = register("transfusion.reaction_recorded", "Reazione trasfusionale registrata")
EMERGENCY_DECLARED = register(
    "transfusion.emergency_declared",
    "Urgenza dichiarata: rilascio di emocomponenti senza gruppo confermato",
    reason_required=True,
)
CROSSMATCH_RECORDED = register(
    "transfusion.crossmatch_recorded", "Prova di compatibilità (crossmatch) registrata"
)
