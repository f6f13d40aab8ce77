"""Audit events of the UFA (compounding), declared once."""

from __future__ import annotations

from corsia.audit.domain.events import register

ITEM_VALIDATED = register("compounding.item_validated", "Validazione farmaceutica di un farmaco")
ORDER_TAKEN_IN_CHARGE = register(
    "compounding.order_taken_in_charge", "Presa in carico UFA e creazione delle preparazioni"
)
ORDER_RETURNED = register(
    "compounding.order_returned", "Restituzione al prescrittore dalla UFA", reason_required=True
)
PREPARATION_COMPLETED = register(
    "compounding.preparation_completed", "Completamento dei dati di una preparazione"
)
SESSION_OPENED = register("compounding.session_opened", "Apertura sessione di lavoro alla cappa")
VIALS_PLANNED = register("compounding.vials_planned", "Piano dei flaconi della giornata")
PREPARATION_ASSIGNED = register(
    "compounding.preparation_assigned", "Assegnazione di una preparazione a cappa e tecnico"
)
VIAL_SCANNED = register("compounding.vial_scanned", "Flacone letto e prelevato alla cappa")
LEFTOVER_CREATED = register("compounding.leftover_created", "Residuo di flacone conservato")
LEFTOVER_VOLUME_RECORDED = register(
    "compounding.leftover_volume_recorded", "Volume residuo di un flacone registrato alla cappa"
)
WEIGHING_RECORDED = register("compounding.weighing_recorded", "Controllo gravimetrico registrato")
PREPARATION_RELEASED = register("compounding.preparation_released", "Rilascio della preparazione")
PREPARATION_REJECTED = register(
    "compounding.preparation_rejected", "Scarto della preparazione", reason_required=True
)
CHECKED_OUT = register("compounding.checked_out", "Check-out nel sacchetto paziente")
TRANSPORT_IMPORTED = register(
    "compounding.transport_imported", "Importazione delle temperature di trasporto"
)
STOCK_UNLOADED = register("compounding.stock_unloaded", "Scarico a magazzino dei flaconi usati")
STOCK_NOT_UNLOADED = register(
    "compounding.stock_not_unloaded",
    "Flacone usato non scaricato dal magazzino (giacenza da rettificare)",
)
TRANSPORT_EXCURSION_RELEASED = register(
    "compounding.transport_excursion_released",
    "Rilascio del farmacista dopo un'escursione della temperatura di trasporto",
    reason_required=True,
)
BAG_WEIGHED_BEFORE = register(
    "compounding.bag_weighed_before", "Pesata della sacca prima dell'aggiunta del farmaco"
)
DEVICE_PUSHED = register(
    "compounding.device_pushed", "Preparazione inviata al robot / cappa intelligente"
)
DEVICE_RESULT_RECORDED = register(
    "compounding.device_result_recorded",
    "Risultato del robot / cappa intelligente registrato sulla preparazione",
)
TRANSPORT_EXCURSION_REJECTED = register(
    "compounding.transport_excursion_rejected",
    "Sacchetto respinto dal farmacista dopo un'escursione della temperatura di trasporto",
    reason_required=True,
)
