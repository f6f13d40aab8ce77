"""Audit events of bedside administration (infusion pumps), declared once."""

from __future__ import annotations

from corsia.audit.domain.events import register

PUMP_REGISTERED = register("administration.pump_registered", "Registrazione pompa infusionale")
PUMP_PROGRAM_SENT = register(
    "administration.pump_program_sent", "Invio programma alla pompa infusionale"
)
PUMP_PROGRAM_ANSWERED = register(
    "administration.pump_program_answered", "Risposta della pompa al programma"
)
PUMP_ALARM_RAISED = register("administration.pump_alarm_raised", "Allarme pompa infusionale")
PUMP_ALARM_CLEARED = register("administration.pump_alarm_cleared", "Fine allarme pompa infusionale")

# Bedside administration
ADMINISTRATION_STARTED = register(
    "administration.administration_started", "Inizio somministrazione al letto"
)
ADMINISTRATION_REFUSED = register(
    "administration.bedside_refused", "Somministrazione bloccata dai controlli al letto"
)
ADMINISTRATION_OVERRIDDEN = register(
    "administration.bedside_override",
    "Forzatura di un controllo al letto",
    reason_required=True,
)
ADMINISTRATION_ENDED = register("administration.administration_ended", "Fine somministrazione")
ADMINISTRATION_INTERRUPTED = register(
    "administration.administration_interrupted",
    "Interruzione della somministrazione",
    reason_required=True,
)
APPOINTMENT_SET = register(
    "administration.appointment_set", "Pianificazione dell'orario di somministrazione"
)
# The bedside session: one nurse at one patient (wristband and badge read once)
BEDSIDE_SESSION_STARTED = register(
    "administration.bedside_session_started", "Inizio della sessione al letto del paziente"
)
BEDSIDE_SESSION_ENDED = register(
    "administration.bedside_session_ended", "Fine della sessione al letto del paziente"
)
BEDSIDE_BADGE_REFUSED = register(
    "administration.bedside_badge_refused", "Badge rifiutato al letto del paziente"
)
BEDSIDE_NO_BADGE = register(
    "administration.bedside_no_badge",
    "Somministrazione senza badge dichiarata al letto",
    reason_required=True,
)
