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
