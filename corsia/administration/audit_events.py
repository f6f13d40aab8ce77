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
