"""Audit events of the ward therapy module (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

PRESCRIPTION_SIGNED = register(
    "therapy.prescription_signed", "Terapia di reparto prescritta e firmata"
)
PRESCRIPTION_SUSPENDED = register(
    "therapy.prescription_suspended", "Terapia di reparto sospesa", reason_required=True
)
PRESCRIPTION_REPLACED = register(
    "therapy.prescription_replaced",
    "Terapia di reparto sostituita da una nuova prescrizione",
    reason_required=True,
)
LIMIT_OVERRIDDEN = register(
    "therapy.limit_overridden",
    "Superamento di una dose massima autorizzato dal medico",
    reason_required=True,
)
ALLERGY_OVERRIDDEN = register(
    "therapy.allergy_overridden",
    "Terapia di reparto prescritta nonostante un'allergia",
    reason_required=True,
)
INTERACTION_OVERRIDDEN = register(
    "therapy.interaction_overridden",
    "Terapia di reparto prescritta nonostante un'interazione controindicata",
    reason_required=True,
)
DOSE_GIVEN = register("therapy.dose_given", "Dose di terapia di reparto somministrata")
DOSE_NOT_GIVEN = register(
    "therapy.dose_not_given", "Dose di terapia di reparto non somministrata", reason_required=True
)
DOSE_CORRECTED = register(
    "therapy.dose_corrected",
    "Somministrazione di terapia di reparto corretta (registrata per errore)",
    reason_required=True,
)
CABINET_UNLOAD_FLAGGED = register(
    "therapy.cabinet_unload_flagged",
    "Scarico dall'armadio di reparto non eseguito: segnalato alla farmacia",
)
CABINET_LEVEL_SET = register(
    "therapy.cabinet_level_set", "Scorta minima dell'armadio di reparto impostata"
)
