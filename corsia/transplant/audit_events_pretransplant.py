"""Audit events of the pre-transplant path and day 0 (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

RECIPIENT_TYPED = register(
    "transplant.recipient_typed", "Tipizzazione HLA e gruppo del ricevente registrati"
)
DONOR_ADDED = register("transplant.donor_added", "Potenziale donatore registrato")
DONOR_UPDATED = register(
    "transplant.donor_updated", "Tipizzazione o idoneità del donatore aggiornate"
)
DONOR_CHOSEN = register("transplant.donor_chosen", "Donatore scelto", reason_required=True)
DONOR_EXCLUDED = register("transplant.donor_excluded", "Donatore escluso", reason_required=True)
PRODUCT_COLLECTED = register(
    "transplant.product_collected", "Raccolta di cellule staminali registrata"
)
CUSTODY_RECORDED = register(
    "transplant.custody_recorded", "Passaggio della catena di custodia registrato"
)
CONDITIONING_SET = register("transplant.conditioning_set", "Condizionamento e giorno 0 stabiliti")
INFUSION_RECORDED = register("transplant.infusion_recorded", "Infusione del giorno 0 registrata")
COUNT_RECORDED = register("transplant.count_recorded", "Conta ematica post-trapianto registrata")
