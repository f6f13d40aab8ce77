"""Audit events of parenteral nutrition orders (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

ORDER_DRAFTED = register("nutrition.order_drafted", "Nutrizione parenterale prescritta (bozza)")
ORDER_EDITED = register("nutrition.order_edited", "Bozza di nutrizione parenterale modificata")
ORDER_SIGNED = register("nutrition.order_signed", "Nutrizione parenterale firmata")
ORDER_VALIDATED = register("nutrition.order_validated", "Nutrizione parenterale validata")
ORDER_REJECTED = register(
    "nutrition.order_rejected", "Nutrizione parenterale respinta dal farmacista",
    reason_required=True,
)  # fmt: skip
ORDER_PREPARED = register("nutrition.order_prepared", "Nutrizione parenterale allestita")
ORDER_ADMINISTERED = register(
    "nutrition.order_administered", "Nutrizione parenterale somministrata"
)
ORDER_CANCELLED = register(
    "nutrition.order_cancelled", "Nutrizione parenterale annullata", reason_required=True
)
TEMPLATE_SAVED = register("nutrition.template_saved", "Schema di reparto per NPT salvato")
TEMPLATE_RETIRED = register(
    "nutrition.template_retired", "Schema di reparto per NPT ritirato", reason_required=True
)
BAG_WEIGHING_FAILED = register(
    "nutrition.bag_weighing_failed", "Controllo gravimetrico della sacca NPT fuori tolleranza"
)
BAG_CHECKED_OUT = register(
    "nutrition.bag_checked_out", "Sacca NPT consegnata dalla Farmacia al reparto"
)
BEDSIDE_REFUSED = register(
    "nutrition.bedside_refused", "Avvio della sacca NPT rifiutato dai controlli al letto"
)
INFUSION_ENDED = register("nutrition.infusion_ended", "Fine dell'infusione della sacca NPT")
