"""Use cases that change the stock, one module per act: ``setup`` (cost centres,
locations), ``loads`` (delivery documents and CSV), ``procurement``
(goods receipts from the hospital's procurement system: preview, then load), ``movements`` (unload, transfer,
return, waste, adjust) and ``file_f`` (the regional extraction); ``lots`` holds what they
share. Each one: permission, one transaction, rows locked with ``select_for_update``, the
pure domain decides, movements appended, one audit event.

Quantities are whole units (vials, tablets). Stock never goes below zero (checked here and
by the database). Expired lots are never unloaded, transferred or returned to stock; they
leave only as waste.

The names below are the module's public API (views, API, compounding, tests).
"""

from corsia.inventory.services.accounting import ConsumptionExport, consumption_export
from corsia.inventory.services.file_f import (
    FILE_F_UFA,
    FileFCheck,
    FileFExtraction,
    FileFSource,
    file_f_check,
    file_f_checks,
    file_f_export,
)
from corsia.inventory.services.loads import LoadLine, stock_import_delivery_csv, stock_load
from corsia.inventory.services.lots import EXPORT_FILE_F, MANAGE, STOCK_REFUSED, VIEW
from corsia.inventory.services.movements import (
    stock_adjust,
    stock_return,
    stock_transfer,
    stock_unload,
    stock_waste,
)
from corsia.inventory.services.procurement import (
    ProcurementPreview,
    procurement_import,
    procurement_preview,
)
from corsia.inventory.services.setup import cost_center_save, location_save

__all__ = [
    "EXPORT_FILE_F",
    "FILE_F_UFA",
    "MANAGE",
    "STOCK_REFUSED",
    "VIEW",
    "ConsumptionExport",
    "FileFCheck",
    "FileFExtraction",
    "FileFSource",
    "LoadLine",
    "ProcurementPreview",
    "consumption_export",
    "cost_center_save",
    "file_f_check",
    "file_f_checks",
    "file_f_export",
    "location_save",
    "procurement_import",
    "procurement_preview",
    "stock_adjust",
    "stock_import_delivery_csv",
    "stock_load",
    "stock_return",
    "stock_transfer",
    "stock_unload",
    "stock_waste",
]
