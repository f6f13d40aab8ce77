"""Audit events of direct distribution (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

PLAN_RECORDED = register("dispensing.plan_recorded", "Piano terapeutico registrato")
DELEGATION_RECORDED = register("dispensing.delegation_recorded", "Delega al ritiro registrata")
DISPENSING_RECORDED = register(
    "dispensing.dispensing_recorded", "Farmaco dispensato in distribuzione diretta"
)
FILE_F_EXPORTED = register(
    "dispensing.file_f_exported", "File F della distribuzione diretta estratto"
)
PLAN_CLOSED = register(
    "dispensing.plan_closed", "Piano terapeutico chiuso prima della scadenza", reason_required=True
)
DELEGATION_REVOKED = register(
    "dispensing.delegation_revoked", "Delega al ritiro revocata", reason_required=True
)
DISPENSING_INTERACTION_OVERRIDDEN = register(
    "dispensing.interaction_overridden",
    "Dispensazione nonostante un'interazione controindicata con le altre terapie, con motivazione",
    reason_required=True,
)
DISPENSING_INTERACTION_ACKNOWLEDGED = register(
    "dispensing.interaction_acknowledged",
    "Interazione grave con le altre terapie presa in visione alla dispensazione",
)
