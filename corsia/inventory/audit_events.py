"""Audit events of the pharmacy and ward stock, declared once."""

from __future__ import annotations

from corsia.audit.domain.events import register

COST_CENTER_SAVED = register("inventory.cost_center_saved", "Registrazione centro di costo")
LOCATION_SAVED = register("inventory.location_saved", "Registrazione ubicazione di magazzino")
STOCK_LOADED = register("inventory.stock_loaded", "Carico di magazzino da documento di trasporto")
DELIVERY_IMPORTED = register(
    "inventory.delivery_imported", "Importazione consegne dal magazzino ospedaliero"
)
STOCK_UNLOADED = register("inventory.stock_unloaded", "Scarico di magazzino")
STOCK_TRANSFERRED = register("inventory.stock_transferred", "Trasferimento tra ubicazioni")
STOCK_RETURNED = register("inventory.stock_returned", "Reso a magazzino", reason_required=True)
STOCK_WASTED = register("inventory.stock_wasted", "Scarto di magazzino", reason_required=True)
STOCK_ADJUSTED = register(
    "inventory.stock_adjusted", "Rettifica inventariale", reason_required=True
)
FILE_F_EXPORTED = register("inventory.file_f_exported", "Estrazione File F")
PROCUREMENT_IMPORTED = register(
    "inventory.procurement_imported",
    "Carico da DDT importati dal sistema acquisti dell'ospedale",
)
CONSUMPTION_EXPORTED = register(
    "inventory.consumption_exported", "Esportazione dei consumi per centro di costo"
)

# Ward and clinic requests to the pharmacy (issue 19)
WARD_REQUEST_CREATED = register("inventory.ward_request_created", "Richiesta di reparto compilata")
WARD_REQUEST_SUBMITTED = register(
    "inventory.ward_request_submitted", "Richiesta di reparto inviata alla farmacia"
)
WARD_REQUEST_CANCELLED = register(
    "inventory.ward_request_cancelled", "Richiesta di reparto annullata", reason_required=True
)
WARD_REQUEST_EVALUATED = register(
    "inventory.ward_request_evaluated", "Richiesta di reparto valutata dal farmacista"
)
WARD_REQUEST_PACK_PICKED = register(
    "inventory.ward_request_pack_picked", "Confezione prelevata per una richiesta di reparto"
)
WARD_REQUEST_PICKED = register(
    "inventory.ward_request_picked", "Prelievo della richiesta di reparto concluso"
)
WARD_REQUEST_DELIVERED = register(
    "inventory.ward_request_delivered", "Richiesta di reparto consegnata all'armadio di reparto"
)
WARD_REQUEST_PACK_RECEIVED = register(
    "inventory.ward_request_pack_received", "Confezione letta al ricevimento in reparto"
)
WARD_REQUEST_RECEIVED = register(
    "inventory.ward_request_received", "Richiesta di reparto ricevuta in reparto"
)
PAR_LEVEL_SAVED = register(
    "inventory.par_level_saved", "Livello di scorta dell'armadio di reparto registrato"
)
