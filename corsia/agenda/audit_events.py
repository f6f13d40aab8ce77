"""Audit events of the agenda (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

AGENDA_CREATED = register("agenda.agenda_created", "Agenda creata")
AGENDA_CHANGED = register("agenda.agenda_changed", "Agenda modificata")
AGENDA_PLACE_SET = register("agenda.place_set", "Posto dell'agenda aggiunto o tolto")
BOOKING_TYPE_SET = register("agenda.booking_type_set", "Tipo di prenotazione definito")
HOURS_SET = register("agenda.hours_set", "Orario di apertura definito")
DAY_CLOSED = register("agenda.day_closed", "Giorno di chiusura", reason_required=True)
DAY_REOPENED = register("agenda.day_reopened", "Giorno riaperto", reason_required=True)
NURSE_ON_DUTY_SET = register("agenda.nurse_on_duty_set", "Infermiere in servizio")
BOOKING_CREATED = register("agenda.booking_created", "Prenotazione creata")
BOOKING_MOVED = register("agenda.booking_moved", "Prenotazione spostata", reason_required=True)
BOOKING_TRANSITION = register("agenda.booking_transition", "Stato della prenotazione")
BOOKING_CANCELLED = register(
    "agenda.booking_cancelled", "Prenotazione annullata", reason_required=True
)
BOOKING_LOCK_SET = register("agenda.booking_lock_set", "Prenotazione bloccata o sbloccata")
PROGRAMME_PROPOSED = register("agenda.programme_proposed", "Programma di terapia proposto")
PROGRAMME_CONFIRMED = register("agenda.programme_confirmed", "Programma di terapia confermato")
CYCLE_POSTPONED = register(
    "agenda.cycle_postponed", "Ciclo rinviato (e i successivi)", reason_required=True
)
REMINDER_SENT = register("agenda.reminder_sent", "Promemoria inviato al paziente")
DAY_PLAN_APPLIED = register(
    "agenda.day_plan_applied", "Piano della giornata applicato", reason_required=True
)
CUP_MAPPING_SET = register(
    "agenda.cup_mapping_set", "Corrispondenza prestazione CUP → tipo di prenotazione"
)
CUP_MAPPING_DEACTIVATED = register(
    "agenda.cup_mapping_deactivated", "Corrispondenza prestazione CUP disattivata"
)
DAY_PLAN_REQUESTED = register("agenda.day_plan_requested", "Piano della giornata richiesto")
BOOKING_MERGE_RESTORED = register(
    "agenda.booking_merge_restored",
    "Prenotazione annullata da un'unione di pazienti ripristinata (unione annullata)",
    reason_required=True,
)
BOOKING_MERGE_NOT_RESTORED = register(
    "agenda.booking_merge_not_restored",
    "Prenotazione annullata da un'unione di pazienti non ripristinata (posto, orario o "
    "giornata non più liberi)",
    reason_required=True,
)
